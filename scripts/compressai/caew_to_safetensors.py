#!/usr/bin/env python3
"""Exports a caec weights file (`.caew`, Spec/model-weights.md) of a GDN model to the safetensors interchange layout
(Spec/safetensors.md §4): same keys and shapes, GDN values made effective, `codec.*` tables left out. A stopgap until
`caec export` exists; with --check IMAGE it also runs the exported bmshj-f-vr in caec_models.py on IMAGE at every
quality and prints the estimated bits per pixel and the PSNR.

    python3 scripts/compressai/caew_to_safetensors.py Models/bmshj-f-vr.caew OUT.safetensors \
        [--check Samples/images/kodim23-crop256.png]
"""
import argparse
import math
import os
import struct
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import caec_models  # noqa: E402

PEDESTAL = caec_models.PEDESTAL


def read_caew(path):
    """(model id, metadata dict, [(name, kind, dtype, shape, array)]), with both CRCs checked."""
    data = open(path, "rb").read()
    if data[:4] != b"CAEW" or data[4] != 1:
        raise SystemExit(f"{path}: not a caec weights file of version 1")
    pos = 8
    length = data[pos]
    model_id = data[pos + 1:pos + 1 + length].decode()
    pos += 1 + length
    (count,) = struct.unpack_from("<H", data, pos)
    pos += 2
    metadata = {}
    for _ in range(count):
        k = data[pos]
        key = data[pos + 1:pos + 1 + k].decode()
        pos += 1 + k
        (v,) = struct.unpack_from("<H", data, pos)
        metadata[key] = data[pos + 2:pos + 2 + v].decode()
        pos += 2 + v
    (count,) = struct.unpack_from("<I", data, pos)
    pos += 4
    table = []
    for _ in range(count):
        k = data[pos]
        name = data[pos + 1:pos + 1 + k].decode()
        pos += 1 + k
        kind, dtype, rank = data[pos], data[pos + 1], data[pos + 2]
        shape = struct.unpack_from(f"<{rank}I", data, pos + 3)
        pos += 3 + 4 * rank
        table.append((name, kind, dtype, shape))
    (header_crc,) = struct.unpack_from("<I", data, pos)
    if zlib.crc32(data[:pos]) != header_crc:
        raise SystemExit(f"{path}: header CRC mismatch")
    pos += 4
    start = pos
    tensors = []
    for name, kind, dtype, shape in table:
        n = int(np.prod(shape)) if shape else 1
        size = n if dtype == 2 else 4 * n
        np_dtype = {0: "<f4", 1: "<i4", 2: "u1"}[dtype]
        tensors.append((name, kind, dtype, shape, np.frombuffer(data, np_dtype, n, pos).reshape(shape)))
        pos += size
    (data_crc,) = struct.unpack_from("<I", data, pos)
    if zlib.crc32(data[start:pos]) != data_crc or pos + 4 != len(data):
        raise SystemExit(f"{path}: data CRC mismatch or trailing bytes")
    return model_id, metadata, tensors


def effective(stored, minimum):
    return np.maximum(stored.astype(np.float64), math.sqrt(minimum + PEDESTAL)) ** 2 - PEDESTAL


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("weights")
    parser.add_argument("output")
    parser.add_argument("--check", metavar="IMAGE")
    args = parser.parse_args()
    from safetensors.numpy import save_file

    model_id, metadata, tensors = read_caew(args.weights)
    out = {}
    for name, kind, dtype, shape, value in tensors:
        if name.startswith("codec."):
            continue
        if dtype != 0:
            raise SystemExit(f"{name}: not f32")
        if name.endswith(".beta"):
            value = effective(value, caec_models.BETA_MIN)
        elif name.endswith(".gamma"):
            value = effective(value, 0.0)
        out[name] = np.ascontiguousarray(value.astype(np.float32))
    N = out["g_a.0.weight"].shape[0]
    M = out["g_a.6.weight"].shape[0]
    depth = sum(1 for n in out if n.startswith("entropy_bottleneck.matrices."))
    meta = {
        "format": caec_models.FORMAT, "format_version": caec_models.FORMAT_VERSION, "arch": model_id,
        "N": str(N), "M": str(M), "qualities": str(out["entropy_bottleneck.matrices.0"].shape[0]),
        "density_filters": ",".join(str(out[f"entropy_bottleneck.matrices.{k}"].shape[2]) for k in range(depth - 1)),
        "gdn": "effective", "entropy_bottleneck": "raw", "source": "caec",
    }
    meta.update({f"caew.{k}": v for k, v in metadata.items()})
    save_file(out, args.output, metadata=meta)
    print(f"{args.output}: {len(out)} tensors of {model_id}", file=sys.stderr)

    if args.check:
        import torch
        from PIL import Image

        torch.set_num_threads(2)
        model = caec_models.BmshjFactorizedVR.from_safetensors(args.output).eval()
        pixels = np.asarray(Image.open(args.check).convert("RGB"), dtype=np.float32)
        x = torch.from_numpy(pixels).permute(2, 0, 1)[None] / 255
        H, W = x.shape[2] // 16 * 16, x.shape[3] // 16 * 16
        x = x[:, :, :H, :W]
        for q in range(model.qualities):
            with torch.no_grad():
                o = model(x, quality=q)
            bpp = float(-torch.log2(o["likelihoods"]).sum()) / (H * W)
            x8 = torch.round(o["x_hat"].clamp(0, 1) * 255)
            mse = float(((x8 - torch.round(x * 255)) ** 2).mean())
            print(f"quality {q + 1}: estimated {bpp:.3f} bpp, PSNR {10 * math.log10(255**2 / mse):.2f} dB")


if __name__ == "__main__":
    main()
