"""How much of the LDS target is training noise: the same halves retrained with another seed (see README.md).

Arguments: LOSSES_A (the evaluation's halves, seed 42, from GradDump) LOSSES_B (the first halves retrained with seed
43, from LossDump) TESTS_TSV. Compares, per generation and across the halves both have, the loss under seed 42 with the
loss under seed 43.
"""
import struct
import sys

import numpy as np
from scipy.stats import spearmanr


def matrix(path):
    b = open(path, 'rb').read()
    r, c = struct.unpack('>ii', b[:8])
    return np.frombuffer(b[8:], dtype='>f8').reshape(r, c).astype(np.float64)


b = matrix(sys.argv[2])
a = matrix(sys.argv[1])[:b.shape[0]]
kinds = [l.split('\t')[0] for l in open(sys.argv[3])]
keep = [q for q, k in enumerate(kinds) if k not in ('BLANK', 'NOISE')]
a, b = a[:, keep], b[:, keep]
da, db = a - a.mean(0), b - b.mean(0)
print(f'{b.shape[0]} halves x {len(keep)} generations')
print(f'loss spread across halves / mean loss: seed 42 {np.mean(a.std(0) / a.mean(0)):.4f}, seed 43 {np.mean(b.std(0) / b.mean(0)):.4f}')
print(f'pooled correlation of the half effects (loss minus its mean over halves), seed 42 vs 43: {np.corrcoef(da.ravel(), db.ravel())[0, 1]:.3f}')
rho = np.array([spearmanr(-a[:, q], -b[:, q]).statistic for q in range(len(keep))])
print(f'mean per-generation Spearman across halves, seed 42 vs seed 43: {np.nanmean(rho):.3f}')
for kind in ('SINGLE', 'MIX', 'MICRO'):
    idx = [i for i, q in enumerate(keep) if kinds[q] == kind]
    print(f'  {kind}: {np.nanmean(rho[idx]):.3f}')
