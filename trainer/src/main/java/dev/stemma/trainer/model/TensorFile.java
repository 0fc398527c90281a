package dev.stemma.trainer.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float32 tensors in one file: magic {@code STMW}, format version, count, then per tensor its
 * UTF name, rank, dimensions and big-endian floats. Written to a temporary file and moved into place,
 * so a crash never leaves half a file. Bases, adapters and checkpoints all use it.
 */
public final class TensorFile {
    private static final int MAGIC = 0x53544d57; // "STMW"
    private static final int VERSION = 1;

    private TensorFile() {}

    /** A tensor: its shape and values (row-major). */
    public record Tensor(long[] shape, float[] values) {
        public Tensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("shape holds " + n + " values, got " + values.length);
            }
        }
    }

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(tensors.size());
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                out.writeUTF(e.getKey());
                long[] shape = e.getValue().shape();
                out.writeInt(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
                for (float v : e.getValue().values()) {
                    out.writeFloat(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Map<String, Tensor> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tensor file " + file + " does not exist");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException(file + " is not a Stemma tensor file (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException(file + " has tensor format version " + version + ", expected " + VERSION);
            }
            int count = in.readInt();
            if (count < 0 || count > 100_000) {
                throw new IllegalArgumentException(file + " declares " + count + " tensors");
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            long budget = Files.size(file);
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int rank = in.readInt();
                if (rank < 0 || rank > 8) {
                    throw new IllegalArgumentException(file + ": tensor " + name + " has rank " + rank);
                }
                long[] shape = new long[rank];
                long n = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readLong();
                    n *= shape[d];
                    if (shape[d] < 0 || n * 4 > budget) {
                        throw new IllegalArgumentException(file + ": tensor " + name + " is larger than the file");
                    }
                }
                float[] v = new float[(int) n];
                for (int k = 0; k < v.length; k++) {
                    v[k] = in.readFloat();
                }
                out.put(name, new Tensor(shape, v));
            }
            return out;
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " is truncated");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
        }
    }
}
