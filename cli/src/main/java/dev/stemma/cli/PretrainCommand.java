package dev.stemma.cli;

import dev.stemma.trainer.LoopSettings;
import dev.stemma.trainer.PretrainConfig;
import dev.stemma.trainer.StemmaTrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma pretrain}: trains a base model on base classes. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Trains a class-conditional U-Net diffusion base (DDPM, EMA weights) on base classes.",
                "Writes DIR/base.stw (weights), DIR/base.json (config, seed, provenance) and DIR/base.sha256."})
final class PretrainCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = DataOption.AUTO, paramLabel = "SPEC",
            description = "Dataset: idx:DIR or folder:DIR (default: ${DEFAULT-VALUE}: " + DataOption.AUTO_TEXT + ").")
    String data;

    @Option(names = "--classes", split = ",", paramLabel = "a,b,..",
            defaultValue = "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal",
            description = "Base classes to train on (default: ${DEFAULT-VALUE}).")
    List<String> classes;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the base goes (required).")
    Path out;

    @Option(names = "--images-per-class", defaultValue = "" + PretrainConfig.DEFAULT_IMAGES_PER_CLASS, paramLabel = "N",
            description = "Use the first N images of each class, 0 for all (default: ${DEFAULT-VALUE}).")
    int imagesPerClass;

    @Option(names = "--channels", split = ",", defaultValue = "32,64,64", paramLabel = "c0,c1,..",
            description = "U-Net channels per resolution level, attention at the last (default: ${DEFAULT-VALUE}).")
    List<Integer> channels;

    @Option(names = "--steps", defaultValue = "" + LoopSettings.PRETRAIN_STEPS, paramLabel = "N",
            description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "" + LoopSettings.PRETRAIN_BATCH, paramLabel = "N",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "" + LoopSettings.PRETRAIN_LR, paramLabel = "LR",
            description = "Peak Adam learning rate; linear warm-up, cosine decay to 10%% (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--warmup", defaultValue = "" + LoopSettings.WARMUP_STEPS, paramLabel = "N",
            description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--clip-norm", defaultValue = "" + LoopSettings.CLIP_NORM, paramLabel = "X",
            description = "Global gradient-norm clip (default: ${DEFAULT-VALUE}).")
    float clipNorm;

    @Option(names = "--seed", defaultValue = "" + LoopSettings.SEED, paramLabel = "N",
            description = "Seed of the initial weights and of every batch (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--condition-dropout", defaultValue = "" + LoopSettings.CONDITION_DROPOUT, paramLabel = "P",
            description = "Share of examples trained with the null token, for guidance (default: ${DEFAULT-VALUE}).")
    double conditionDropout;

    @Option(names = "--ema-decay", defaultValue = "" + PretrainConfig.DEFAULT_EMA_DECAY, paramLabel = "D",
            description = "EMA decay of the shipped weights, 0 for none (default: ${DEFAULT-VALUE}).")
    float emaDecay;

    @Option(names = "--checkpoint-every", defaultValue = "" + LoopSettings.CHECKPOINT_EVERY, paramLabel = "N",
            description = "Write DIR/checkpoint.stw every N steps, 0 for never (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", defaultValue = "false",
            description = "Continue from DIR's last checkpoint (default: ${DEFAULT-VALUE}).")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        LoopSettings loop = new LoopSettings(steps, batch, lr, warmup, clipNorm, seed, conditionDropout, checkpointEvery);
        PretrainConfig config = new PretrainConfig(DataOption.resolve(data), classes, out, imagesPerClass, channels, loop,
                emaDecay, resume);
        StemmaTrainer.PretrainResult r = StemmaTrainer.pretrain(config, Progress::log);
        System.out.printf("base %s  sha256 %s  %.0f ms/step%n", r.baseDir(), r.sha256(), r.millisPerStep());
        return 0;
    }
}
