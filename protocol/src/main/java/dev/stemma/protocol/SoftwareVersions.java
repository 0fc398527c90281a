package dev.stemma.protocol;

import java.util.Objects;

/** The versions of the software that produced a run, for its provenance. */
public record SoftwareVersions(String java, String djl, String pytorch, String stemma) {
    public SoftwareVersions {
        Objects.requireNonNull(java, "java");
        Objects.requireNonNull(djl, "djl");
        Objects.requireNonNull(pytorch, "pytorch");
        Objects.requireNonNull(stemma, "stemma");
    }
}
