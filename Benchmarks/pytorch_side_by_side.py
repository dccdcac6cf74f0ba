#!/usr/bin/env python3
"""Times the paper's rate-8 autoencoder (cae-r8) in PyTorch on the CPU and in caec, in the same run, and prints
the caec / PyTorch ratio of images per second (higher is better for caec).

PyTorch is a benchmark-only dependency: `pip install torch numpy` in a virtual environment. caec must be built in
release mode first (`swift build -c release`). Both use the same number of threads (--threads, default: all CPUs).

    python3 Benchmarks/pytorch_side_by_side.py [--threads N] [--batch 64] [--repetitions 5]
"""
import argparse
import os
import re
import subprocess
import sys
import time


def torch_figures(batch, threads, repetitions):
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)

    def block(cin, cout):
        return [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU()]

    channels = [16, 32, 32]
    encoder, cin = [], 3
    for c in channels:
        encoder += block(cin, c) + [nn.MaxPool2d(2)]
        cin = c
    decoder, k = [], len(channels)
    for j in range(k):
        decoder += block(channels[k - 1 - j], channels[max(k - 2 - j, 0)]) + [nn.Upsample(scale_factor=2)]
    decoder += [nn.Conv2d(channels[0], 3, 3, padding=1), nn.Sigmoid()]
    model = nn.Sequential(*encoder, *decoder)
    assert sum(p.numel() for p in model.parameters()) == 30963
    x = torch.rand(batch, 3, 32, 32)

    def best(fn):
        fn()
        times = []
        for _ in range(repetitions):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    with torch.no_grad():
        forward = best(lambda: model(x))

    def step():
        model.zero_grad()
        loss = ((model(x) - x) ** 2).mean()
        loss.backward()

    training = best(step)
    return batch / forward, batch / training, torch.__version__


def caec_figures(caec, threads, repetitions):
    env = dict(os.environ)
    output = subprocess.run(
        [caec, "bench", "--only", "model", "--repetitions", str(repetitions), "--workers", str(threads)],
        check=True, capture_output=True, text=True, env=env).stdout
    forward = float(re.search(r"cae-r8 forward: ([\d.]+) images/s", output).group(1))
    training = float(re.search(r"cae-r8 forward \+ backward: ([\d.]+) images/s", output).group(1))
    return forward, training


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--caec", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "caec"))
    args = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"cpu: {cpu}, threads: {args.threads}, batch: {args.batch}")
    caec_forward, caec_training = caec_figures(args.caec, args.threads, args.repetitions)
    torch_forward, torch_training, version = torch_figures(args.batch, args.threads, args.repetitions)
    print(f"{'':28}{'caec':>10}{'PyTorch ' + version:>24}{'ratio':>8}")
    print(f"{'forward, images/s':28}{caec_forward:>10.0f}{torch_forward:>24.0f}{caec_forward / torch_forward:>8.2f}")
    print(f"{'forward+backward, images/s':28}{caec_training:>10.0f}{torch_training:>24.0f}"
          f"{caec_training / torch_training:>8.2f}")


if __name__ == "__main__":
    sys.exit(main())
