package dev.stemma.analyzer.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RandomSubspaceTest {

    @Test
    void shouldBeOrthonormalAndReproducibleFromItsSeed() {
        Subspace a = RandomSubspace.of(300, 16, 42);
        Subspace b = RandomSubspace.of(300, 16, 42);
        Subspace c = RandomSubspace.of(300, 16, 43);
        SubspaceAssertions.assertOrthonormal(a, 1e-5);
        assertEquals(16, a.rank());
        assertArrayEquals(a.direction(3), b.direction(3));
        assertFalse(Arrays.equals(a.direction(3), c.direction(3)));
        assertTrue(Double.isNaN(a.energyFraction()));
    }
}
