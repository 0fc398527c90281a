package dev.stemma.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgentBenchmarkTest {
    private static final AgentBenchmark.Option X = new AgentBenchmark.Option("x", null, 5);
    private static final AgentBenchmark.Option Y = new AgentBenchmark.Option("y", null, 5);

    @Test
    void shouldPutABaselineSegmentBeforeEveryOptionRotateTheOptionsAndCloseWithABaseline() {
        List<AgentBenchmark.Option> s = AgentBenchmark.schedule(2, List.of(X, Y));
        assertEquals(List.of("baseline", "x", "baseline", "y", "baseline", "y", "baseline", "x", "baseline"),
                s.stream().map(AgentBenchmark.Option::name).toList());
    }

    @Test
    void shouldCompareEachOptionWithItsNeighbouringBaselinesSoThatALinearDriftCancels() {
        List<AgentBenchmark.Option> s = AgentBenchmark.schedule(2, List.of(X, Y));
        double[] ms = new double[s.size()];
        for (int i = 0; i < ms.length; i++) {
            double machine = 100 + 10 * i; // the machine slows down steadily
            String name = s.get(i).name();
            ms[i] = machine * (name.equals("x") ? 1.10 : name.equals("y") ? 1.30 : 1.0);
        }
        double[] capture = new double[ms.length];
        for (int i = 0; i < ms.length; i++) {
            capture[i] = s.get(i).name().equals("x") ? 0.05 * (100 + 10 * i) : 0; // x's capture: half its slowdown
        }
        double[][] steps = new double[ms.length][];
        for (int i = 0; i < ms.length; i++) {
            steps[i] = s.get(i).name().equals("x") ? new double[] {100, 100 + i, 100} : new double[] {100, 100, 100};
        }
        List<AgentBenchmark.Result> results = AgentBenchmark.summarise(s, ms, new double[ms.length], new double[ms.length],
                capture, steps);
        assertEquals(List.of("baseline", "x", "y"), results.stream().map(AgentBenchmark.Result::name).toList());
        assertEquals(0, results.get(0).slowdownPercent(), 1e-9);
        assertEquals(10, results.get(1).slowdownPercent(), 1e-9);
        assertArrayEquals(new double[] {10, 10}, results.get(1).roundSlowdownPercent(), 1e-9);
        assertEquals(30, results.get(2).slowdownPercent(), 1e-9);
        assertFalse(results.get(1).meetsBar(), "10% is over the 5% bar");
        assertEquals(5, results.get(1).capturePercent(), 1e-9, "the capture's share of the neighbouring baseline step");
        assertEquals(0, results.get(2).capturePercent(), 1e-9);
        // x runs at segments 1 and 7: its middle step 101 and 107, median 104
        assertArrayEquals(new double[] {100, 104, 100}, results.get(1).stepProfileMs(), 1e-9, "median by position");
    }
}
