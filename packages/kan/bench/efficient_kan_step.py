"""PyTorch CPU timing of the benchmark's training step, for the comparison in bench/run.mjs.

The same math as efficient-kan's KANLinear (Cox-de Boor bases on the extended uniform grid,
silu base branch, scaled spline weight, F.linear contractions), written here for timing only:
a KAN (default [64, 64, 64]), batch 1024, G = 5, k = 3, one Adam step (zero_grad, forward, MSE,
backward, step). Prints the median step time in ms, the number of timed steps, and the growth of
the process's peak resident memory (ru_maxrss) from before the model and data are built to after
the last step.

Run: python3 bench/efficient_kan_step.py [threads] [--width W | --dims 64,64,64] [--batch N]
     [--runs R] [--warmup W] [--budget SECONDS]
threads defaults to all cores (Debian's build otherwise starts with one); --width W means [W, W, W].
"""
import argparse
import math
import os
import resource
import time

import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("threads", nargs="?", type=int, default=os.cpu_count())
parser.add_argument("--width", type=int)
parser.add_argument("--dims", default="64,64,64")
parser.add_argument("--batch", type=int, default=1024)
parser.add_argument("--runs", type=int, default=30)
parser.add_argument("--warmup", type=int, default=5)
parser.add_argument("--budget", type=float, help="seconds: fewer warm-up and timed steps (at least 1 and 3) for slow cases")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
G, K, N = 5, 3, args.batch
DIMS = [args.width] * 3 if args.width else [int(d) for d in args.dims.split(",")]
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


class Layer(torch.nn.Module):
    def __init__(self, fin, fout):
        super().__init__()
        h = 2 / G
        self.register_buffer("grid", (torch.arange(-K, G + K + 1) * h - 1).expand(fin, -1).contiguous())
        self.base_weight = torch.nn.Parameter(torch.randn(fout, fin) / math.sqrt(fin))
        self.spline_weight = torch.nn.Parameter(torch.randn(fout, fin, G + K) * 0.1)
        self.spline_scaler = torch.nn.Parameter(torch.randn(fout, fin) / math.sqrt(fin))

    def bases(self, x):
        g = self.grid
        x = x.unsqueeze(-1)
        b = ((x >= g[:, :-1]) & (x < g[:, 1:])).to(x.dtype)
        for k in range(1, K + 1):
            b = (x - g[:, : -(k + 1)]) / (g[:, k:-1] - g[:, : -(k + 1)]) * b[:, :, :-1] + (
                g[:, k + 1 :] - x
            ) / (g[:, k + 1 :] - g[:, 1:(-k)]) * b[:, :, 1:]
        return b

    def forward(self, x):
        w = (self.spline_weight * self.spline_scaler.unsqueeze(-1)).view(self.spline_weight.size(0), -1)
        return F.linear(F.silu(x), self.base_weight) + F.linear(self.bases(x).view(x.size(0), -1), w)


model = torch.nn.Sequential(*[Layer(a, b) for a, b in zip(DIMS, DIMS[1:])])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(N, DIMS[0]) * 2 - 1
y = torch.randn(N, DIMS[-1])


def step():
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    opt.step()


warmup, runs, times = args.warmup, args.runs, []
if args.budget:
    # fewer steps for slow cases; a step over 4x the budget is timed once, cold (its set-up is small beside it)
    t0 = time.perf_counter()
    step()
    first = time.perf_counter() - t0
    warmup = max(0, min(warmup, int(args.budget * 0.4 / first)) - 1)
    runs = max(3, min(runs, int(args.budget / first))) if first < args.budget else 1 if first < 4 * args.budget else 0
    if runs == 0:
        times, warmup = [first * 1000], -1
for _ in range(warmup):
    step()
for _ in range(runs):
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
rss_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
print(
    f"torch {torch.__version__} threads {torch.get_num_threads()}: efficient-kan KAN({DIMS}) b{N} Adam step {times[len(times) // 2]:.2f} ms"
    f" (median of {len(times)} steps after {warmup + (1 if args.budget else 0)}); peak RSS growth {rss_mb:.1f} MB"
)
