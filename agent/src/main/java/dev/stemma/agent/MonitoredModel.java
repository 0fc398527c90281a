package dev.stemma.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.stemma.protocol.BatchItem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a monitored customisation job offers the agent: the small interface a DJL training job
 * implements so that Stemma can watch it. The trainer module implements it for Stemma's own
 * diffusion model; any user's DJL job can too.
 *
 * <p>Threading: the agent calls these methods on the training thread, from its
 * {@code TrainingListener} callbacks ({@code onTrainingBatch} runs after backward and before
 * {@code step()}), and copies what it needs out of the returned arrays before returning.
 */
public interface MonitoredModel {

    /**
     * The tensors customisation trains (LoRA factors of every adapted layer, concept token
     * embeddings), by stable name, in a stable order, as their current values. Names look like
     * {@code down1.res0.conv1/lora_a}, {@code tokens/Shirt}. The base model plus these tensors
     * at step t rebuild the model as it was at step t.
     */
    Map<String, NDArray> adapterTensors();

    /**
     * The examples of the batch trained in the current step: training image id, diffusion
     * timestep and noise seed of each, enough to recompute its loss and gradient later.
     */
    List<BatchItem> currentBatch();

    /** The layers whose activations {@link #probeForward} can return, shallowest first. */
    List<String> tappableLayers();

    /**
     * The layers tapped when the agent's config names none: by default all of them; a model may
     * name fewer, since the probe forward stops after the deepest tapped layer and costs in
     * proportion.
     */
    default List<String> defaultProbeLayers() {
        return tappableLayers();
    }

    /** The concepts being learned, in token order. */
    List<String> concepts();

    /** The training images of every concept, with their ids; the default probe set. */
    List<ProbeImage> trainingImages();

    /**
     * Generates {@code count} images of {@code concept} from a fixed seed with the current model:
     * the probe generations made at the start of a run. Returns (count, C, H, W) in {@code manager}.
     */
    NDArray generate(NDManager manager, String concept, long seed, int count);

    /**
     * Runs the denoiser on {@code cleanImages} (N, C, H, W) noised to diffusion timestep
     * {@code timestep} with {@code noise} (same shape), conditioned on {@code concepts} (one per
     * image; {@code null} entries mean the null token), and returns the activations (N, C', H', W')
     * of the requested {@code layers}, created in {@code manager}. Implementations stop after the
     * deepest requested layer, compute no gradients and change no parameter.
     */
    Map<String, NDArray> probeForward(NDManager manager, NDArray cleanImages, int timestep, NDArray noise,
                                      List<String> concepts, Set<String> layers);

    /**
     * {@link #probeForward} with a diffusion timestep per image ({@code timesteps.length} = N), so
     * that the agent can take every timestep of a capture in one forward. The default runs one
     * {@link #probeForward} per run of equal consecutive timesteps and joins the activations in
     * image order; a model whose denoiser takes a timestep per image overrides it with a single
     * forward.
     */
    default Map<String, NDArray> probeForward(NDManager manager, NDArray cleanImages, int[] timesteps, NDArray noise,
                                              List<String> concepts, Set<String> layers) {
        int n = timesteps.length;
        if (cleanImages.getShape().get(0) != n || concepts.size() != n) {
            throw new IllegalArgumentException(n + " timesteps for " + cleanImages.getShape().get(0) + " images and "
                    + concepts.size() + " concepts");
        }
        Map<String, NDList> parts = new LinkedHashMap<>();
        for (int from = 0; from < n; ) {
            int to = from + 1;
            while (to < n && timesteps[to] == timesteps[from]) {
                to++;
            }
            NDArray x = cleanImages.get(from + ":" + to);
            x.attach(manager);
            NDArray eps = noise.get(from + ":" + to);
            eps.attach(manager);
            probeForward(manager, x, timesteps[from], eps, concepts.subList(from, to), layers)
                    .forEach((layer, a) -> parts.computeIfAbsent(layer, l -> new NDList()).add(a));
            from = to;
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        parts.forEach((layer, list) -> out.put(layer, list.size() == 1 ? list.get(0) : NDArrays.concat(list, 0)));
        return out;
    }

    /**
     * The training loss of the current step, or NaN if the model does not track it; the agent
     * then evaluates the trainer's loss on the batch's labels and predictions.
     */
    default float currentLoss() {
        return Float.NaN;
    }

    /** The learning rate applied in the current step, or 0 if unknown. */
    default float currentLearningRate() {
        return 0f;
    }

    /**
     * The number of the current step (0 for the first step of a fresh run; larger after a
     * resume), or -1 if the model does not count steps; the agent then counts them from 0.
     */
    default long currentStep() {
        return -1;
    }

    /** A training image that can serve as a probe. */
    record ProbeImage(String imageId, String concept, float[] pixels, int channels, int height, int width) {
        public ProbeImage {
            if (pixels.length != channels * height * width) {
                throw new IllegalArgumentException("image " + imageId + " has " + pixels.length + " values, expected "
                        + channels + "x" + height + "x" + width);
            }
        }
    }
}
