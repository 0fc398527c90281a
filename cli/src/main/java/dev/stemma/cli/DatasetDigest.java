package dev.stemma.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sha256 of a dataset, for a run's provenance: over every regular file under the spec's
 * directory, in path order, each as its relative path, a zero byte and its content. Renaming,
 * adding, removing or changing a file changes the digest.
 */
final class DatasetDigest {
    private DatasetDigest() {}

    static String of(String spec) throws IOException {
        int colon = spec.indexOf(':');
        Path root = Path.of(colon < 0 ? spec : spec.substring(colon + 1));
        if (!Files.exists(root)) {
            throw new IllegalArgumentException("dataset " + spec + ": " + root + " does not exist");
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        byte[] buf = new byte[1 << 16];
        for (Path f : files) {
            sha.update(root.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
