package dev.stemma.protocol.integrity;

import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.RunIds;
import dev.stemma.protocol.StepSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 hash chain over the step snapshots of one run, in step order:
 *
 * <pre>
 * link(-1) = SHA-256("stemma.chain.v1" 0x00 runId)
 * link(k)  = SHA-256(link(k-1) | step u64 | SHA-256(encode(snapshot(k))))
 * </pre>
 *
 * Because the encoding is canonical, the collector can rebuild each snapshot from the store
 * and arrive at the same links; a changed byte, a missing step or two swapped steps each
 * change every link from there on. Not thread-safe.
 */
public final class HashChain {
    private static final byte[] DOMAIN = "stemma.chain.v1".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha;
    private byte[] link;
    private long lastStep = -1;
    private long length;

    private HashChain(byte[] genesis) {
        this.sha = sha256();
        this.link = genesis;
    }

    /** A chain for {@code runId} that has no steps yet. */
    public static HashChain start(String runId) {
        MessageDigest sha = sha256();
        sha.update(DOMAIN);
        sha.update((byte) 0);
        sha.update(RunIds.requireValid(runId).getBytes(StandardCharsets.UTF_8));
        return new HashChain(sha.digest());
    }

    /**
     * A chain that continues after a stored link: {@code link} is the link after {@code lastStep}
     * (or the genesis link with {@code lastStep} -1). What lets the collector extend a run's
     * chain from the store instead of keeping every run's chain in memory. {@link #length()}
     * counts only the steps appended after resuming.
     */
    public static HashChain resume(byte[] link, long lastStep) {
        if (link == null || link.length != 32) {
            throw new IllegalArgumentException("a chain link is 32 bytes");
        }
        if (lastStep < -1) {
            throw new IllegalArgumentException("last step " + lastStep + " is below -1");
        }
        HashChain chain = new HashChain(link.clone());
        chain.lastStep = lastStep;
        return chain;
    }

    /**
     * Appends a step; steps must come in strictly increasing order. Returns the new link: that of
     * {@link #appendDigest} with the snapshot's {@link #snapshotDigest}, the same as
     * {@code append(step, RecordCodec.encode(snapshot))}.
     */
    public byte[] append(StepSnapshot snapshot) {
        return appendDigest(snapshot.step(), snapshotDigest(snapshot));
    }

    /**
     * SHA-256 of the snapshot's canonical encoding, the per-step digest a link is built from. The
     * encoding is hashed as it is produced ({@link RecordCodec#encodeTo}), never built as an array.
     * Thread-safe, so digests can be taken apart from the chain (the collector takes them on its
     * consumer thread, before the writer links them in step order).
     */
    public static byte[] snapshotDigest(StepSnapshot snapshot) {
        MessageDigest sha = sha256();
        RecordCodec.encodeTo(snapshot, sha);
        return sha.digest();
    }

    /** Appends a step given its {@link #snapshotDigest}. Returns the new link. */
    public byte[] appendDigest(long step, byte[] snapshotDigest) {
        if (snapshotDigest == null || snapshotDigest.length != 32) {
            throw new IllegalArgumentException("a snapshot digest is 32 bytes");
        }
        checkOrder(step);
        return link(step, snapshotDigest);
    }

    /** Appends a step given its encoded snapshot. Returns the new link. */
    public byte[] append(long step, byte[] encodedSnapshot) {
        checkOrder(step);
        return link(step, sha.digest(encodedSnapshot));
    }

    private void checkOrder(long step) {
        if (step <= lastStep) {
            throw new IllegalArgumentException("step " + step + " after step " + lastStep + ": the chain runs in increasing step order");
        }
    }

    private byte[] link(long step, byte[] recordDigest) {
        sha.update(link);
        sha.update(ByteBuffer.allocate(8).putLong(step).array());
        sha.update(recordDigest);
        link = sha.digest();
        lastStep = step;
        length++;
        return link.clone();
    }

    /** The current link: the final digest once every step is in. */
    public byte[] digest() {
        return link.clone();
    }

    /** The current link as lowercase hex. */
    public String digestHex() {
        return HexFormat.of().formatHex(link);
    }

    /** How many steps were appended. */
    public long length() {
        return length;
    }

    /** The last step appended, or -1. */
    public long lastStep() {
        return lastStep;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
