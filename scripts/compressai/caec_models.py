#!/usr/bin/env python3
"""caec's models as PyTorch modules: load a caec safetensors file (Spec/safetensors.md), run it,
fine-tune it, save it back.

Two families (Spec/models.md), any widths, qualities and density filters (read from the file):
- `bmshj-f-vr`, `BmshjFactorizedVR`: Ballé 2018's factorized prior, 5x5 stride-2 convolutions with GDN, transposed
  ones with inverse GDN, a per-channel factorized density per quality and, for variable-rate models, per-quality
  gain vectors (Cui et al. 2021). Also runs a CompressAI `bmshj2018-factorized` converted by `convert_checkpoint.py`
  (one quality, no gains, filters 3,3,3,3). `CifarTaskVR` and `CifarTaskVR8` are caec's task-aware CIFAR-10 codecs
  of this family (`cifar-task-vr8`: g_a.0 and g_s.6 at stride 1, a latent of H/8 x W/8).

      x (B, 3, H, W) -> g_a -> y * gain.analysis[q] -> round (noise when training) -> y_hat
      y_hat -> density of quality q -> likelihoods
      y_hat * gain.synthesis[q] -> g_s -> x_hat

- `bmshj-hp-vr`, `BmshjHyperpriorVR`: the scale hyperprior on the same transforms and gains. Also runs the
  transforms of a CompressAI `bmshj2018-hyperprior` converted by `convert_checkpoint.py` (no gains); this module
  rounds z (and the factorized one y) without the medians that CompressAI and caec's import of its models subtract,
  and a model saved from a CompressAI file is written as caec's family (no quantiles), which `caec import
  compressai` does not take back.

      y' = g_a(x) * gain.analysis[q] -> round (noise) -> y_hat          (M, H/16, W/16)
      z = h_a(|y'|) -> round (noise) -> z_hat -> density of quality q   (N, ceil(H/64), ceil(W/64))
      scales = h_s(z_hat) cropped to y's size -> y_hat ~ N(0, max(scale, 0.11)) convolved with U(-1/2, 1/2)
      y_hat * gain.synthesis[q] -> g_s -> x_hat

caec's CIFAR-10 families (Spec/safetensors.md §4.2): `CaeAutoencoder` (`cae-r2` ... `cae-r16`, the paper's
convolutional autoencoders, with their calibrated codec ladder kept as read) and `CifarClassifier` (`lenet5`,
`resnet9-cifar`, BatchNorm running statistics included); `from_safetensors` picks them by `arch` too.

Parameter names equal caec's key table (`g_a.0.weight`, `g_a.1.beta`, `h_s.4.weight`,
`entropy_bottleneck.matrices.0`, `gain.analysis`), so `state_dict()` lines up with a caec weights file. Inside these
modules GDN keeps CompressAI's reparametrised values (trainable); files hold the effective ones and
`load_safetensors`/`save_safetensors` convert, exactly: an effective value read and written back is the same binary32.

    import caec_models
    model = caec_models.from_safetensors("bmshj-hp-vr.safetensors")   # the class named by the file's `arch`
    out = model(x, quality=4)            # x_hat, likelihoods ({"y", "z"} for the hyperprior), y, y_hat, ...
    loss, bpp, mse = caec_models.rate_distortion_loss(out, x, lmbda=0.013)
    model.save_safetensors("fine-tuned.safetensors")   # then: caec import safetensors fine-tuned.safetensors --out DIR
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PEDESTAL = (2.0**-18) ** 2
BETA_MIN = 1e-6
LIKELIHOOD_BOUND = 1e-9
SCALE_BOUND = 0.11
FORMAT = "caec-safetensors"
FORMAT_VERSION = "1"


def _gdn_bound(minimum):
    """sqrt(minimum + p) in binary32 arithmetic, as caec's `GDNLayer.effectiveValue` computes it."""
    return float(np.sqrt(np.float32(minimum) + np.float32(PEDESTAL), dtype=np.float32))


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
        return GDN.effective_from_stored(self.beta, BETA_MIN), GDN.effective_from_stored(self.gamma, 0.0)

    @staticmethod
    def effective_from_stored(stored, minimum):
        """max(b, sqrt(minimum + p))^2 - p, binary32 (tensor in, tensor out)."""
        bounded = lower_bound(stored, _gdn_bound(minimum))
        return bounded * bounded - PEDESTAL

    def forward(self, x):
        beta, gamma = self.effective()
        C = x.shape[1]
        norm = F.conv2d(x * x, gamma.reshape(C, C, 1, 1), beta)
        return x * torch.sqrt(norm) if self.inverse else x * torch.rsqrt(norm)

    @staticmethod
    def stored_from_effective(effective, minimum):
        """The reparametrised value whose effective value is `effective` (caec's `GDNLayer.storedValue`):
        sqrt(max(e, minimum) + p) in binary64 rounded to binary32 or, where that one's effective value is not
        exactly e, the nearest binary32 within 4 ulps whose effective value is, so that effective -> stored ->
        effective is the identity. Tensor in, float32 tensor out."""
        e = np.asarray(effective, dtype=np.float32)
        estimate = np.sqrt(np.maximum(e.astype(np.float64), minimum) + PEDESTAL).astype(np.float32)
        bound, pedestal = np.float32(_gdn_bound(minimum)), np.float32(PEDESTAL)

        def exact(stored):
            b = np.maximum(stored, bound)
            return (b * b - pedestal) == e

        result = estimate.copy()
        done = exact(estimate)
        up, down = estimate.copy(), estimate.copy()
        for _ in range(4):
            up, down = np.nextafter(up, np.float32(np.inf)), np.nextafter(down, np.float32(-np.inf))
            for candidate in (up, down):
                hit = ~done & exact(candidate)
                result[hit] = candidate[hit]
                done |= hit
        return torch.from_numpy(result)


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


