#!/usr/bin/env python3
"""Converts a CompressAI checkpoint (bmshj2018-factorized or bmshj2018-hyperprior) into caec's safetensors
interchange layout (Spec/safetensors.md): caec's key names and shapes, GDN's beta and gamma stored as their
*effective* values, the entropy bottleneck's density with a leading quality axis of 1.

    python3 scripts/compressai/convert_checkpoint.py CHECKPOINT OUT.safetensors \
        --arch bmshj2018-factorized [--quality 3] [--lmbda 0.0067]

CHECKPOINT is anything `torch.load` reads holding a CompressAI state dict: the bare state dict, CompressAI's
training checkpoint (`{"state_dict": ..., "epoch": ...}`), or a `DataParallel` one (`module.` prefixes). Old key
spellings are accepted (`entropy_bottleneck._matrix0`, `_matrices.0`, `_biases.0`, `_factors.0`, `_quantiles`).

What is converted (CompressAI -> caec):
  g_a.{0,2,4,6}.{weight,bias}, g_s.*, h_a.*, h_s.*      copied (caec's layers use PyTorch's layouts)
  g_?.{1,3,5}.beta, .gamma                            effective values: max(x, bound)^2 - pedestal
  entropy_bottleneck.matrices.k (C, out, in)          raw (softplus applied at use), reshaped (1, C, out, in)
  entropy_bottleneck.biases.k / factors.k (C, out, 1) raw (tanh applied to factors at use), (1, C, out, 1)
  entropy_bottleneck.quantiles (C, 1, 3)              (1, C, 3): tail bounds and median of each channel
  gaussian_conditional.scale_table (S)                copied (hyperprior only)
Dropped (derived, rebuilt by whoever codes): *._quantized_cdf, *._offset, *._cdf_length, entropy_bottleneck.target,
*.beta_reparam.* / *.gamma_reparam.* (pedestal and bound constants, checked to be CompressAI's defaults),
*.likelihood_lower_bound.bound, gaussian_conditional.lower_bound_scale.bound; gaussian_conditional.scale_bound
becomes the metadata entry `scale_bound`.
Any other key, or a missing one, is an error: the conversion is strict.
"""
import argparse
import os
import re
import sys

import numpy as np

PEDESTAL = (2.0**-18) ** 2  # NonNegativeParametrizer's reparam_offset ** 2
BETA_MIN = 1e-6  # GDN's beta_min
FORMAT = "caec-safetensors"
FORMAT_VERSION = "1"

ARCHS = ("bmshj2018-factorized", "bmshj2018-hyperprior")

DERIVED_SUFFIXES = (
    "._quantized_cdf", "._offset", "._cdf_length", ".likelihood_lower_bound.bound", ".lower_bound_scale.bound")


def load_state_dict(path):
    """The CompressAI state dict inside whatever `path` holds, as {name: float64 numpy array}."""
    import torch

    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # older checkpoints pickle more than tensors
        obj = torch.load(path, map_location="cpu", weights_only=False)
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict):
        raise SystemExit(f"{path}: not a state dict (found {type(obj).__name__})")
    state = {}
    for key, value in obj.items():
        if key.startswith("module."):
            key = key[len("module."):]
        state[remap_old_key(key)] = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
    return state


OLD_DENSITY_NAMES = {
    "_matrix": "matrices", "_matrices.": "matrices",
    "_bias": "biases", "_biases.": "biases",
    "_factor": "factors", "_factors.": "factors",
}


def remap_old_key(key):
    """CompressAI's older entropy-bottleneck spellings to the current ones."""
    m = re.match(r"^(.*entropy_bottleneck)\.(_matrix|_matrices\.|_bias|_biases\.|_factor|_factors\.)(\d+)$", key)
    if m:
        return f"{m.group(1)}.{OLD_DENSITY_NAMES[m.group(2)]}.{m.group(3)}"
    return re.sub(r"entropy_bottleneck\._quantiles$", "entropy_bottleneck.quantiles", key)


def effective_nonnegative(stored, minimum):
    """NonNegativeParametrizer.forward: max(x, sqrt(minimum + pedestal))^2 - pedestal, in float64."""
    bound = np.sqrt(minimum + PEDESTAL)
    return np.maximum(stored.astype(np.float64), bound) ** 2 - PEDESTAL


def density_depth(state, prefix):
    k = 0
    while f"{prefix}.matrices.{k}" in state:
        k += 1
    return k


