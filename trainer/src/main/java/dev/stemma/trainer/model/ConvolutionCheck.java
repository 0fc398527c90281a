package dev.stemma.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.Locale;

/**
 * A once-per-JVM check that PyTorch computes convolution gradients from initialised memory only.
 *
 * <p>On an AMD EPYC of family 26 (Zen 5) the oneDNN kernels that PyTorch 2.7.1 picks at AVX2 and
 * above read memory they never wrote in the backward of a 3x3 convolution whose channel counts are
 * not a multiple of their vector width (8 or 16 floats: a U-Net's 1-channel output, a LoRA rank,
 * the tiny test model's 8 and 24 channels). That memory is multiplied by zero padding, so the
 * gradients are right until the allocator hands back a block that held a NaN or an infinity; then
 * whole gradients are NaN, intermittently (a training loss of NaN at step 0, finite-difference
 * checks off by 30%). Capping oneDNN at {@code ONEDNN_MAX_CPU_ISA=AVX} removed it in every case
 * measured ({@code SSE41} too; {@code AVX2}, {@code AVX2_VNNI} and {@code AVX512_CORE} did not);
 * {@code bin/stemma}, the Maven build and the Docker image set it.
 *
 * <p>The check makes the fault certain where it exists: it fills freed blocks with NaN before each
 * backward, so a kernel that reads stale memory returns a non-finite gradient. It cannot prove a
 * kernel sound, but on the machine above it failed in every round without the cap.
 */
final class ConvolutionCheck {
    /** The oneDNN setting that caps the instruction set its kernels may use. */
    static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";
    /** Convolutions that read stale memory on the machine above: {in, out channels, size}, 3x3, stride 1, padding 1. */
    private static final int[][] CASES = {{24, 8, 28}, {24, 2, 28}, {8, 1, 28}};
    private static final int ROUNDS = 3;

    private static volatile boolean passed;

    private ConvolutionCheck() {}

    /**
     * Runs the check once per JVM; later calls return at once.
     *
     * @throws IllegalStateException naming the setting to use when a gradient is not finite
     */
    static void require() {
        if (passed) {
            return;
        }
        synchronized (ConvolutionCheck.class) {
            if (!passed) {
                String fault = firstFault();
                if (fault != null) {
                    String isa = System.getenv(ISA_VARIABLE);
                    throw new IllegalStateException(String.format(Locale.ROOT,
                            "PyTorch's convolution gradients read uninitialised memory on this CPU (%s with %s=%s):"
                                    + " set %s=AVX, as bin/stemma does, and run again", fault, ISA_VARIABLE,
                            isa == null ? "unset" : isa, ISA_VARIABLE));
                }
                passed = true;
            }
        }
    }

    /** The first convolution whose gradient was not finite, described; null when all were. */
    static String firstFault() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int[] c : CASES) {
                    if (!finiteGradients(m, c[0], c[1], c[2], round)) {
                        return String.format(Locale.ROOT, "a %d-to-%d-channel 3x3 convolution on %dx%d gave a non-finite gradient",
                                c[0], c[1], c[2], c[2]);
                    }
                }
            }
        }
        return null;
    }

    private static boolean finiteGradients(NDManager parent, int in, int out, int size, long seed) {
        try (NDManager m = parent.newSubManager()) {
            poisonFreedMemory(m, 2L * in * size * size);
            NDArray x = m.create(NoiseSchedule.noise(seed, 2 * in * size * size), new Shape(2, in, size, size));
            NDArray w = m.create(NoiseSchedule.noise(seed + 1, out * in * 9), new Shape(out, in, 3, 3));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                NDArray y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
                collector.backward(y.square().mean());
            }
            return allFinite(x.getGradient()) && allFinite(w.getGradient());
        }
    }

    /** Allocates NaN-filled arrays from a few elements up to well past {@code elements}, and frees them. */
    private static void poisonFreedMemory(NDManager m, long elements) {
        for (long n = 1024; n <= 4 * elements; n *= 2) {
            m.full(new Shape(n), Float.NaN).close(); // allocated by PyTorch, filled, freed
        }
    }

    private static boolean allFinite(NDArray a) {
        for (float v : a.toFloatArray()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
