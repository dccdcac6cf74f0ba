#!/usr/bin/env python3
"""caec's rate-distortion models as PyTorch modules: load a caec safetensors file (Spec/safetensors.md), run it,
fine-tune it, save it back.

The family is `bmshj-f-vr` (Spec/models.md): Ballé 2018's factorized prior, 5x5 stride-2 convolutions with GDN,
transposed ones with inverse GDN, a per-channel factorized density per quality and, for variable-rate models,
per-quality gain vectors (Cui et al. 2021). Widths, the number of qualities and the density's filters are read from
the file, so the same module also runs a CompressAI `bmshj2018-factorized` converted by `convert_checkpoint.py`
(one quality, no gains, filters 3,3,3,3).

    x (B, 3, H, W) -> g_a -> y * gain.analysis[q] -> round (noise when training) -> y_hat
    y_hat -> density of quality q -> likelihoods
    y_hat * gain.synthesis[q] -> g_s -> x_hat

Parameter names equal caec's key table (`g_a.0.weight`, `g_a.1.beta`, `entropy_bottleneck.matrices.0`,
`gain.analysis`), so `state_dict()` lines up with a caec weights file. Inside this module GDN keeps CompressAI's
reparametrised values (trainable); files hold the effective ones and `load_safetensors`/`save_safetensors` convert.

    import caec_models
    model = caec_models.BmshjFactorizedVR.from_safetensors("bmshj-f-vr.safetensors")
    out = model(x, quality=4)            # x_hat, likelihoods, y, y_hat
    loss = caec_models.rate_distortion_loss(out, x, lmbda=0.013)
    model.save_safetensors("fine-tuned.safetensors")
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PEDESTAL = (2.0**-18) ** 2
BETA_MIN = 1e-6
LIKELIHOOD_BOUND = 1e-9
FORMAT = "caec-safetensors"
FORMAT_VERSION = "1"


class _LowerBound(torch.autograd.Function):
    """max(x, bound) whose gradient passes where x >= bound or where the step would raise x (CompressAI's rule)."""

    @staticmethod
    def forward(ctx, x, bound):
        ctx.save_for_backward(x)
        ctx.bound = bound
        return x.clamp_min(bound)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        passes = (x >= ctx.bound) | (grad < 0)
        return grad * passes.to(grad.dtype), None


def lower_bound(x, bound):
    return _LowerBound.apply(x, bound)


class GDN(nn.Module):
    """y_i = x_i / sqrt(beta_i + sum_j gamma_ij x_j^2) (inverse: times). `beta`, `gamma` hold the reparametrised
    values b, g; effective beta = max(b, sqrt(1e-6 + p))^2 - p, gamma = max(g, sqrt(p))^2 - p, p = 2^-36."""

    def __init__(self, channels, inverse=False):
        super().__init__()
        self.inverse = inverse
        self.beta = nn.Parameter(torch.full((channels,), math.sqrt(1 + PEDESTAL)))
        self.gamma = nn.Parameter(torch.sqrt(0.1 * torch.eye(channels) + PEDESTAL))

    def effective(self):
        beta = lower_bound(self.beta, math.sqrt(BETA_MIN + PEDESTAL)) ** 2 - PEDESTAL
        gamma = lower_bound(self.gamma, math.sqrt(PEDESTAL)) ** 2 - PEDESTAL
        return beta, gamma

    def forward(self, x):
        beta, gamma = self.effective()
        C = x.shape[1]
        norm = F.conv2d(x * x, gamma.reshape(C, C, 1, 1), beta)
        return x * torch.sqrt(norm) if self.inverse else x * torch.rsqrt(norm)

    @staticmethod
    def stored_from_effective(effective, minimum):
        """The reparametrised value whose effective value is `effective` (exact up to rounding above the bound)."""
        bound = math.sqrt(minimum + PEDESTAL)
        return torch.sqrt(torch.clamp_min(effective.double(), minimum) + PEDESTAL).clamp_min(bound).float()


class FactorizedDensity(nn.Module):
    """A non-parametric density per channel and quality (Ballé 2018 appendix 6.1; caec's `EntropyBottleneck`):
    widths 1 -> filters -> 1, matrices softplus'd, factors tanh'd. Parameters (Q, C, out, in) and (Q, C, out, 1)."""

    def __init__(self, channels, qualities=1, filters=(3, 3, 3), init_scale=10.0):
        super().__init__()
        widths = (1,) + tuple(filters) + (1,)
        scale = init_scale ** (1 / (len(filters) + 1))
        self.matrices = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.factors = nn.ParameterList()
        for k in range(len(filters) + 1):
            init = math.log(math.expm1(1 / scale / widths[k + 1]))
            self.matrices.append(nn.Parameter(torch.full((qualities, channels, widths[k + 1], widths[k]), init)))
            self.biases.append(nn.Parameter(torch.rand(qualities, channels, widths[k + 1], 1) - 0.5))
            if k < len(filters):
                self.factors.append(nn.Parameter(torch.zeros(qualities, channels, widths[k + 1], 1)))

    def logits_cumulative(self, v, quality):
        """v (C, 1, P) -> logits of the cumulative at v, (C, 1, P)."""
        for k in range(len(self.matrices)):
            v = torch.matmul(F.softplus(self.matrices[k][quality]), v) + self.biases[k][quality]
            if k < len(self.factors):
                v = v + torch.tanh(self.factors[k][quality]) * torch.tanh(v)
        return v

    def likelihood(self, y, quality):
        """Mass of [y - 1/2, y + 1/2] for y (B, C, H, W) under the densities of `quality`, bounded below by 1e-9.
        The sign trick of caec's kernel keeps the difference away from 1 - 1 in the upper tail."""
        B, C, H, W = y.shape
        v = y.permute(1, 0, 2, 3).reshape(C, 1, -1)
        lower = self.logits_cumulative(v - 0.5, quality)
        upper = self.logits_cumulative(v + 0.5, quality)
        sign = -torch.sign(lower + upper).detach()
        p = torch.abs(torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower))
        p = lower_bound(p, LIKELIHOOD_BOUND)
        return p.reshape(C, B, H, W).permute(1, 0, 2, 3)


