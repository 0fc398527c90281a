package dev.stemma.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used between two readings: this JVM's CPU time ({@code OperatingSystemMXBean}) and the
 * whole machine's busy share from {@code /proc/stat} (every process, the embedded broker's
 * included). Tells a benchmark phase that waited from one that had no CPU left.
 *
 * @param processCpuNanos this JVM's CPU time so far; -1 where the JVM does not report it
 * @param machineBusy     jiffies all cores spent not idle (user, nice, system, irq, softirq, steal); -1 without /proc/stat
 * @param machineTotal    all jiffies of all cores; -1 without /proc/stat
 */
record CpuUse(long processCpuNanos, long machineBusy, long machineTotal) {
    private static final Path PROC_STAT = Path.of("/proc/stat");

    /** The readings now. */
    static CpuUse now() {
        long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        long[] machine = machineJiffies();
        return new CpuUse(process, machine[0], machine[1]);
    }

    /** This JVM's CPU milliseconds per megabyte of {@code bytes} since {@code before}; NaN when unknown. */
    double processMillisPerMb(CpuUse before, long bytes) {
        if (processCpuNanos < 0 || before.processCpuNanos < 0) {
            return Double.NaN;
        }
        return (processCpuNanos - before.processCpuNanos) / 1e6 / (bytes / 1e6);
    }

    /** Share of all cores' time that was busy since {@code before}, 0 to 1; NaN when unknown. */
    double machineBusySince(CpuUse before) {
        long total = machineTotal - before.machineTotal;
        if (machineTotal < 0 || before.machineTotal < 0 || total <= 0) {
            return Double.NaN;
        }
        return (double) (machineBusy - before.machineBusy) / total;
    }

    /** {busy, total} from the first ("cpu", all cores) line of /proc/stat; {-1, -1} where there is none. */
    static long[] machineJiffies() {
        try {
            String first = Files.readAllLines(PROC_STAT).get(0);
            return parseCpuLine(first);
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /**
     * {busy, total} of a /proc/stat "cpu" line: user nice system idle iowait irq softirq steal
     * [guest guest_nice]; idle and iowait are not busy; guest time is already counted in user.
     */
    static long[] parseCpuLine(String line) {
        String[] f = line.trim().split("\\s+");
        if (!f[0].equals("cpu") || f.length < 9) {
            throw new IllegalArgumentException("not the all-cores line of /proc/stat: " + line);
        }
        long total = 0;
        long idle = 0;
        for (int i = 1; i <= 8; i++) {
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) {
                idle += v;
            }
        }
        return new long[] {total - idle, total};
    }
}
