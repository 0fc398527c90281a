package dev.stemma.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;

/**
 * The building blocks of the U-Net as plain functions over declared parameters. Every operation puts
 * the activation first, so its result joins the activation's (per-step) manager, never the model's
 * (STYLE.md: {@code param.mul(x)} would leak into the model's manager at every step). Scalar factors
 * are {@link Scalars} tensors, never DJL's {@code mul(Number)}, whose scalar autograd would read after
 * it is freed.
 */
final class Layers {
    private Layers() {}

    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    static NDArray value(ParameterStore ps, Parameter p, Device device, boolean training) {
        return ps.getValue(p, device, training);
    }

    /**
     * An array computed from a parameter, moved to the activation's manager so that it is freed with
     * the step's other intermediates (a reshape of a parameter would otherwise join the model's).
     */
    private static NDArray ownedBy(NDArray activation, NDArray derived) {
        derived.attach(activation.getManager());
        return derived;
    }

    /**
     * {@code W + scale * B A} for a factorised delta {@code B (out, r)}, {@code A (r, rest)} and a
     * weight of shape {@code W}, in {@code x}'s manager: the adapter merged into the weight.
     */
    private static NDArray merged(NDArray x, NDArray w, NDArray a, NDArray b, float scale) {
        long rank = a.getShape().get(0);
        NDArray a2 = ownedBy(x, a.reshape(rank, -1));
        NDArray b2 = ownedBy(x, b.reshape(w.getShape().get(0), rank));
        NDArray delta = b2.matMul(a2);
        return delta.mul(Scalars.of(delta, scale)).reshape(w.getShape()).add(w);
    }

    /**
     * A convolution with an optional LoRA branch: y = conv(x, W) + b + scale * conv(conv(x, A), B).
     * Outside training the branch is merged into the weight first (one convolution instead of three;
     * the probe forwards and sampling run this way), equal to the branched form up to float rounding.
     */
    record Conv(Parameter weight, Parameter bias, Parameter loraA, Parameter loraB, float loraScale,
                int stride, int pad) {
        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            Device d = x.getDevice();
            Shape s = new Shape(stride, stride);
            Shape p = new Shape(pad, pad);
            Shape dil = new Shape(1, 1);
            NDArray w = value(ps, weight, d, training);
            if (loraA != null && !training) {
                w = merged(x, w, value(ps, loraA, d, false), value(ps, loraB, d, false), loraScale);
            }
            NDArray y = Conv2d.conv2d(x, w, value(ps, bias, d, training), s, p, dil, 1).singletonOrThrow();
            if (loraA == null || !training) {
                return y;
            }
            NDArray low = Conv2d.conv2d(x, value(ps, loraA, d, training), null, s, p, dil, 1).singletonOrThrow();
            NDArray up = Conv2d.conv2d(low, value(ps, loraB, d, training), null, new Shape(1, 1), new Shape(0, 0), dil, 1)
                    .singletonOrThrow();
            return y.add(up.mul(Scalars.of(up, loraScale)));
        }
    }

    /** A linear map over the last axis with an optional LoRA branch, merged outside training as in {@link Conv}. */
    record Lin(Parameter weight, Parameter bias, Parameter loraA, Parameter loraB, float loraScale) {
        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            Device d = x.getDevice();
            NDArray w = value(ps, weight, d, training);
            if (loraA != null && !training) {
                w = merged(x, w, value(ps, loraA, d, false), value(ps, loraB, d, false), loraScale);
            }
            NDArray y = Linear.linear(x, w, value(ps, bias, d, training)).singletonOrThrow();
            if (loraA == null || !training) {
                return y;
            }
            NDArray low = Linear.linear(x, value(ps, loraA, d, training)).singletonOrThrow();
            NDArray up = Linear.linear(low, value(ps, loraB, d, training)).singletonOrThrow();
            return y.add(up.mul(Scalars.of(up, loraScale)));
        }
    }

    /** GroupNorm (DJL has none): LayerNorm over (N, G, C/G*H*W), then a per-channel affine map. */
    record GroupNorm(Parameter gamma, Parameter beta, int groups) {
        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            Device d = x.getDevice();
            Shape shape = x.getShape();
            long rest = shape.size() / (shape.get(0) * groups);
            NDArray grouped = x.reshape(shape.get(0), groups, rest);
            Shape normalized = new Shape(rest);
            NDArray ones = x.getManager().ones(normalized);
            NDArray zeros = x.getManager().zeros(normalized);
            NDArray n = LayerNorm.layerNorm(grouped, normalized, ones, zeros, 1e-5f).singletonOrThrow().reshape(shape);
            return n.mul(value(ps, gamma, d, training)).add(value(ps, beta, d, training));
        }
    }

    /** A residual block: GroupNorm, SiLU, conv, + embedding projection, GroupNorm, SiLU, conv, + skip. */
    record Res(GroupNorm norm1, Conv conv1, Lin embProj, GroupNorm norm2, Conv conv2, Conv skip) {
        NDArray apply(ParameterStore ps, NDArray x, NDArray siluEmb, boolean training) {
            NDArray h = conv1.apply(ps, silu(norm1.apply(ps, x, training)), training);
            NDArray e = embProj.apply(ps, siluEmb, training);
            h = h.add(e.reshape(e.getShape().get(0), e.getShape().get(1), 1, 1));
            h = conv2.apply(ps, silu(norm2.apply(ps, h, training)), training);
            return h.add(skip == null ? x : skip.apply(ps, x, training));
        }
    }

    /** Single-head self-attention over all positions, residual. */
    record Attention(GroupNorm norm, Lin q, Lin k, Lin v, Lin out) {
        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            Shape s = x.getShape();
            long n = s.get(0);
            long c = s.get(1);
            NDArray h = norm.apply(ps, x, training).reshape(n, c, -1).transpose(0, 2, 1);
            NDArray qs = q.apply(ps, h, training);
            NDArray ks = k.apply(ps, h, training);
            NDArray vs = v.apply(ps, h, training);
            NDArray scores = qs.matMul(ks.transpose(0, 2, 1));
            NDArray weights = scores.mul(Scalars.of(scores, (float) (1.0 / Math.sqrt(c)))).softmax(-1);
            NDArray o = out.apply(ps, weights.matMul(vs), training);
            return x.add(o.transpose(0, 2, 1).reshape(s));
        }
    }
}
