/** Scratch experiment: prints each LoRA factor of a run and its size (sizes.tsv for analyze.py). Arguments: STORE RUN. */
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.analyzer.gradient.FactorLayout;
import java.nio.file.Path;
public class Sizes { public static void main(String[] a) { try (TrajectoryStore s = TrajectoryStore.openReadOnly(Path.of(a[0]))) {
  FactorLayout l = FactorLayout.loraFactors(s.manifest(a[1]).orElseThrow());
  for (int i = 0; i < l.factors(); i++) System.out.println(l.names().get(i) + "\t" + l.size(i)); } } }
