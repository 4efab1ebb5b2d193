# The benchmark's PyTorch baseline: neuralop 2.x's FNO(n_modes=(12, 12), in_channels=1,
# out_channels=1, hidden_channels=32) (701,281 parameters) rewritten in plain PyTorch, following
# neuralop/models/fno.py, layers/fno_block.py, spectral_convolution.py (dense weight, centred
# modes, Hermitian-fixed inverse), channel_mlp.py, skip_connections.py and embeddings.py
# (neuralop itself needs tensorly, which is not installable here). Times one Adam training step
# (forward, relative L2 loss summed over the batch as neuralop's LpLoss, backward, update),
# batch 8, 64x64, on all CPU cores: the median of several steps after warm-up.
# Usage: python3 fno_torch.py [runs]
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(os.cpu_count())


class ChannelMLP(nn.Module):
    def __init__(self, in_channels, out_channels, hidden_channels, n_layers=2):
        super().__init__()
        self.n_layers = n_layers
        self.out_channels = out_channels
        self.fcs = nn.ModuleList()
        for i in range(n_layers):
            a = in_channels if i == 0 else hidden_channels
            b = out_channels if i == n_layers - 1 else hidden_channels
            self.fcs.append(nn.Conv1d(a, b, 1))

    def forward(self, x):
        size = list(x.shape)
        x = x.reshape(size[0], size[1], -1)
        for i, fc in enumerate(self.fcs):
            x = fc(x)
            if i < self.n_layers - 1:
                x = F.gelu(x)
        return x.reshape(size[0], self.out_channels, *size[2:])


class Flattened1dConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, 1, bias=False)

    def forward(self, x):
        size = list(x.shape)
        x = self.conv(x.view(size[0], size[1], -1))
        return x.view(size[0], self.conv.out_channels, *size[2:])


class SoftGating(nn.Module):
    def __init__(self, channels, n_dim=2):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1, channels, *(1,) * n_dim))

    def forward(self, x):
        return self.weight * x


class SpectralConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, n_modes):
        super().__init__()
        std = (2 / (in_channels + out_channels)) ** 0.5
        self.modes = list(n_modes)
        kept = [n_modes[0], n_modes[1] // 2 + 1]
        self.weight = nn.Parameter(std * torch.randn(in_channels, out_channels, *kept, dtype=torch.cfloat))
        self.bias = nn.Parameter(std * torch.randn(out_channels, 1, 1))

    def forward(self, x):
        b, c, h, w = x.shape
        xf = torch.fft.rfft2(x, norm="forward")
        xf = torch.fft.fftshift(xf, dim=-2)
        m0, m1 = self.weight.shape[-2:]
        s0 = h // 2 - m0 // 2
        block = xf[:, :, s0 : s0 + m0, :m1]
        out = torch.zeros(b, self.weight.shape[1], h, w // 2 + 1, dtype=xf.dtype)
        out[:, :, s0 : s0 + m0, :m1] = torch.einsum("bixy,ioxy->boxy", block, self.weight)
        out = torch.fft.ifftshift(out, dim=-2)
        # neuralop's enforce_hermitian_symmetry: ifft over the first axis, real bin 0 and Nyquist, irfft
        out = torch.fft.ifft(out, dim=-2, norm="forward")
        out[..., 0].imag.zero_()
        if w % 2 == 0:
            out[..., -1].imag.zero_()
        return torch.fft.irfft(out, n=w, dim=-1, norm="forward") + self.bias


class FNO(nn.Module):
    def __init__(self, n_modes=(12, 12), in_channels=1, out_channels=1, hidden=32, n_layers=4):
        super().__init__()
        self.n_layers = n_layers
        self.convs = nn.ModuleList([SpectralConv2d(hidden, hidden, n_modes) for _ in range(n_layers)])
        self.fno_skips = nn.ModuleList([Flattened1dConv(hidden, hidden) for _ in range(n_layers)])
        self.channel_mlp = nn.ModuleList([ChannelMLP(hidden, hidden, round(hidden * 0.5)) for _ in range(n_layers)])
        self.channel_mlp_skips = nn.ModuleList([SoftGating(hidden) for _ in range(n_layers)])
        self.lifting = ChannelMLP(in_channels + 2, hidden, 2 * hidden)
        self.projection = ChannelMLP(hidden, out_channels, 2 * hidden)

    def forward(self, x):
        b, _, h, w = x.shape
        gx, gy = torch.meshgrid(torch.linspace(0, 1, h + 1)[:-1], torch.linspace(0, 1, w + 1)[:-1], indexing="ij")
        x = torch.cat([x, gx.expand(b, 1, h, w), gy.expand(b, 1, h, w)], dim=1)
        x = self.lifting(x)
        for i in range(self.n_layers):
            skip_fno = self.fno_skips[i](x)
            skip_mlp = self.channel_mlp_skips[i](x)
            x = self.convs[i](x) + skip_fno
            if i < self.n_layers - 1:
                x = F.gelu(x)
            x = self.channel_mlp[i](x) + skip_mlp
            if i < self.n_layers - 1:
                x = F.gelu(x)
        return self.projection(x)


def rel_l2(pred, y):
    diff = torch.linalg.norm((pred - y).reshape(pred.shape[0], pred.shape[1], -1), dim=-1)
    ynorm = torch.linalg.norm(y.reshape(y.shape[0], y.shape[1], -1), dim=-1)
    return (diff / (ynorm + 1e-8)).sum()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    torch.manual_seed(0)
    model = FNO()
    n = sum(p.numel() * (2 if p.is_complex() else 1) for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(8, 1, 64, 64)
    y = torch.randn(8, 1, 64, 64)

    def step():
        opt.zero_grad()
        loss = rel_l2(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"PyTorch {torch.__version__} CPU ({torch.get_num_threads()} threads) FNO-2D ({n} parameters) b8 64x64 Adam step {times[len(times) // 2]:.2f} ms")


if __name__ == "__main__":
    main()