def convert(state, arch):
    """(tensors {name: float32 array}, metadata {str: str}, dropped [names]) in caec's interchange layout."""
    if arch not in ARCHS:
        raise SystemExit(f"unknown --arch {arch}; expected one of {', '.join(ARCHS)}")
    for needed in ("g_a.0.weight", "g_a.6.weight"):
        if needed not in state:
            raise SystemExit(f"not a CompressAI {arch} state dict: no {needed}")
    N = state["g_a.0.weight"].shape[0]
    M = state["g_a.6.weight"].shape[0]
    out = {}
    used = set()

    def take(name, transform=None, new_name=None):
        if name not in state:
            raise SystemExit(f"the checkpoint lacks {name}")
        used.add(name)
        value = state[name]
        out[new_name or name] = np.ascontiguousarray((transform(value) if transform else value).astype(np.float32))

    for t in ("g_a", "g_s"):
        for i in (0, 2, 4, 6):
            take(f"{t}.{i}.weight")
            take(f"{t}.{i}.bias")
        for i in (1, 3, 5):
            take(f"{t}.{i}.beta", lambda v: effective_nonnegative(v, BETA_MIN))
            take(f"{t}.{i}.gamma", lambda v: effective_nonnegative(v, 0.0))
            check_reparam_constants(state, f"{t}.{i}", used)
    if arch == "bmshj2018-hyperprior":
        for t in ("h_a", "h_s"):
            for i in (0, 2, 4):
                take(f"{t}.{i}.weight")
                take(f"{t}.{i}.bias")
        take("gaussian_conditional.scale_table")
        used.add("gaussian_conditional.scale_bound")

    eb = "entropy_bottleneck"
    depth = density_depth(state, eb)
    if depth == 0:
        raise SystemExit("the checkpoint has no entropy_bottleneck.matrices.0")
    filters = [state[f"{eb}.matrices.{k}"].shape[1] for k in range(depth - 1)]
    for k in range(depth):
        take(f"{eb}.matrices.{k}", lambda v: v[None])
        take(f"{eb}.biases.{k}", lambda v: v[None])
        if k < depth - 1:
            take(f"{eb}.factors.{k}", lambda v: v[None])
    take(f"{eb}.quantiles", lambda v: v.reshape(1, v.shape[0], 3))

    dropped = []
    unknown = []
    for name in state:
        if name in used:
            continue
        if name.endswith(DERIVED_SUFFIXES) or name == f"{eb}.target":
            dropped.append(name)
        else:
            unknown.append(name)
    if unknown:
        raise SystemExit(f"unexpected keys for {arch}: {', '.join(sorted(unknown))}")

    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "arch": arch,
        "source": "compressai",
        "N": str(N),
        "M": str(M),
        "qualities": "1",
        "density_filters": ",".join(str(f) for f in filters),
        "gdn": "effective",
        "entropy_bottleneck": "raw",
    }
    if arch == "bmshj2018-hyperprior":
        # GaussianConditional bounds its scales below by this (0.11 in CompressAI), then uses the scale table.
        metadata["scale_bound"] = repr(float(np.asarray(state["gaussian_conditional.scale_bound"]).reshape(-1)[0]))
    return out, metadata, dropped


def check_reparam_constants(state, prefix, used):
    """The reparametrisers' buffers must hold CompressAI's defaults, which the effective values assume."""
    expected = {
        f"{prefix}.beta_reparam.pedestal": PEDESTAL,
        f"{prefix}.beta_reparam.lower_bound.bound": np.sqrt(BETA_MIN + PEDESTAL),
        f"{prefix}.gamma_reparam.pedestal": PEDESTAL,
        f"{prefix}.gamma_reparam.lower_bound.bound": np.sqrt(PEDESTAL),
    }
    for name, value in expected.items():
        if name in state:
            found = float(np.asarray(state[name]).reshape(-1)[0])
            if not np.isclose(found, value, rtol=1e-5, atol=0):
                raise SystemExit(f"{name} is {found}, expected CompressAI's default {value}")
            used.add(name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint")
    parser.add_argument("output")
    parser.add_argument("--arch", required=True, choices=ARCHS)
    parser.add_argument("--quality", type=int, help="the CompressAI quality the checkpoint was trained for")
    parser.add_argument("--lmbda", type=float, help="the rate-distortion lambda it was trained with")
    parser.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    args = parser.parse_args(argv)

    from safetensors.numpy import save_file

    if os.path.exists(args.output) and not args.force:
        raise SystemExit(f"{args.output}: exists (use --force to replace it)")
    tensors, metadata, dropped = convert(load_state_dict(args.checkpoint), args.arch)
    if args.quality is not None:
        metadata["quality"] = str(args.quality)
    if args.lmbda is not None:
        metadata["lambda"] = repr(args.lmbda)
    for name, value in tensors.items():
        if not np.all(np.isfinite(value)):
            raise SystemExit(f"{name} holds a non-finite value")
    temporary = args.output + ".tmp"
    save_file(tensors, temporary, metadata=metadata)
    os.chmod(temporary, 0o644)
    os.replace(temporary, args.output)
    print(f"{args.output}: {len(tensors)} tensors, N={metadata['N']} M={metadata['M']}, dropped {len(dropped)} "
          f"derived buffers", file=sys.stderr)


if __name__ == "__main__":
    main()