def conv(cin, cout, stride=2):
    return nn.Conv2d(cin, cout, 5, stride=stride, padding=2)


def deconv(cin, cout, stride=2):
    return nn.ConvTranspose2d(cin, cout, 5, stride=stride, padding=2, output_padding=stride - 1)


def conv3(cin, cout):
    return nn.Conv2d(cin, cout, 3, stride=1, padding=1)


class _Interchange(nn.Module):
    """safetensors in and out for a module whose `state_dict()` is a caec key table (Spec/safetensors.md §4)."""

    ARCH = None

    def interchange_metadata(self):
        return {
            "arch": self.ARCH, "N": str(self.N), "M": str(self.M), "qualities": str(self.qualities),
            "density_filters": ",".join(str(f) for f in self.filters),
        }

    def interchange_tensors(self):
        """{name: float32 numpy array} in the file layout (effective GDN parameters)."""
        out = {}
        for name, value in self.state_dict().items():
            value = value.detach().cpu().float()
            if name.endswith(".beta"):
                value = GDN.effective_from_stored(value, BETA_MIN)
            elif name.endswith(".gamma"):
                value = GDN.effective_from_stored(value, 0.0)
            out[name] = np.ascontiguousarray(value.numpy().astype(np.float32))
        return out

    def save_safetensors(self, path, metadata=None):
        """Writes the file layout with the metadata read from the loaded file (`caew.*` keys carry the caec weights
        file's own, such as `caew.lambdas`), this module's widths, and `metadata` on top."""
        from safetensors.numpy import save_file

        meta = dict(self.metadata)
        meta.update({"format": FORMAT, "format_version": FORMAT_VERSION, "gdn": "effective",
                     "entropy_bottleneck": "raw"})
        meta.update(self.interchange_metadata())
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

    @staticmethod
    def _file_widths(f):
        """N, M, qualities, density filters, gains present: from a safetensors handle's shapes."""
        names = set(f.keys())
        N = f.get_slice("g_a.0.weight").get_shape()[0]
        M = f.get_slice("g_a.6.weight").get_shape()[0]
        Q = f.get_slice("entropy_bottleneck.matrices.0").get_shape()[0]
        depth = sum(1 for n in names if n.startswith("entropy_bottleneck.matrices."))
        filters = [f.get_slice(f"entropy_bottleneck.matrices.{k}").get_shape()[2] for k in range(depth - 1)]
        return N, M, Q, filters, "gain.analysis" in names

    @classmethod
    def from_safetensors(cls, path):
        """A model sized from the file's shapes, with its weights."""
        from safetensors import safe_open

        with safe_open(path, framework="np") as f:
            N, M, Q, filters, gains = cls._file_widths(f)
        model = cls(N, M, Q, filters, gains=gains)
        model.load_safetensors(path)
        return model


