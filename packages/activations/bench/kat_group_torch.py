"""PyTorch CPU timing of KAT's own PyTorch path for the group rational, for bench/run.mjs.

The math of KAT_Group_Torch (kat_rational/kat_1dgroup_torch.py in Adamdad/rational_kat_cu),
written here for timing only, with the same ops in the same order: the shared numerator row
repeated to every group, x viewed [B, L, groups, D/groups] and permuted group-major, the powers
1, z, ..., z^5 stacked, numerator = bmm(a, powers), denominator = bmm(|[1, b, 0]|, powers)
(KAT's version A: 1 + |b1| z + ... + |b4| z^4), their quotient permuted back. Degrees (5, 4),
8 groups, input [8, 197, 768]; forward + backward from an upstream gradient (gradients of x and
both coefficient tables). Prints the median ms.

KAT_Group_Torch's denominator is 1 + |b1| z + ... + |b4| z^4 (coefficient magnitudes times signed
powers), not its CUDA kernel's (and basiskit's) 1 + |b1 z| + ... + |b4 z^4|: the two differ where z < 0
(up to ~5e-3 on the gelu start over [-3, 3]); the work is the same, and only the time is compared.

Run: python3 bench/kat_group_torch.py [threads] [coefficients JSON {"numerator": [6 numbers], "denominator": [4 numbers]}]
threads defaults to all cores; the coefficients default to a gelu fit (bench/run.mjs passes
basiskit's own gelu fit, so both sides start from the same function).
"""
import json
import os
import sys
import time

import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else os.cpu_count()
torch.set_num_threads(threads)
torch.manual_seed(0)
B, L, D, GROUPS = 8, 197, 768, 8
# a least-squares fit of gelu on [-3, 3] under version A, degrees (5, 4) (basiskit's rationalInit('gelu', 'A', [5, 4]))
coefs = {
    "numerator": [-0.00096358015, 0.49945751, 0.40670174, 0.10979248, 0.011532800, 0.00062769116],
    "denominator": [-0.0052174767, 0.20744839, -0.0071331528, 6.3915610e-13],
}
if len(sys.argv) > 2:
    coefs = json.loads(sys.argv[2])


def powers(z, len_num, len_den):
    """[groups, len, n]: 1, z, z^2, ... up to the larger degree (KAT's _get_xps)."""
    xps = [z]
    for _ in range(max(len_num, len_den) - 2):
        xps.append(xps[-1] * z)
    xps.insert(0, torch.ones_like(z))
    return torch.stack(xps, dim=1)


def group_rational(x, wn, wd, group):
    """KAT's Rational_CUDA_A_1DGroup."""
    b, l, d = x.shape
    len_num, len_den = wn.size(1), wd.size(1)
    z = x.view(b, l, group, d // group).permute(2, 0, 1, 3).contiguous().view(group, b * l * (d // group))
    xps = powers(z, len_num, len_den)
    numerator = torch.bmm(wn.unsqueeze(1), xps).squeeze(1)
    expanded = torch.cat([torch.ones(group, 1), wd, torch.zeros(group, max(0, len_num - len_den - 1))], dim=1)
    denominator = torch.bmm(expanded.abs().unsqueeze(1), xps).squeeze(1)
    result = numerator.div(denominator)
    return result.view(group, b, l, d // group).permute(1, 2, 0, 3).contiguous().view(b, l, d)


class GroupRational(torch.nn.Module):
    """KAT_Group_Torch: one numerator row shared by the groups, a denominator row per group."""

    def __init__(self, num_groups, numerator, denominator):
        super().__init__()
        self.num_groups = num_groups
        self.weight_numerator = torch.nn.Parameter(torch.tensor(numerator, dtype=torch.float32).view(1, -1))
        self.weight_denominator = torch.nn.Parameter(torch.tensor([denominator] * num_groups, dtype=torch.float32))

    def forward(self, x):
        return group_rational(x, self.weight_numerator.repeat(self.num_groups, 1), self.weight_denominator, self.num_groups)


act = GroupRational(GROUPS, coefs["numerator"], coefs["denominator"])
x = torch.randn(B, L, D, requires_grad=True)
dy = torch.randn(B, L, D)


def step():
    x.grad = None
    act.zero_grad(set_to_none=True)
    act(x).backward(dy)


for _ in range(3):
    step()
times = []
for _ in range(10):
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"torch {torch.__version__} threads {torch.get_num_threads()}: KAT_Group_Torch fwd+bwd [{B},{L},{D}] {times[len(times) // 2]:.2f} ms")
