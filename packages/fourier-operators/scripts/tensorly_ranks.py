"""Expected ranks of src/factorization_rank.test.ts, by a standalone transcription of tensorly's
validate_tucker_rank, validate_cp_rank and validate_tt_rank (tensorly 0.9, rounding='round'; the
fraction path, with scipy's brentq as tensorly). tensorly itself is not installable here.

    python3 scripts/tensorly_ranks.py   # numpy, scipy
"""
import json

import numpy as np
from scipy.optimize import brentq


def tucker(shape, rank, fixed_modes=None):
    n_modes_compressed = len(shape)
    n_param_tensor = np.prod(shape)
    shape = list(shape)
    fixed = None
    n_fixed_params = 0
    if fixed_modes is not None:
        fixed = [(m, shape.pop(m)) for m in sorted(fixed_modes, reverse=True)][::-1]
        n_fixed_params = np.sum([s**2 for _, s in fixed])
        n_modes_compressed -= len(fixed)
    squared_dims = np.sum([s**2 for s in shape])
    fun = lambda x: n_param_tensor * x**n_modes_compressed + squared_dims * x + n_fixed_params * x - rank * n_param_tensor
    c = brentq(fun, 0.0, max(rank, 1.0))
    r = [max(int(np.round(s * c)), 1) for s in shape]
    if fixed:
        for m, s in fixed:
            r.insert(m, s)
    return r


def cp(shape, rank):
    return int(np.round(np.prod(shape) * rank / np.sum(shape)))


def tt(shape, rank):
    order = len(shape)
    avg = [(shape[i] + shape[i + 1]) / 2 for i in range(order - 1)]
    if len(avg) > 1:
        a = sum(avg[i - 1] * shape[i] * avg[i] for i in range(1, order - 1))
    else:
        a = avg[0] ** 2 * shape[0]
    b = shape[0] * avg[0] + shape[-1] * avg[-1]
    c = -np.prod(shape) * rank
    delta = np.sqrt(b**2 - 4 * a * c)
    f = (-b + delta) / (2 * a)
    return [1] + [max(int(np.round(x * f)), 1) for x in avg] + [1]


SHAPES = [[32, 32, 12, 7], [64, 64, 12, 7], [16, 16, 12, 7], [8, 6, 5], [32, 32, 16], [20, 20, 8, 8, 5], [32, 17], [4, 4, 9, 5]]
FRACTIONS = [0.05, 0.1, 0.25, 0.5, 0.75]
rows = []
for shape in SHAPES:
    for f in FRACTIONS:
        rows.append({'shape': shape, 'fraction': f, 'tucker': tucker(shape, f), 'cp': cp(shape, f), 'tt': tt(shape, f)})
fixed = [
    {'shape': [32, 32, 12, 7], 'fraction': 0.1, 'fixed': [0], 'tucker': tucker([32, 32, 12, 7], 0.1, [0])},
    {'shape': [32, 32, 12, 7], 'fraction': 0.25, 'fixed': [0, 2], 'tucker': tucker([32, 32, 12, 7], 0.25, [0, 2])},
]
for r in rows + fixed:
    print(json.dumps(r, separators=(', ', ': ')) + ',')