def _transforms(module, N, M, first_stride=2):
    """g_a and g_s; `first_stride` 1 (caec's `cifar-task-vr8`) makes g_a.0 and g_s.6 stride 1."""
    module.g_a = nn.Sequential(
        conv(3, N, first_stride), GDN(N), conv(N, N), GDN(N), conv(N, N), GDN(N), conv(N, M))
    module.g_s = nn.Sequential(
        deconv(M, N), GDN(N, True), deconv(N, N), GDN(N, True), deconv(N, N), GDN(N, True),
        deconv(N, 3, first_stride))


def _quantize(v, training):
    """U(-1/2, 1/2) noise when training, else round half to even (caec's `Quantizer.symbol`)."""
    return v + torch.empty_like(v).uniform_(-0.5, 0.5) if training else torch.round(v)


class BmshjFactorizedVR(_Interchange):
    """caec's `bmshj-f-vr` (N = 64, M = 128, 8 qualities, filters 3,3,3 when shipped), any widths."""

    ARCH = "bmshj-f-vr"
    FIRST_STRIDE = 2

    def __init__(self, N=64, M=128, qualities=8, filters=(3, 3, 3), gains=True):
        super().__init__()
        self.N, self.M, self.qualities, self.filters = N, M, qualities, tuple(filters)
        _transforms(self, N, M, self.FIRST_STRIDE)
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
        y_hat = _quantize(y_scaled, self.training)
        likelihoods = self.entropy_bottleneck.likelihood(y_hat, quality)
        z = y_hat * self.gain.synthesis[quality].reshape(1, -1, 1, 1) if self.gain is not None else y_hat
        return {"x_hat": self.g_s(z), "likelihoods": likelihoods, "y": y, "y_hat": y_hat}


class CifarTaskVR(BmshjFactorizedVR):
    """caec's `cifar-task-vr`: `bmshj-f-vr`'s network with its own ladder and weights (trained on CIFAR-10)."""

    ARCH = "cifar-task-vr"


class CifarTaskVR8(BmshjFactorizedVR):
    """caec's `cifar-task-vr8`: `cifar-task-vr` with g_a.0 and g_s.6 at stride 1, a (M, H/8, W/8) latent."""

    ARCH = "cifar-task-vr8"
    FIRST_STRIDE = 1


def gaussian_likelihood(v, scales):
    """Mass of [v - 1/2, v + 1/2] under N(0, max(scale, 0.11)), bounded below by 1e-9, for tensors of one shape
    (caec's `GaussianConditional`; through |v| so the upper tail is not 1 - 1)."""
    s = lower_bound(scales, SCALE_BOUND)
    magnitude = torch.abs(v)
    upper = 0.5 * torch.erfc(-((0.5 - magnitude) / s) / math.sqrt(2))
    lower = 0.5 * torch.erfc(-((-0.5 - magnitude) / s) / math.sqrt(2))
    return lower_bound(upper - lower, LIKELIHOOD_BOUND)


