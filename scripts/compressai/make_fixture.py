#!/usr/bin/env python3
"""Regenerates Tests/Fixtures/compressai/ and Tests/Fixtures/safetensors/ (see the README in the first).

Builds a tiny CompressAI FactorizedPrior and ScaleHyperprior (N = 8, M = 12), trains each for a few Adam steps on
random 64x64 crops of Samples/images/kodim23-crop256.png (seed 0, one thread), converts each checkpoint with
convert_checkpoint.py, and records what CompressAI computes on one fixed crop of the same image: the input, y,
y_hat, the likelihoods, x_hat and the estimated bits (plus z, z_hat, scales_hat for the hyperprior, and the bytes
of CompressAI's own `compress`). Then checks that caec_models.py reproduces CompressAI's models from the converted
files. Needs torch, compressai, safetensors, pillow (not run by CI).

    /work/venv-torch/bin/python scripts/compressai/make_fixture.py [--steps 60]
"""
import argparse
import math
import os
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import caec_models  # noqa: E402
import convert_checkpoint  # noqa: E402

OUT = os.path.join(ROOT, "Tests", "Fixtures", "compressai")
SAFETENSORS_OUT = os.path.join(ROOT, "Tests", "Fixtures", "safetensors")
IMAGE = os.path.join(ROOT, "Samples", "images", "kodim23-crop256.png")
N, M = 8, 12
LAMBDA = 0.0067
# The fixed test crops: top-left corner (row, column) in the 256x256 image, and side.
CROP = {"bmshj2018-factorized": (112, 96, 32), "bmshj2018-hyperprior": (96, 96, 64)}


def load_image():
    from PIL import Image

    pixels = np.asarray(Image.open(IMAGE).convert("RGB"), dtype=np.uint8)  # (H, W, 3)
    return torch.from_numpy(pixels.copy()).permute(2, 0, 1).contiguous()  # (3, H, W) uint8


def train(model, image, steps, seed):
    """CompressAI's example recipe, shortened: Adam 1e-4 on the network, 1e-3 on the quantiles (aux loss)."""
    generator = torch.Generator().manual_seed(seed)
    parameters = [p for n, p in model.named_parameters() if not n.endswith(".quantiles")]
    quantiles = [p for n, p in model.named_parameters() if n.endswith(".quantiles")]
    optimizer = torch.optim.Adam(parameters, lr=1e-3)
    aux_optimizer = torch.optim.Adam(quantiles, lr=1e-3)
    _, H, W = image.shape
    model.train()
    for step in range(steps):
        batch = []
        for _ in range(4):
            r = int(torch.randint(0, H - 64 + 1, (1,), generator=generator))
            c = int(torch.randint(0, W - 64 + 1, (1,), generator=generator))
            crop = image[:, r:r + 64, c:c + 64].float() / 255
            if torch.rand(1, generator=generator) < 0.5:
                crop = crop.flip(2)
            batch.append(crop)
        x = torch.stack(batch)
        optimizer.zero_grad()
        aux_optimizer.zero_grad()
        out = model(x)
        bpp = sum(torch.log(l).sum() for l in out["likelihoods"].values()) / (-math.log(2) * x.numel() / 3)
        loss = bpp + LAMBDA * 255**2 * torch.mean((out["x_hat"] - x) ** 2)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        aux_loss = model.aux_loss()
        aux_loss.backward()
        aux_optimizer.step()
    print(f"  trained {steps} steps, last loss {loss.item():.4f} (bpp {bpp.item():.3f}), aux {aux_loss.item():.2f}")
    model.eval()
    model.update(force=True)


def bits(likelihoods):
    return float((-torch.log2(likelihoods.double())).sum())


def run(model, arch, x):
    """Everything the fixture records, as {name: float32 array}, and metadata."""
    captured = {}
    model.g_s.register_forward_pre_hook(lambda m, inp: captured.__setitem__("y_hat", inp[0].detach().clone()))
    if arch == "bmshj2018-hyperprior":
        model.h_s.register_forward_pre_hook(lambda m, inp: captured.__setitem__("z_hat", inp[0].detach().clone()))
        model.h_s.register_forward_hook(lambda m, inp, out: captured.__setitem__("scales_hat", out.detach().clone()))
    with torch.no_grad():
        y = model.g_a(x)
        out = model(x)
        compressed = model.compress(x)
    record = {
        "y": y,
        "y_hat": captured["y_hat"],
        "likelihoods_y": out["likelihoods"]["y"],
        "x_hat": out["x_hat"],
        "bits": torch.tensor(bits(out["likelihoods"]["y"]) + (bits(out["likelihoods"]["z"]) if "z" in
                                                                out["likelihoods"] else 0.0)),
    }
    if arch == "bmshj2018-hyperprior":
        with torch.no_grad():
            record["z"] = model.h_a(torch.abs(y))
        record["z_hat"] = captured["z_hat"]
        record["scales_hat"] = captured["scales_hat"]
        record["likelihoods_z"] = out["likelihoods"]["z"]
    compressed_bytes = sum(len(s) for strings in compressed["strings"] for s in strings)
    meta = {
        "arch": arch,
        "estimated_bits": repr(float(record["bits"])),
        "compressai_compress_bytes": str(compressed_bytes),
        "x": "x_pixels / 255 (x_pixels holds integers 0...255 as F16, exact)",
    }
    return {k: v.float().numpy() for k, v in record.items()}, meta