class Gain(nn.Module):
    def __init__(self, qualities, channels):
        super().__init__()
        self.analysis = nn.Parameter(torch.ones(qualities, channels))
        self.synthesis = nn.Parameter(torch.ones(qualities, channels))


def conv(cin, cout):
    return nn.Conv2d(cin, cout, 5, stride=2, padding=2)


def deconv(cin, cout):
    return nn.ConvTranspose2d(cin, cout, 5, stride=2, padding=2, output_padding=1)


class BmshjFactorizedVR(nn.Module):
    """caec's `bmshj-f-vr` (N = 64, M = 128, 8 qualities, filters 3,3,3 when shipped), any widths."""

    def __init__(self, N=64, M=128, qualities=8, filters=(3, 3, 3), gains=True):
        super().__init__()
        self.N, self.M, self.qualities, self.filters = N, M, qualities, tuple(filters)
        self.g_a = nn.Sequential(conv(3, N), GDN(N), conv(N, N), GDN(N), conv(N, N), GDN(N), conv(N, M))
        self.g_s = nn.Sequential(
            deconv(M, N), GDN(N, True), deconv(N, N), GDN(N, True), deconv(N, N), GDN(N, True), deconv(N, 3))
        self.entropy_bottleneck = FactorizedDensity(M, qualities, filters)
        self.gain = Gain(qualities, M) if gains else None
        self.metadata = {}

    def forward(self, x, quality=0):
        """`quality` is 0-based (caec's quality q is index q - 1). Training mode adds U(-1/2, 1/2) noise instead of
        rounding, as caec's trainer does."""
        y = self.g_a(x)
        if self.gain is not None:
            y_scaled = y * self.gain.analysis[quality].reshape(1, -1, 1, 1)
        else:
            y_scaled = y
        if self.training:
            y_hat = y_scaled + torch.empty_like(y_scaled).uniform_(-0.5, 0.5)
        else:
            y_hat = torch.round(y_scaled)
        likelihoods = self.entropy_bottleneck.likelihood(y_hat, quality)
        z = y_hat * self.gain.synthesis[quality].reshape(1, -1, 1, 1) if self.gain is not None else y_hat
        return {"x_hat": self.g_s(z), "likelihoods": likelihoods, "y": y, "y_hat": y_hat}

    # MARK: safetensors

    def interchange_tensors(self):
        """{name: float32 numpy array} in the file layout (effective GDN parameters)."""
        out = {}
        for name, value in self.state_dict().items():
            value = value.detach().cpu()
            if name.endswith(".beta"):
                value = lower_bound(value, math.sqrt(BETA_MIN + PEDESTAL)) ** 2 - PEDESTAL
            elif name.endswith(".gamma"):
                value = lower_bound(value, math.sqrt(PEDESTAL)) ** 2 - PEDESTAL
            out[name] = np.ascontiguousarray(value.numpy().astype(np.float32))
        return out

    def save_safetensors(self, path, metadata=None):
        from safetensors.numpy import save_file

        meta = dict(self.metadata)
        meta.update({
            "format": FORMAT, "format_version": FORMAT_VERSION, "arch": "bmshj-f-vr", "N": str(self.N),
            "M": str(self.M), "qualities": str(self.qualities),
            "density_filters": ",".join(str(f) for f in self.filters), "gdn": "effective",
            "entropy_bottleneck": "raw",
        })
        meta.update(metadata or {})
        save_file(self.interchange_tensors(), path, metadata=meta)

    def load_interchange(self, tensors):
        """Loads {name: array} in the file layout; every key and shape must match (extra keys such as
        `entropy_bottleneck.quantiles` or `codec.*` are refused unless listed in `IGNORED`)."""
        own = self.state_dict()
        names = set(tensors) - {n for n in tensors if n in IGNORED}
        missing = sorted(set(own) - names)
        extra = sorted(names - set(own))
        if missing or extra:
            raise ValueError(f"key mismatch: missing {missing}, unexpected {extra}")
        converted = {}
        for name, value in own.items():
            t = torch.as_tensor(np.asarray(tensors[name], dtype=np.float32))
            if tuple(t.shape) != tuple(value.shape):
                raise ValueError(f"{name}: shape {tuple(t.shape)}, expected {tuple(value.shape)}")
            if not torch.isfinite(t).all():
                raise ValueError(f"{name}: non-finite value")
            if name.endswith(".beta"):
                t = GDN.stored_from_effective(t, BETA_MIN)
            elif name.endswith(".gamma"):
                t = GDN.stored_from_effective(t, 0.0)
            converted[name] = t
        self.load_state_dict(converted, strict=True)

    def load_safetensors(self, path):
        from safetensors import safe_open

        with safe_open(path, framework="np") as f:
            meta = f.metadata() or {}
            check_metadata(meta)
            self.metadata = meta
            self.load_interchange({name: f.get_tensor(name) for name in f.keys()})

    @classmethod
    def from_safetensors(cls, path):
        """A model sized from the file's shapes, with its weights."""
        from safetensors import safe_open

        with safe_open(path, framework="np") as f:
            names = set(f.keys())
            N = f.get_slice("g_a.0.weight").get_shape()[0]
            M = f.get_slice("g_a.6.weight").get_shape()[0]
            Q = f.get_slice("entropy_bottleneck.matrices.0").get_shape()[0]
            depth = sum(1 for n in names if n.startswith("entropy_bottleneck.matrices."))
            filters = [f.get_slice(f"entropy_bottleneck.matrices.{k}").get_shape()[2] for k in range(depth - 1)]
        model = cls(N, M, Q, filters, gains="gain.analysis" in names)
        model.load_safetensors(path)
        return model


# Tensors a caec or CompressAI interchange file may carry that this module does not use: CompressAI's quantiles
# (medians and tail bounds; caec rounds without median offsets).
IGNORED = {"entropy_bottleneck.quantiles"}


def check_metadata(meta):
    if meta.get("format") not in (None, FORMAT):
        raise ValueError(f"not a caec interchange file (format {meta.get('format')!r})")
    if meta.get("gdn", "effective") != "effective":
        raise ValueError(f"GDN parameters are {meta['gdn']!r}; this module reads effective ones")


def rate_distortion_loss(out, x, lmbda):
    """bits per pixel + lambda * 255^2 * MSE, pixels in [0, 1] (caec's objective, Spec/models.md)."""
    B, _, H, W = x.shape
    bpp = torch.log(out["likelihoods"]).sum() / (-math.log(2) * B * H * W)
    mse = F.mse_loss(out["x_hat"], x)
    return bpp + lmbda * 255**2 * mse, bpp, mse
