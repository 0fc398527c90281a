package dev.stemma.agent.javaagent;

import dev.stemma.agent.AgentConfig;
import dev.stemma.agent.AgentConfigFile;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * The {@code -javaagent} entry point. The argument is the path of an agent config file
 * ({@link AgentConfigFile}); it is read and validated when the JVM starts, so a bad file stops
 * the job before it trains. Every DJL {@code Trainer} constructed afterwards gets a
 * {@link dev.stemma.agent.StemmaAgent} among its listeners: the first records run
 * {@code run-id}, later ones {@code run-id-2}, {@code run-id-3}, ...
 */
public final class StemmaJavaAgent {
    private StemmaJavaAgent() {}

    public static void premain(String args, Instrumentation instrumentation) throws Exception {
        if (args == null || args.isBlank()) {
            throw new IllegalArgumentException("usage: -javaagent:stemma-agent.jar=CONFIG.yaml");
        }
        AgentConfig config = AgentConfigFile.load(Path.of(args.trim()));
        TrainerHook.install(config);
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .type(ElementMatchers.named("ai.djl.training.Trainer"))
                .transform((builder, type, loader, module, domain) -> builder.visit(Advice.to(TrainerAdvice.class)
                        .on(ElementMatchers.isConstructor().and(ElementMatchers.takesArguments(2)))))
                .installOn(instrumentation);
    }
}
