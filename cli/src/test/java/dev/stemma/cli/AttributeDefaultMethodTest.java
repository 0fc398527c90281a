package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AttributeDefaultMethodTest {

    @Test
    void shouldTakeEachSettingsEvaluationWinnerThatCanReadTheImages() {
        assertEquals("token-likelihood", AttributeCommand.defaultMethod(false, true), "content-only, pixels given");
        assertEquals("knn-exact:final-activations", AttributeCommand.defaultMethod(false, false),
                "content-only on recorded probe generations, whose pixels are not kept");
        assertEquals("concept-subspace:final-activations", AttributeCommand.defaultMethod(true, true), "prompt-known");
        assertEquals("concept-subspace:final-activations", AttributeCommand.defaultMethod(true, false), "prompt-known");
    }
}