class BmshjHyperpriorVR(_Interchange):
    """caec's `bmshj-hp-vr` (N = 64, M = 128, 8 qualities, z's density filters 3,3,3), any widths; without gains
    it is a CompressAI `bmshj2018-hyperprior` converted by `convert_checkpoint.py` (z rounded without medians)."""

    ARCH = "bmshj-hp-vr"

    def __init__(self, N=64, M=128, qualities=8, filters=(3, 3, 3), gains=True):
        super().__init__()
        self.N, self.M, self.qualities, self.filters = N, M, qualities, tuple(filters)
        _transforms(self, N, M)
        self.h_a = nn.Sequential(conv3(M, N), nn.ReLU(), conv(N, N), nn.ReLU(), conv(N, N))
        self.h_s = nn.Sequential(deconv(N, N), nn.ReLU(), deconv(N, N), nn.ReLU(), conv3(N, M), nn.ReLU())
        self.entropy_bottleneck = FactorizedDensity(N, qualities, filters)
        self.gain = Gain(qualities, M) if gains else None
        self.metadata = {}

    def forward(self, x, quality=0):
        """`quality` is 0-based. Training mode adds U(-1/2, 1/2) noise to y' and z instead of rounding, z computed
        from the noiseless |y'| (caec's trainer, and CompressAI). Returns x_hat, likelihoods {"y", "z"}, y, y_hat,
        z, z_hat, scales (after the crop, before the 0.11 bound)."""
        y = self.g_a(x)
        gained = y * self.gain.analysis[quality].reshape(1, -1, 1, 1) if self.gain is not None else y
        z = self.h_a(torch.abs(gained))
        y_hat = _quantize(gained, self.training)
        z_hat = _quantize(z, self.training)
        H, W = y_hat.shape[2:]
        scales = self.h_s(z_hat)[:, :, :H, :W]
        likelihoods = {
            "y": gaussian_likelihood(y_hat, scales),
            "z": self.entropy_bottleneck.likelihood(z_hat, quality),
        }
        synthesis_input = y_hat * self.gain.synthesis[quality].reshape(1, -1, 1, 1) if self.gain is not None else y_hat
        return {"x_hat": self.g_s(synthesis_input), "likelihoods": likelihoods, "y": y, "y_hat": y_hat, "z": z,
                "z_hat": z_hat, "scales": scales}


class _CifarInterchange(nn.Module):
    """safetensors in and out for caec's CIFAR-10 families (Spec/safetensors.md §4.2): `state_dict()` names are the
    caec key table's (BatchNorm's `num_batches_tracked`, an integer PyTorch adds, aside: it is not written, and
    loading leaves it as it is); an autoencoder's calibrated `codec.*` tensors are kept as read and written back
    unchanged (the ladder is not recalibrated: run `caec calibrate` on fine-tuned weights to rebuild it)."""

    ARCH = None
    FAMILY = None

    def interchange_metadata(self):
        return {"arch": self.ARCH, "family": self.FAMILY}

    def _own_state(self):
        return {n: v for n, v in self.state_dict().items() if not n.endswith(".num_batches_tracked")}

    def save_safetensors(self, path, metadata=None):
        """Writes the key table (float32) and the codec tensors read from the file, with the file's metadata
        (`caew.*` included) and `metadata` on top."""
        from safetensors.numpy import save_file

        out = {n: np.ascontiguousarray(v.detach().cpu().float().numpy()) for n, v in self._own_state().items()}
        out.update(self.codec)
        meta = dict(self.metadata)
        meta.update({"format": FORMAT, "format_version": FORMAT_VERSION})
        meta.update(self.interchange_metadata())
        meta.update(metadata or {})
        save_file(out, path, metadata=meta)

    def load_safetensors(self, path):
        """Loads a file of this module's `arch`; every key and shape must match (`codec.*` kept aside)."""
        from safetensors import safe_open

        with safe_open(path, framework="np") as f:
            meta = f.metadata() or {}
            check_metadata(meta)
            if meta.get("arch") != self.ARCH:
                raise ValueError(f"{path}: arch {meta.get('arch')!r}, expected {self.ARCH!r}")
            tensors = {name: f.get_tensor(name) for name in f.keys()}
        self.metadata = meta
        self.codec = {n: v.astype(np.float32) for n, v in tensors.items() if n.startswith("codec.")}
        if self.codec and self.FAMILY != "autoencoder":
            raise ValueError(f"{path}: codec tensors in a {self.FAMILY}")
        own = self._own_state()
        names = set(tensors) - set(self.codec)
        missing, extra = sorted(set(own) - names), sorted(names - set(own))
        if missing or extra:
            raise ValueError(f"key mismatch: missing {missing}, unexpected {extra}")
        converted = {}
        for name, value in own.items():
            t = torch.as_tensor(np.asarray(tensors[name], dtype=np.float32))
            if tuple(t.shape) != tuple(value.shape):
                raise ValueError(f"{name}: shape {tuple(t.shape)}, expected {tuple(value.shape)}")
            converted[name] = t
        self.load_state_dict(converted, strict=False)

    @classmethod
    def from_safetensors(cls, path):
        from safetensors import safe_open

        with safe_open(path, framework="np") as f:
            arch = (f.metadata() or {}).get("arch")
        model = cls(arch)
        model.load_safetensors(path)
        return model


