"""Offline gradient-attribution variants on one evaluation run (see README.md beside this file).

Reads what GradDump.java wrote (losses and halves of the LDS, test and training gradients, pixels) and prints,
per variant, the LDS by test kind and overall (the evaluation's definition: per generation, Spearman across
halves of the half's summed scores with minus the loss) and the micro-concept Recall@10.
"""
import struct
import sys

import numpy as np
from scipy.stats import spearmanr

d = sys.argv[1]
K = 5  # timesteps per checkpoint in the dump (100, 300, 500, 700, 900)


def matrix(path):
    b = open(path, 'rb').read()
    r, c = struct.unpack('>ii', b[:8])
    return np.frombuffer(b[8:], dtype='>f8').reshape(r, c).astype(np.float64)


losses, halves = matrix(f'{d}/losses.bin'), matrix(f'{d}/halves.bin')
tests = [l.rstrip('\n').split('\t') for l in open(f'{d}/tests.tsv')]
train = [l.rstrip('\n').split('\t') for l in open(f'{d}/train.tsv')]
sizes = [int(l.split('\t')[1]) for l in open(f'{d}/sizes.tsv')]
names = [l.split('\t')[0] for l in open(f'{d}/sizes.tsv')]
n, T, P = len(train), len(tests), sum(sizes)
tg = np.fromfile(f'{d}/train_grads.f32', dtype='<f4')
S = tg.size // (n * P)
tg = tg.reshape(S, n, P)  # [slot][item][parameter], slot = checkpoint x K + timestep index
qg = np.fromfile(f'{d}/test_grads.f32', dtype='<f4').reshape(T, S, P).transpose(1, 0, 2)
tp = np.fromfile(f'{d}/train_pixels.f32', dtype='<f4').reshape(n, -1)
qp = np.fromfile(f'{d}/test_pixels.f32', dtype='<f4').reshape(T, -1)
kinds, tokens, concepts = [t[0] for t in tests], [t[1] for t in tests], [t[1] for t in train]
print(f'{n} training images, {T} test images, {S} gradient slots of {P} LoRA values', flush=True)


def lds(scores, kind=None):
    values = []
    for q in range(T):
        if kinds[q] in ('BLANK', 'NOISE') or (kind is not None and kinds[q] != kind):
            continue
        predicted = halves @ scores[q]
        values.append(0.0 if np.ptp(predicted) == 0 else spearmanr(predicted, -losses[:, q]).statistic)
    return np.mean(values), np.array(values)


def recall10(scores):
    out = []
    for q in range(T):
        if kinds[q] == 'MICRO':
            exemplars = {i for i in range(n) if concepts[i] == tokens[q]}
            out.append(len(exemplars & set(np.argsort(-scores[q], kind='stable')[:10].tolist())) / len(exemplars))
    return np.mean(out)


def report(name, scores):
    overall, values = lds(scores)
    rng = np.random.default_rng(7)
    boot = [rng.choice(values, values.size).mean() for _ in range(1000)]
    by_kind = ' '.join(f'{k} {lds(scores, k)[0]:.3f}' for k in ('SINGLE', 'MIX', 'MICRO'))
    print(f'{name:48s} LDS {overall:.3f} [{np.percentile(boot, 2.5):.3f}, {np.percentile(boot, 97.5):.3f}]  {by_kind}'
          f'  micro R@10 {recall10(scores):.2f}', flush=True)


def unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def trak(train_features, query_features, rho):
    """Sum over slots of (G + rho mean(diag G) I)^-1 Phi phi_q."""
    out = 0
    for s in range(train_features.shape[0]):
        phi = train_features[s].astype(np.float64)
        gram = phi @ phi.T
        a = np.linalg.solve(gram + rho * np.trace(gram) / n * np.eye(n), phi)
        out = out + query_features[s].astype(np.float64) @ a.T
    return out


def count_sketch(x, width, seed=1):
    rng = np.random.default_rng(seed)
    bucket, sign = rng.integers(0, width, P), rng.choice([-1.0, 1.0], P).astype(np.float32)
    flat = (x * sign).reshape(-1, P)
    out = np.stack([np.bincount(bucket, weights=row, minlength=width) for row in flat])
    return out.reshape(x.shape[:-1] + (width,)).astype(np.float32)


mean_pixel = tp.mean(0)
report('pixels, centred cosine', unit(qp - mean_pixel) @ unit(tp - mean_pixel).T)
report('tracin: cosine per slot, mean', sum(unit(qg[s]) @ unit(tg[s]).T for s in range(S)) / S)
report('gradient dot product, summed over slots', sum(qg[s] @ tg[s].T for s in range(S)))
summed_t, summed_q = tg.reshape(S // K, K, n, P).sum(1), qg.reshape(S // K, K, T, P).sum(1)
for rho in (0.01, 0.1, 1.0, 10.0):
    report(f'TRAK, timesteps summed, rho {rho}', trak(summed_t, summed_q, rho))
for rho in (0.1, 1.0):
    report(f'TRAK per slot, rho {rho}', trak(tg, qg, rho))
for width in (2048, 8192):
    report(f'TRAK per slot, rho 0.1, count sketch {width}', trak(count_sketch(tg, width), count_sketch(qg, width), 0.1))
report('TRAK per slot, rho 0.1, last checkpoint only', trak(tg[S - K:], qg[S - K:], 0.1))
pair = [c * K + k for c in range(S // K) for k in (1, 3)]
report('TRAK per slot, rho 0.1, timesteps 300 and 700', trak(tg[pair], qg[pair], 0.1))
for k in range(K):
    slots = [c * K + k for c in range(S // K)]
    report(f'TRAK, timestep index {k} only, rho 0.1', trak(tg[slots], qg[slots], 0.1))
offsets = np.cumsum([0] + sizes)
tn, qn = tg.copy(), qg.copy()
for s in range(S):
    for j in range(len(sizes)):
        block = slice(offsets[j], offsets[j + 1])
        rms = np.sqrt((tn[s][:, block] ** 2).sum(1).mean()) + 1e-12
        tn[s][:, block] /= rms
        qn[s][:, block] /= rms
report('TRAK per slot, rho 0.1, each factor normalised', trak(tn, qn, 0.1))
b_only = np.concatenate([np.full(sizes[j], names[j].endswith('lora_b')) for j in range(len(sizes))])
report('TRAK per slot, rho 0.1, lora_b only', trak(tg[:, :, b_only], qg[:, :, b_only], 0.1))
report('TRAK per slot, rho 0.1, lora_a only', trak(tg[:, :, ~b_only], qg[:, :, ~b_only], 0.1))