def write_dtype_fixtures():
    """Small files written by the safetensors library itself, for the Swift reader's tests."""
    from safetensors.torch import save_file

    os.makedirs(SAFETENSORS_OUT, exist_ok=True)
    tensors = {
        "f32": torch.tensor([[1.5, -2.25, 3.0e-38], [0.0, -0.0, 65504.0]], dtype=torch.float32),
        "f16": torch.tensor([1.0, -2.0, 0.5, 65504.0, 2.0**-14, 2.0**-24], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 256.0, 2.0**-130], dtype=torch.bfloat16),
        "f64": torch.tensor([[1e-3], [1.0 / 3.0], [-1e10]], dtype=torch.float64),
        "scalar": torch.tensor(42.0, dtype=torch.float32),
        "empty": torch.zeros((0, 3), dtype=torch.float32),
    }
    save_file(tensors, os.path.join(SAFETENSORS_OUT, "python-dtypes.safetensors"),
              metadata={"written_by": "safetensors.torch.save_file", "unicode": "caf\u00e9 \u2713 \"q\""})
    save_file({"index": torch.tensor([1, 2, 3], dtype=torch.int64)},
              os.path.join(SAFETENSORS_OUT, "python-int64.safetensors"))


def check_reference_module(weights_path, io):
    """caec_models.py, loading the converted file, must reproduce CompressAI's transforms and likelihoods (for the
    hyperprior also z, the scales and y's likelihoods given CompressAI's z_hat, which it rounds about its medians)."""
    model = caec_models.from_safetensors(weights_path).eval()
    x = torch.from_numpy(io["x_pixels"]).float() / 255
    y_hat = torch.from_numpy(io["y_hat"])
    with torch.no_grad():
        y = model.g_a(x)
        errors = {
            "y": float((y - torch.from_numpy(io["y"])).abs().max()),
            "x_hat": float((model.g_s(y_hat) - torch.from_numpy(io["x_hat"])).abs().max()),
        }
        if isinstance(model, caec_models.BmshjHyperpriorVR):
            z = model.h_a(torch.abs(y))
            scales = model.h_s(torch.from_numpy(io["z_hat"]))[:, :, :y.shape[2], :y.shape[3]]
            likelihoods = caec_models.gaussian_likelihood(y_hat, scales)
            errors["z"] = float((z - torch.from_numpy(io["z"])).abs().max())
            errors["scales"] = float((scales - torch.from_numpy(io["scales_hat"])).abs().max())
        else:
            likelihoods = model.entropy_bottleneck.likelihood(y_hat, 0)
        errors["likelihoods"] = float((likelihoods - torch.from_numpy(io["likelihoods_y"])).abs().max())
    print(f"  caec_models.py against CompressAI, max abs: {errors}")
    assert all(e < 1e-4 for e in errors.values()), errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()

    from compressai.models import FactorizedPrior, ScaleHyperprior
    from safetensors.numpy import save_file

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    image = load_image()
    write_dtype_fixtures()
    for seed, (arch, cls) in enumerate(
            [("bmshj2018-factorized", FactorizedPrior), ("bmshj2018-hyperprior", ScaleHyperprior)]):
        print(arch)
        torch.manual_seed(seed)
        model = cls(N, M)
        train(model, image, args.steps, seed)
        r, c, side = CROP[arch]
        pixels = image[:, r:r + side, c:c + side].unsqueeze(0)
        x = pixels.float() / 255
        record, meta = run(model, arch, x)
        record["x_pixels"] = pixels.numpy().astype(np.float16)
        meta["crop"] = f"rows {r}..<{r + side}, columns {c}..<{c + side} of Samples/images/kodim23-crop256.png"
        with tempfile.TemporaryDirectory() as tmp:
            checkpoint = os.path.join(tmp, "checkpoint.pth.tar")
            torch.save({"epoch": 0, "state_dict": model.state_dict()}, checkpoint)  # CompressAI's trainer nesting
            weights = os.path.join(OUT, f"{arch}.safetensors")
            convert_checkpoint.main([checkpoint, weights, "--arch", arch, "--lmbda", str(LAMBDA), "--force"])
        io_path = os.path.join(OUT, f"{arch}-io.safetensors")
        save_file({k: np.ascontiguousarray(v) for k, v in record.items()}, io_path, metadata=meta)
        print(f"  estimated bits {float(record['bits']):.1f}, CompressAI compress: "
              f"{meta['compressai_compress_bytes']} bytes")
        check_reference_module(weights, record)
    for folder in (OUT, SAFETENSORS_OUT):
        for name in os.listdir(folder):
            os.chmod(os.path.join(folder, name), 0o644)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{OUT}: {total} bytes")


if __name__ == "__main__":
    main()
