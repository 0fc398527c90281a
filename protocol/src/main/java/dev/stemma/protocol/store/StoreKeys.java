package dev.stemma.protocol.store;

import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.MalformedRecordException;
import dev.stemma.protocol.Pooling;
import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.RunIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Store keys. Every key starts with the run ({@code u8 length | UTF-8}); strings inside keys
 * are length-prefixed the same way; integers are big-endian and unsigned, and the step comes
 * last, so that RocksDB's byte order is step order and the prefix of everything before the step
 * is one trajectory. Keys are deterministic: a replayed record overwrites itself.
 */
public final class StoreKeys {
    private StoreKeys() {}

    /** Key prefix shared by every key of {@code runId}, in every column family. */
    public static byte[] run(String runId) {
        byte[] r = RunIds.requireValid(runId).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + r.length).put((byte) r.length).put(r).array();
    }

    /** {@link ColumnFamily#METRICS} and {@link ColumnFamily#CHAIN} key of one step. */
    public static byte[] step(String runId, long step) {
        byte[] run = run(runId);
        return ByteBuffer.allocate(run.length + 8).put(run).putLong(requireStep(step)).array();
    }

    /** Prefix of every {@link ColumnFamily#FACTORS} key of one adapter tensor: its trajectory. */
    public static byte[] factorPrefix(String runId, String name) {
        byte[] run = run(runId);
        byte[] n = name(name);
        return ByteBuffer.allocate(run.length + n.length).put(run).put(n).array();
    }

    /** {@link ColumnFamily#FACTORS} key of one adapter tensor at one step. */
    public static byte[] factor(String runId, String name, long step) {
        return withStep(factorPrefix(runId, name), step);
    }

    /** Prefix of every {@link ColumnFamily#ACTIVATIONS} key of one probe. */
    public static byte[] probePrefix(String runId, int probeId) {
        byte[] run = run(runId);
        return ByteBuffer.allocate(run.length + 4).put(run).putInt(probeId).array();
    }

    /** Prefix of one activation series (probe, layer, timestep, conditioning, pooling): its trajectory. */
    public static byte[] seriesPrefix(String runId, int probeId, String layer, int timestep, Conditioning conditioning,
                                      Pooling pooling) {
        byte[] probe = probePrefix(runId, probeId);
        byte[] l = name(layer);
        return ByteBuffer.allocate(probe.length + l.length + 4).put(probe).put(l)
                .putShort((short) timestep).put((byte) conditioning.code()).put((byte) pooling.grid()).array();
    }

    /** {@link ColumnFamily#ACTIVATIONS} key of one activation at one step. */
    public static byte[] activation(String runId, long step, ProbeActivation a) {
        return withStep(seriesPrefix(runId, a.probeId(), a.layer(), a.timestep(), a.conditioning(), a.pooling()), step);
    }

    /** The step in the last eight bytes of a step-suffixed key. */
    public static long stepOf(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
    }

    /** The series parts of an {@link ColumnFamily#ACTIVATIONS} key. */
    public record ActivationKey(String runId, int probeId, String layer, int timestep, Conditioning conditioning,
                                Pooling pooling, long step) {}

    /** Parses an {@link ColumnFamily#ACTIVATIONS} key. */
    public static ActivationKey parseActivation(byte[] key) throws MalformedRecordException {
        try {
            ByteBuffer b = ByteBuffer.wrap(key);
            String run = readName(b);
            int probe = b.getInt();
            String layer = readName(b);
            int t = b.getShort() & 0xffff;
            Conditioning c = Conditioning.fromCode(b.get() & 0xff);
            Pooling p = new Pooling(b.get() & 0xff);
            long step = b.getLong();
            if (b.hasRemaining()) {
                throw new MalformedRecordException(MalformedRecordException.Reason.TRAILING_BYTES, "activation key too long");
            }
            return new ActivationKey(run, probe, layer, t, c, p, step);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new MalformedRecordException(MalformedRecordException.Reason.TRUNCATED, "activation key: " + e);
        }
    }

    /** Parses the factor name out of a {@link ColumnFamily#FACTORS} key. */
    public static String factorNameOf(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        readName(b);
        return readName(b);
    }

    /** The run id at the start of any key. */
    public static String runOf(byte[] key) {
        return readName(ByteBuffer.wrap(key));
    }

    private static String readName(ByteBuffer b) {
        int len = b.get() & 0xff;
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] name(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > 255) {
            throw new IllegalArgumentException("name '" + name + "' must be 1 to 255 UTF-8 bytes");
        }
        return ByteBuffer.allocate(1 + n.length).put((byte) n.length).put(n).array();
    }

    private static byte[] withStep(byte[] prefix, long step) {
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(requireStep(step)).array();
    }

    private static long requireStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step " + step + " is negative");
        }
        return step;
    }
}
