package dev.stemma.analyzer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AnalyzerBenchmarkTest {

    @Test
    void shouldMeasureASmallRunAndAttributeItsQueries() {
        AnalyzerBenchmark.Result result = AnalyzerBenchmark.run(new AnalyzerBenchmark.Settings(64, 20, 16, 8, 8, false));
        assertTrue(result.medianQueryMillis() > 0 && result.medianQueryMillis() <= result.maxQueryMillis());
        assertTrue(result.energyFraction() > 0.5 && result.energyFraction() <= 1.0, "energy " + result.energyFraction());
        assertTrue(result.subspacePeakHeapBytes() > 0);
        assertEquals(1.0, result.topOneAccuracy(), 0.13);
        assertTrue(result.toJson().contains("\"query_ms_median\""));
    }
}
