package dev.stemma.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConceptFoldersTest {
    @TempDir
    Path dir;

    private static ImageDataset twoClassesOfSix() {
        int n = 12;
        int[] labels = new int[n];
        String[] ids = new String[n];
        float[][] pixels = new float[n][4];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            ids[i] = "img_" + i;
            pixels[i][0] = i / 6f - 1f;
        }
        return new InMemoryDataset("test", List.of("Coat", "T-shirt/top"), 1, 2, 2, labels, ids, pixels);
    }

    @Test
    void shouldWriteConceptsThenMicroConceptsFromImagesNoConceptUses() throws Exception {
        List<String> names = ConceptFolders.write(twoClassesOfSix(), List.of("Coat", "T-shirt/top"), 3, 2, 2, dir);
        assertEquals(List.of("Coat", "T-shirt_top", "micro-Coat-1", "micro-T-shirt_top-2"), names);
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            try (Stream<Path> files = Files.list(dir.resolve(name))) {
                List<String> inside = files.map(f -> f.getFileName().toString()).toList();
                assertEquals(name.startsWith("micro-") ? 2 : 3, inside.size(), name);
                for (String f : inside) {
                    assertTrue(seen.add(f), f + " is in two concepts");
                }
            }
        }
        ImageDataset back = Datasets.open("folder:" + dir);
        assertEquals(10, back.size(), "the written folders read back as a folder: dataset");
    }

    @Test
    void shouldRefuseAMicroConceptOfMoreThanFourImages() {
        assertThrows(IllegalArgumentException.class,
                () -> ConceptFolders.write(twoClassesOfSix(), List.of("Coat"), 1, 1, 5, dir));
    }

    @Test
    void shouldParseMicroSpecsAndRefuseOthersInOneLine() {
        assertArrayEquals(new int[] {4, 2}, ConceptFolders.parseMicro("4x2"));
        assertArrayEquals(new int[] {0, 0}, ConceptFolders.parseMicro("0X0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConceptFolders.parseMicro("four"));
        assertEquals("micro-concepts 'four' is not NxK, e.g. 4x2", e.getMessage());
    }
}
