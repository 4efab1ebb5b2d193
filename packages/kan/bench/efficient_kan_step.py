"""PyTorch CPU timing of the benchmark's training step, for the comparison in bench/run.mjs.

The same math as efficient-kan's KANLinear (Cox-de Boor bases on the extended uniform grid,
silu base branch, scaled spline weight, F.linear contractions), written here for timing only:
KAN([64, 64, 64]), batch 1024, G = 5, k = 3, one Adam step (zero_grad, forward, MSE, backward,
step). Prints the median step time in ms. Run: python3 bench/efficient_kan_step.py
"""
import math
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads())
torch.manual_seed(0)
G, K, N, DIMS = 5, 3, 1024, [64, 64, 64]


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


for _ in range(5):
    step()
times = []
for _ in range(30):
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"torch {torch.__version__} threads {torch.get_num_threads()}: efficient-kan KAN([64,64,64]) b1024 Adam step {times[len(times) // 2]:.2f} ms")
