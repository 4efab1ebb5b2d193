# Baseline for bench/run.mjs: the FNO data code's Navier-Stokes step (ns_2d.py: pseudo-spectral
# vorticity, explicit Euler advection + Crank-Nicolson diffusion, 2/3 dealiasing, FNO forcing) as in
# src/navier_stokes.ts (scheme 'euler'), in PyTorch on the CPU, float64, one field of n x n.
# Prints {"msPerStep": ...} as JSON.
import json, math, os, sys, time
import torch

torch.set_num_threads(os.cpu_count())
n = int(sys.argv[1]) if len(sys.argv) > 1 else 256
visc = float(sys.argv[2]) if len(sys.argv) > 2 else 1e-3
dt = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
steps = int(sys.argv[4]) if len(sys.argv) > 4 else 50

k_max = n // 2
k_y = torch.cat((torch.arange(0, k_max), torch.arange(-k_max, 0)), 0).repeat(n, 1).double()
k_x = k_y.transpose(0, 1)
k_x = k_x[..., : k_max + 1]
k_y = k_y[..., : k_max + 1]
lap = 4 * (math.pi**2) * (k_x**2 + k_y**2)
lap[0, 0] = 1.0
dealias = torch.logical_and(torch.abs(k_y) <= (2.0 / 3.0) * k_max, torch.abs(k_x) <= (2.0 / 3.0) * k_max).double()
xx = torch.linspace(0, 1, n + 1, dtype=torch.float64)[:-1]
X, Y = torch.meshgrid(xx, xx, indexing="ij")
f_h = torch.fft.rfft2(0.1 * (torch.sin(2 * math.pi * (X + Y)) + torch.cos(2 * math.pi * (X + Y))))


def step(w_h):
    psi_h = w_h / lap
    q = torch.fft.irfft2(2.0 * math.pi * k_y * 1j * psi_h, s=(n, n))
    v = torch.fft.irfft2(-2.0 * math.pi * k_x * 1j * psi_h, s=(n, n))
    w_x = torch.fft.irfft2(2.0 * math.pi * k_x * 1j * w_h, s=(n, n))
    w_y = torch.fft.irfft2(2.0 * math.pi * k_y * 1j * w_h, s=(n, n))
    F_h = dealias * torch.fft.rfft2(q * w_x + v * w_y)
    return (-dt * F_h + dt * f_h + (1.0 - 0.5 * dt * visc * lap) * w_h) / (1.0 + 0.5 * dt * visc * lap)


w_h = torch.fft.rfft2(torch.sin(2 * math.pi * X) * torch.cos(4 * math.pi * Y))
for _ in range(5):
    w_h = step(w_h)
t0 = time.perf_counter()
for _ in range(steps):
    w_h = step(w_h)
ms = (time.perf_counter() - t0) * 1e3 / steps
print(json.dumps({"msPerStep": ms, "threads": torch.get_num_threads(), "torch": torch.__version__}))
