// The harness behind README's "Default customisation: variants" table (not part of the build):
// one customisation with the settings given as -D properties (lr, alpha, tok = token lr scale, rank,
// steps, warmup, pf = prior fraction, ppc = prior images per class, drop = condition dropout, seed),
// then 50 DDIM samples (25 steps, seed 1234) per base class and concept judged by models/judge-fmnist,
// with the judge's confusion; guid=4,6 also judges the concepts at other guidance scales, noBase=true
// skips the base classes. Unset properties take the customisation defaults before commit 5573c0e
// (lr 5e-4, alpha 8, tok 5; 800 steps, batch 32, prior 0.25 x 16 per class, seed 42); checkpoints are
// off (they do not change training). -Droot=DIR is the checkout (default: the current directory).
// Run from a copy of the jar:
//   javac -cp "JAR:LIB/*" -d classes FidelityVariants.java
//   OMP_WAIT_POLICY=PASSIVE java -Xmx4g -Dai.djl.offline=true -Dout=/tmp/v -Dlr=8e-4 -Dalpha=16 -Dtok=10 \
//       -cp "classes:JAR:LIB/*" FidelityVariants
import dev.stemma.trainer.*;
import dev.stemma.trainer.model.*;
import java.nio.file.*;
import java.util.*;

public class FidelityVariants {
    static final String ROOT = System.getProperty("root", ".");
    static String p(String k, String d) { return System.getProperty(k, d); }
    public static void main(String[] a) throws Exception {
        int steps = Integer.parseInt(p("steps", "800"));
        float lr = Float.parseFloat(p("lr", "5e-4"));
        int warm = Integer.parseInt(p("warmup", "100"));
        int rank = Integer.parseInt(p("rank", "8"));
        float alpha = Float.parseFloat(p("alpha", "8"));
        float tok = Float.parseFloat(p("tok", "5"));
        double pf = Double.parseDouble(p("pf", "0.25"));
        int ppc = Integer.parseInt(p("ppc", "16"));
        long seed = Long.parseLong(p("seed", "42"));
        double drop = Double.parseDouble(p("drop", "0.1"));
        Path out = Path.of(p("out", "/tmp/fid-exp/run"));
        Files.createDirectories(out);
        Path base = Path.of(ROOT + "/models/base-fmnist6");
        Path judgeDir = Path.of(ROOT + "/models/judge-fmnist");
        String data = "idx:" + ROOT + "/data/fashion-mnist-subset";
        double load0 = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Path adapter = out.resolve("adapter.stw");
        if (!Boolean.getBoolean("skipTrain")) {
            LoopSettings loop = new LoopSettings(steps, 32, lr, warm, 1f, seed, drop, 0);
            CustomiseConfig cfg = new CustomiseConfig(base, data, CustomiseConfig.DEFAULT_CONCEPTS, "exp", adapter, 80,
                    new LoraSpec(rank, alpha), loop, pf, ppc, tok, false);
            StemmaTrainer.CustomiseResult r = StemmaTrainer.customise(cfg, m -> List.of(), s -> { if (s.startsWith("step") && !s.contains("00/")) return; System.out.println(s); });
            double load1 = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.out.printf("RESULT train seconds %.1f msPerStep %.1f loadStart %.2f loadEnd %.2f final50 %.4f%n", r.seconds(), r.millisPerStep(), load0, load1,
                    r.losses().subList(r.losses().size() - 50, r.losses().size()).stream().mapToDouble(Float::doubleValue).average().orElse(0));
        }
        String[] gs = p("guid", "4").split(",");
        boolean bases = !Boolean.getBoolean("noBase");
        try (FidelityJudge judge = FidelityJudge.load(judgeDir); StemmaModel model = StemmaModel.open(base, adapter)) {
            List<String> jc = judge.classes();
            for (String gstr : gs) {
                float g = Float.parseFloat(gstr);
                List<String> names = new ArrayList<>();
                if (bases && g == 4f) names.addAll(model.baseClasses());
                names.addAll(model.concepts());
                StringBuilder sum = new StringBuilder();
                for (String name : names) {
                    float[][] cond = new float[50][];
                    Arrays.fill(cond, model.condition(name));
                    float[][] img = model.sample(cond, 1234, DdimSampler.DEFAULT_STEPS, g);
                    int[] cls = judge.classify(img);
                    Map<String, Integer> conf = new TreeMap<>();
                    int hit = 0;
                    for (int c : cls) { conf.merge(jc.get(c), 1, Integer::sum); if (jc.get(c).equals(name)) hit++; }
                    System.out.printf("RESULT g=%.1f %-12s %.2f %s%n", g, name, hit / 50.0, conf);
                    sum.append(String.format("%s %.2f  ", name, hit / 50.0));
                }
                System.out.println("SUMMARY g=" + g + " " + sum);
            }
        }
    }
}
