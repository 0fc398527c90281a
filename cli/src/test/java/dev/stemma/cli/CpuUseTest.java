package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuUseTest {

    @Test
    void shouldCountIdleAndIowaitAsNotBusyAndIgnoreGuestColumns() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        long[] jiffies = CpuUse.parseCpuLine("cpu  100 5 40 800 20 3 2 0 70 0");
        assertArrayEquals(new long[] {150, 970}, jiffies);
    }

    @Test
    void shouldRefuseALineOfOneCore() {
        assertThrows(IllegalArgumentException.class, () -> CpuUse.parseCpuLine("cpu0 100 5 40 800 20 3 2 0 0 0"));
    }

    @Test
    void shouldGiveTheBusyShareAndCpuPerMegabyteBetweenTwoReadings() {
        CpuUse before = new CpuUse(1_000_000_000L, 100, 1000);
        CpuUse after = new CpuUse(3_000_000_000L, 250, 1200);
        assertEquals(0.75, after.machineBusySince(before), 1e-12);
        assertEquals(10.0, after.processMillisPerMb(before, 200_000_000L), 1e-12, "2 s of CPU over 200 MB");
    }

    @Test
    void shouldSayNotKnownWhereAReadingIsMissing() {
        CpuUse unknown = new CpuUse(-1, -1, -1);
        CpuUse known = new CpuUse(5, 5, 10);
        assertTrue(Double.isNaN(known.machineBusySince(unknown)));
        assertTrue(Double.isNaN(known.processMillisPerMb(unknown, 1_000_000)));
    }

    @Test
    void shouldReadThisMachinesCountersWhereTheyExist() {
        CpuUse now = CpuUse.now();
        assertTrue(now.processCpuNanos() > 0, "a running JVM has used CPU");
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/stat"))) {
            assertTrue(now.machineTotal() >= now.machineBusy() && now.machineBusy() > 0);
        }
    }
}
