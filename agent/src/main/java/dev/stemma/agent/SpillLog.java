package dev.stemma.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only local file of encoded records that Kafka could not take yet, read back in the
 * order written. Each record is {@code length u32 | bytes} and forced to disk, so a record the
 * agent accepted survives a crash of the training process. Emptied once every record was read.
 */
final class SpillLog implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private long readPosition;
    private long pending;

    SpillLog(Path dir, String runId) throws IOException {
        Files.createDirectories(dir);
        this.file = dir.resolve(runId + ".spill");
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.channel.truncate(0);
    }

    boolean isEmpty() {
        return pending == 0;
    }

    long pending() {
        return pending;
    }

    void append(byte[] record) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 + record.length).putInt(record.length).put(record).flip();
        long at = channel.size();
        while (buf.hasRemaining()) {
            at += channel.write(buf, at);
        }
        channel.force(false);
        pending++;
    }

    /** The oldest record not yet read; call only when not empty. */
    byte[] next() throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        readFully(len, readPosition);
        int n = len.flip().getInt();
        ByteBuffer body = ByteBuffer.allocate(n);
        readFully(body, readPosition + 4);
        readPosition += 4 + n;
        if (--pending == 0) {
            channel.truncate(0);
            readPosition = 0;
        }
        return body.array();
    }

    private void readFully(ByteBuffer buf, long at) throws IOException {
        while (buf.hasRemaining()) {
            int r = channel.read(buf, at);
            if (r < 0) {
                throw new IOException("spill file " + file + " ended early");
            }
            at += r;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        if (pending == 0) {
            Files.deleteIfExists(file);
        }
    }
}