class CaeAutoencoder(_CifarInterchange):
    """The paper's autoencoders `cae-r2`, `cae-r4`, `cae-r8`, `cae-r16` (Sources/CaecModel/Models/Autoencoder.swift):

        x (B, 3, H, W) -> [conv3x3 -> ReLU -> maxpool2] x k -> latent (32, H/r, W/r)     r = 2^k
        latent -> [conv3x3 -> ReLU -> nearest x2] x k -> conv3x3 -> sigmoid -> x_hat (3, H, W)

    Keys `enc.<i>.*`, `dec.<j>.*`, `dec.out.*` (OIHW weights). `forward(x)` is caec's `reconstruct` (no
    quantisation); `forward(x, quality=q)` (1-based) quantises the latent as the codec does with the carried ladder,
    `round(latent / step[q]) * step[q]` per channel (half to even), with a straight-through gradient."""

    FAMILY = "autoencoder"
    CHANNELS = {"cae-r2": [32], "cae-r4": [16, 32], "cae-r8": [16, 32, 32], "cae-r16": [16, 32, 32, 32]}

    def __init__(self, arch="cae-r8"):
        super().__init__()
        self.ARCH = arch
        self.channels = self.CHANNELS[arch]
        self.metadata, self.codec = {}, {}
        k = len(self.channels)
        self.enc = nn.ModuleList()
        cin = 3
        for cout in self.channels:
            self.enc.append(nn.Conv2d(cin, cout, 3, padding=1))
            cin = cout
        dec = {}
        for j in range(k):
            dec[str(j)] = nn.Conv2d(self.channels[k - 1 - j], self.channels[max(k - 2 - j, 0)], 3, padding=1)
        dec["out"] = nn.Conv2d(self.channels[0], 3, 3, padding=1)
        self.dec = nn.ModuleDict(dec)

    def interchange_metadata(self):
        return {**super().interchange_metadata(), "channels": ",".join(str(c) for c in self.channels)}

    def encode(self, x):
        for conv in self.enc:
            x = F.max_pool2d(F.relu(conv(x)), 2)
        return x

    def decode(self, z):
        for j in range(len(self.channels)):
            z = F.interpolate(F.relu(self.dec[str(j)](z)), scale_factor=2, mode="nearest")
        return torch.sigmoid(self.dec["out"](z))

    def quantize(self, latent, quality):
        step = torch.as_tensor(self.codec[f"codec.q{quality}.step"], device=latent.device).view(1, -1, 1, 1)
        return latent + (torch.round(latent / step) * step - latent).detach()

    def forward(self, x, quality=None):
        latent = self.encode(x)
        return self.decode(latent if quality is None else self.quantize(latent, quality))


