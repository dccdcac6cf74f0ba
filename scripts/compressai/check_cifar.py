#!/usr/bin/env python3
"""Checks caec_models.py's CIFAR-10 families against caec (issue #20) and writes the fixture the Swift test
`CIFARInterchangeTests` compares caec's own forward with.

    for m in cae-r2 cae-r4 cae-r8 cae-r16 lenet5 resnet9-cifar airbench-cifar; do caec export $m --out DIR/$m.safetensors; done
    python3 scripts/compressai/check_cifar.py DIR [--fixture Tests/Fixtures/cifar-interchange/torch-outputs.safetensors]

For each exported model: loads it with `from_safetensors`, runs it in eval mode (float32, CPU) on the first images
of Samples/cifar10/test_batch-first1000.bin (pixels / 255, NCHW), saves it back with `save_safetensors` and checks
every tensor of the saved file bit-identical to the export's (codec tables included) and the metadata kept. The
fixture holds `<id>.x_hat` (autoencoders, RECONSTRUCTED images) and `<id>.logits` (classifiers, LOGIT images;
`resnet9-cifar.evaluation_logits` with the test-time flip too).
"""
import argparse
import os
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import caec_models  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
AUTOENCODERS = ["cae-r2", "cae-r4", "cae-r8", "cae-r16"]
CLASSIFIERS = ["lenet5", "resnet9-cifar", "airbench-cifar"]
RECONSTRUCTED = 4
LOGIT = 16


def cifar_images(count):
    """(count, 3, 32, 32) float32 pixels / 255 of the first test records (1 label byte + 3,072 plane bytes)."""
    raw = np.fromfile(os.path.join(ROOT, "Samples/cifar10/test_batch-first1000.bin"), dtype=np.uint8)
    records = raw[: count * 3073].reshape(count, 3073)[:, 1:]
    return torch.from_numpy(records.reshape(count, 3, 32, 32).astype(np.float32) / np.float32(255))


def check_save_round_trip(model, path):
    from safetensors import safe_open

    with tempfile.TemporaryDirectory() as tmp:
        saved = os.path.join(tmp, "saved.safetensors")
        model.save_safetensors(saved)
        with safe_open(path, framework="np") as a, safe_open(saved, framework="np") as b:
            assert set(a.keys()) == set(b.keys()), (sorted(a.keys()), sorted(b.keys()))
            for name in a.keys():
                assert np.array_equal(a.get_tensor(name).view(np.uint32), b.get_tensor(name).view(np.uint32)), name
            assert a.metadata() == b.metadata(), (a.metadata(), b.metadata())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exported", help="folder of `caec export` files, <id>.safetensors")
    parser.add_argument("--fixture", help="write the PyTorch outputs here (safetensors)")
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    outputs = {}
    for arch in AUTOENCODERS + CLASSIFIERS:
        path = os.path.join(args.exported, arch + ".safetensors")
        model = caec_models.from_safetensors(path).eval()
        check_save_round_trip(model, path)
        if arch in AUTOENCODERS:
            x = cifar_images(RECONSTRUCTED)
            x_hat = model(x)
            outputs[arch + ".x_hat"] = x_hat
            q4 = model(x, quality=4)
            print(f"{arch}: MSE {torch.mean((x_hat - x) ** 2).item():.6f}, at codec quality 4 "
                  f"{torch.mean((q4 - x) ** 2).item():.6f}; save round trip exact")
        else:
            x = cifar_images(LOGIT)
            outputs[arch + ".logits"] = model(x)
            if model.test_time_flip:
                outputs[arch + ".evaluation_logits"] = model.evaluation_logits(x)
            labels = np.fromfile(os.path.join(ROOT, "Samples/cifar10/test_batch-first1000.bin"),
                                 dtype=np.uint8)[: LOGIT * 3073].reshape(LOGIT, 3073)[:, 0]
            correct = (model.evaluation_logits(x).argmax(1).numpy() == labels).sum()
            print(f"{arch}: {correct}/{LOGIT} correct; save round trip exact")
    if args.fixture:
        from safetensors.numpy import save_file

        save_file({k: np.ascontiguousarray(v.numpy().astype(np.float32)) for k, v in outputs.items()}, args.fixture,
                  metadata={"made_by": "scripts/compressai/check_cifar.py", "torch": torch.__version__,
                            "images": f"first {RECONSTRUCTED} (x_hat) and {LOGIT} (logits) of test_batch-first1000"})
        print("wrote", args.fixture)


if __name__ == "__main__":
    main()
