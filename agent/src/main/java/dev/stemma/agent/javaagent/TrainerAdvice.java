package dev.stemma.agent.javaagent;

import ai.djl.training.TrainingConfig;
import net.bytebuddy.asm.Advice;

/** Inlined into DJL's {@code Trainer(Model, TrainingConfig)}: swaps in a config that adds the agent. */
public final class TrainerAdvice {
    private TrainerAdvice() {}

    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(value = 1, readOnly = false) TrainingConfig config) {
        config = TrainerHook.attach(config);
    }
}
