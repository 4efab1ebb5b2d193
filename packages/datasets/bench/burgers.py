# Baseline for bench/run.mjs: the same Burgers solver as src/burgers.ts (pseudo-spectral, 2/3
# dealiasing, ETDRK4 with Kassam-Trefethen contour coefficients) in PyTorch on the CPU, float64,
# one field of n points. Prints {"msPerStep": ...} as JSON.
import json, math, os, sys, time
import torch

torch.set_num_threads(os.cpu_count())
torch.set_default_dtype(torch.float64)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 8192
nu = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
dt = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
steps = int(sys.argv[4]) if len(sys.argv) > 4 else 200

k = torch.arange(n // 2 + 1, dtype=torch.float64)
L = -nu * (2 * math.pi * k) ** 2
hl = dt * L
M = 32
r = torch.exp(1j * math.pi * (torch.arange(1, M + 1) - 0.5) / M)
LR = hl[:, None] + r[None, :]
E = torch.exp(hl)
E2 = torch.exp(hl / 2)
Q = dt * torch.real(torch.mean((torch.exp(LR / 2) - 1) / LR, dim=1))
f1 = dt * torch.real(torch.mean((-4 - LR + torch.exp(LR) * (4 - 3 * LR + LR**2)) / LR**3, dim=1))
f2 = dt * torch.real(torch.mean((2 + LR + torch.exp(LR) * (LR - 2)) / LR**3, dim=1))
f3 = dt * torch.real(torch.mean((-4 - 3 * LR - LR**2 + torch.exp(LR) * (4 - LR)) / LR**3, dim=1))
g = -0.5j * 2 * math.pi * k * (k < n / 3)


def N(v):
    u = torch.fft.irfft(v, n=n)
    return g * torch.fft.rfft(u * u)


def step(v):
    Nv = N(v)
    a = E2 * v + Q * Nv
    Na = N(a)
    b = E2 * v + Q * Na
    Nb = N(b)
    c = E2 * a + Q * (2 * Nb - Nv)
    Nc = N(c)
    return E * v + Nv * f1 + 2 * (Na + Nb) * f2 + Nc * f3


x = torch.arange(n) / n
v = torch.fft.rfft(0.5 * torch.sin(2 * math.pi * x))
for _ in range(20):
    v = step(v)
t0 = time.perf_counter()
for _ in range(steps):
    v = step(v)
ms = (time.perf_counter() - t0) * 1e3 / steps
print(json.dumps({"msPerStep": ms, "threads": torch.get_num_threads(), "torch": torch.__version__}))
