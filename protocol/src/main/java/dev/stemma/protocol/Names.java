package dev.stemma.protocol;

import java.nio.charset.StandardCharsets;

/** Rules shared by every name that becomes part of a store key. */
final class Names {
    /** Longest name, in UTF-8 bytes; store keys give it a one-byte length. */
    static final int MAX_BYTES = 255;

    private Names() {}

    static String require(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(what + " '" + name.substring(0, 32) + "...' is " + bytes
                    + " UTF-8 bytes, more than " + MAX_BYTES);
        }
        return name;
    }
}
