package dev.stemma.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of Stemma this code was built as, for run manifests and {@code stemma --version}. */
public final class StemmaVersion {
    private static final String VERSION = load();

    private StemmaVersion() {}

    /** The Maven project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = StemmaVersion.class.getResourceAsStream("stemma.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