class _ConvBN(nn.Module):
    """conv3x3 (no bias) -> [maxpool2] -> BatchNorm (eps 1e-5) -> ReLU, keys `conv.weight`, `bn.*`."""

    def __init__(self, cin, cout, pool=False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.pool = pool

    def forward(self, x):
        x = self.conv(x)
        return F.relu(self.bn(F.max_pool2d(x, 2) if self.pool else x))


class _AirbenchGroup(nn.Module):
    """conv3x3 (no bias) -> maxpool2 -> BatchNorm -> GELU -> conv3x3 -> BatchNorm -> GELU, keys `conv1.weight`,
    `bn1.*`, `conv2.weight`, `bn2.*` (BatchNorm eps 1e-12; caec's momentum 0.4 is PyTorch's momentum 0.4)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout, eps=1e-12, momentum=0.4)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-12, momentum=0.4)

    def forward(self, x):
        x = F.gelu(self.bn1(F.max_pool2d(self.conv1(x), 2)))
        return F.gelu(self.bn2(self.conv2(x)))


class CifarClassifier(_CifarInterchange):
    """caec's CIFAR-10 classifiers (Sources/CaecModel/Models/Classifier.swift), pixels in [0, 1] to 10 logits:

    - `lenet5`: conv5x5 3->6, ReLU, maxpool2, conv5x5 6->16, ReLU, maxpool2, flatten 400, fc 120, ReLU, fc 84, ReLU,
      fc 10 (keys `conv1`, `conv2`, `fc1`, `fc2`, `fc3`).
    - `resnet9-cifar`: Page's ResNet-9 at widths (32, 64, 128, 256): prep, layer1 (+pool), res1 (two conv-BN-ReLU,
      added to their input), layer2 (+pool), layer3 (+pool), res3, maxpool4, fc, x 0.125 (keys `prep.conv.weight`,
      `prep.bn.{weight,bias,running_mean,running_var}`, `res1.0.conv.weight`, ..., `fc.weight`); BatchNorm as
      PyTorch's (`eval()` uses the running statistics, as caec's inference does). Its recorded accuracy uses the
      test-time flip: `evaluation_logits`. `resnet9-cifar-task` (the task-aware codecs' training classifier) is the
      same network at widths (16, 32, 64, 128).
    - `airbench-cifar`: Jordan's airbench94 network at widths (64, 256, 256): `whiten` (conv2x2 3->24, no padding,
      bias) and GELU, then `block1`..`block3` (`_AirbenchGroup`), maxpool3, fc, x 1/9; test-time flip."""

    FAMILY = "classifier"
    RESNET9_WIDTHS = (32, 64, 128, 256)
    # `resnet9-cifar-task`, the training classifier of the task-aware codecs: the same network at quarter width.
    RESNET9_TASK_WIDTHS = (16, 32, 64, 128)
    AIRBENCH_WIDTHS = (64, 256, 256)

    def __init__(self, arch="lenet5"):
        super().__init__()
        self.ARCH = arch
        self.metadata, self.codec = {}, {}
        if arch == "lenet5":
            self.conv1, self.conv2 = nn.Conv2d(3, 6, 5), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)
            self.test_time_flip = False
        elif arch in ("resnet9-cifar", "resnet9-cifar-task"):
            w0, w1, w2, w3 = self.RESNET9_WIDTHS if arch == "resnet9-cifar" else self.RESNET9_TASK_WIDTHS
            self.prep = _ConvBN(3, w0)
            self.layer1 = _ConvBN(w0, w1, pool=True)
            self.res1 = nn.Sequential(_ConvBN(w1, w1), _ConvBN(w1, w1))
            self.layer2 = _ConvBN(w1, w2, pool=True)
            self.layer3 = _ConvBN(w2, w3, pool=True)
            self.res3 = nn.Sequential(_ConvBN(w3, w3), _ConvBN(w3, w3))
            self.fc = nn.Linear(w3, 10)
            self.test_time_flip = True
        elif arch == "airbench-cifar":
            w1, w2, w3 = self.AIRBENCH_WIDTHS
            self.whiten = nn.Conv2d(3, 24, 2, bias=True)
            self.block1, self.block2 = _AirbenchGroup(24, w1), _AirbenchGroup(w1, w2)
            self.block3 = _AirbenchGroup(w2, w3)
            self.fc = nn.Linear(w3, 10)
            self.test_time_flip = True
        else:
            raise ValueError(f"unknown classifier {arch!r}")

    def forward(self, x):
        if self.ARCH == "lenet5":
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = F.relu(self.fc1(x.flatten(1)))
            return self.fc3(F.relu(self.fc2(x)))
        if self.ARCH == "airbench-cifar":
            x = self.block3(self.block2(self.block1(F.gelu(self.whiten(x)))))
            return self.fc(F.max_pool2d(x, 3).flatten(1)) * (1.0 / 9)
        x = self.layer1(self.prep(x))
        x = x + self.res1(x)
        x = self.layer3(self.layer2(x))
        x = x + self.res3(x)
        return self.fc(F.max_pool2d(x, 4).flatten(1)) * 0.125

    def evaluation_logits(self, x):
        """The logits predictions are made from: with the test-time flip, the mean of x's and its mirror's."""
        plain = self(x)
        return (plain + self(x.flip(3))) * 0.5 if self.test_time_flip else plain


FAMILIES = {
    "bmshj-f-vr": BmshjFactorizedVR, "bmshj2018-factorized": BmshjFactorizedVR,
    "cifar-task-vr": CifarTaskVR, "cifar-task-vr8": CifarTaskVR8,
    "bmshj-hp-vr": BmshjHyperpriorVR, "bmshj2018-hyperprior": BmshjHyperpriorVR,
    **{arch: CaeAutoencoder for arch in CaeAutoencoder.CHANNELS},
    "lenet5": CifarClassifier, "resnet9-cifar": CifarClassifier, "resnet9-cifar-task": CifarClassifier,
    "airbench-cifar": CifarClassifier,
}


def from_safetensors(path):
    """The module of the file's `arch` (metadata), sized from its shapes, with its weights."""
    from safetensors import safe_open

    with safe_open(path, framework="np") as f:
        arch = (f.metadata() or {}).get("arch")
    if arch not in FAMILIES:
        raise ValueError(f"{path}: arch {arch!r} is not one of {sorted(FAMILIES)}")
    return FAMILIES[arch].from_safetensors(path)


