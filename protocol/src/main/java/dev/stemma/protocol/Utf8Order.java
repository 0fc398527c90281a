package dev.stemma.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Orders strings as their UTF-8 bytes compare unsigned, which is how RocksDB orders keys. */
enum Utf8Order implements Comparator<String> {
    INSTANCE;

    @Override
    public int compare(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
