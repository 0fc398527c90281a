package dev.stemma.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Float16Test {

    @Test
    void shouldRoundTripEveryFiniteHalfExactly() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Float16.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(f))));
            } else {
                assertEquals((short) h, Float16.fromFloat(f), "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void shouldRoundToNearestEvenAndOverflowToInfinity() {
        assertEquals(1.0f, Float16.toFloat(Float16.fromFloat(1.0f + 0x1p-11f)), "tie rounds to even (down)");
        assertEquals(1.0f + 0x1p-9f, Float16.toFloat(Float16.fromFloat(1.0f + 3 * 0x1p-11f)), "tie rounds to even (up)");
        assertEquals(65504f, Float16.toFloat(Float16.fromFloat(65504f)));
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat(Float16.fromFloat(1e6f)));
        assertEquals(0x1p-24f, Float16.toFloat(Float16.fromFloat(0x1p-24f)), "smallest subnormal");
        assertEquals(0f, Float16.toFloat(Float16.fromFloat(0x1p-26f)));
    }
}