# Tensors a caec or CompressAI interchange file may carry that this module does not use: CompressAI's quantiles
# (medians and tail bounds; caec rounds without median offsets) and the hyperprior's scale table (caec codes with
# CompressAI's default one, Spec/model-weights.md §7.2).
IGNORED = {"entropy_bottleneck.quantiles", "gaussian_conditional.scale_table"}


def check_metadata(meta):
    if meta.get("format") not in (None, FORMAT):
        raise ValueError(f"not a caec interchange file (format {meta.get('format')!r})")
    if meta.get("gdn", "effective") != "effective":
        raise ValueError(f"GDN parameters are {meta['gdn']!r}; this module reads effective ones")


def rate_distortion_loss(out, x, lmbda):
    """(bits per pixel + lambda * 255^2 * MSE, bpp, MSE), pixels in [0, 1] (caec's objective, Spec/models.md); the
    bits are every likelihood's (y's, and z's for the hyperprior)."""
    B, _, H, W = x.shape
    likelihoods = out["likelihoods"]
    parts = likelihoods.values() if isinstance(likelihoods, dict) else [likelihoods]
    bpp = sum(torch.log(p).sum() for p in parts) / (-math.log(2) * B * H * W)
    mse = F.mse_loss(out["x_hat"], x)
    return bpp + lmbda * 255**2 * mse, bpp, mse
