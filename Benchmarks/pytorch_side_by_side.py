#!/usr/bin/env python3
"""Times the paper's rate-8 autoencoder (cae-r8) in PyTorch on the CPU and in caec, in the same run, and prints
the caec / PyTorch ratio of images per second (higher is better for caec). With --codec IMAGE it instead times the
default codec model (bmshj-f-vr) on one photo: `caec encode` and `caec decode` (whole commands: process start, PNG
reading and writing, entropy coding included) against the same transforms in PyTorch (analysis and synthesis only,
no entropy coding, so PyTorch's figure is a lower bound of a PyTorch codec's time).

PyTorch is a benchmark-only dependency: `pip install torch numpy` in a virtual environment. caec must be built in
release mode first (`swift build -c release`). Both use the same number of threads (--threads, default: all CPUs).

With --sgemm it times sgemm 1024^3 on one thread: caec's BLAS as caec chose it, OpenBLAS forced to every core
type this CPU can run (OPENBLAS_CORETYPE), and PyTorch's matmul. With --train-step it times one training
step of the photo model (`caec bench profile`: 16 crops of 64x64, forward + backward + Adam, density model
included) against a PyTorch twin of the same architecture (CompressAI's FactorizedPrior with N=64, M=128, its
entropy bottleneck's density written out). --all runs every part in one go (needs --codec).

    python3 Benchmarks/pytorch_side_by_side.py [--threads N] [--batch 64] [--repetitions 5]
    python3 Benchmarks/pytorch_side_by_side.py --codec ../shared/data/kodak/kodim01.png [--threads N]
    python3 Benchmarks/pytorch_side_by_side.py --sgemm
    python3 Benchmarks/pytorch_side_by_side.py --train-step
    python3 Benchmarks/pytorch_side_by_side.py --all --codec ../shared/data/kodak/kodim01.png
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

    with torch.no_grad():
        forward = best_of(lambda: model(x), repetitions)

    def step():
        model.zero_grad()
        loss = ((model(x) - x) ** 2).mean()
        loss.backward()

    training = best_of(step, repetitions)
    return batch / forward, batch / training, torch.__version__


def caec_figures(caec, threads, repetitions):
    env = dict(os.environ)
    output = subprocess.run(
        [caec, "bench", "--only", "model", "--repetitions", str(repetitions), "--workers", str(threads)],
        check=True, capture_output=True, text=True, env=env).stdout
    forward = float(re.search(r"cae-r8 forward: ([\d.]+) images/s", output).group(1))
    training = float(re.search(r"cae-r8 forward \+ backward: ([\d.]+) images/s", output).group(1))
    return forward, training


def best_of(fn, repetitions):
    fn()
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bmshj_transforms(n, m, reparametrised=False):
    """bmshj-f-vr's analysis and synthesis transforms in PyTorch (CompressAI's FactorizedPrior shapes). With
    `reparametrised`, GDN's beta and gamma pass through abs() (+1e-6 on beta) as trained parameters need."""
    import torch
    from torch import nn

    class GDN(nn.Module):
        def __init__(self, channels, inverse=False):
            super().__init__()
            self.inverse = inverse
            self.beta = nn.Parameter(torch.ones(channels))
            self.gamma = nn.Parameter(0.1 * torch.eye(channels))

        def forward(self, x):
            c = x.shape[1]
            gamma, beta = (self.gamma.abs(), self.beta.abs() + 1e-6) if reparametrised else (self.gamma, self.beta)
            norm = nn.functional.conv2d(x * x, gamma.view(c, c, 1, 1), beta)
            return x * torch.sqrt(norm) if self.inverse else x / torch.sqrt(norm)

    def conv(cin, cout):
        return nn.Conv2d(cin, cout, 5, stride=2, padding=2)

    def deconv(cin, cout):
        return nn.ConvTranspose2d(cin, cout, 5, stride=2, padding=2, output_padding=1)

    analysis = nn.Sequential(conv(3, n), GDN(n), conv(n, n), GDN(n), conv(n, n), GDN(n), conv(n, m))
    synthesis = nn.Sequential(deconv(m, n), GDN(n, True), deconv(n, n), GDN(n, True), deconv(n, n), GDN(n, True),
                              deconv(n, 3))
    return analysis, synthesis


def torch_codec_figures(width, height, threads, repetitions, n=64, m=128):
    """Seconds of bmshj-f-vr's analysis and synthesis transforms (N=64, M=128) on one width x height image."""
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)

    analysis, synthesis = bmshj_transforms(n, m)
    x = torch.rand(1, 3, height, width)
    with torch.no_grad():
        y = torch.round(analysis(x))
        encode = best_of(lambda: torch.round(analysis(x)), repetitions)
        decode = best_of(lambda: synthesis(y), repetitions)
    return encode, decode, torch.__version__


def caec_codec_figures(caec, image, threads, repetitions):
    """Seconds of `caec encode IMAGE` and `caec decode` (default model and quality), and the image size. The
    commands use every CPU; run with --threads equal to the CPU count for a like-for-like figure."""
    import tempfile
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as folder:
        cae, png = os.path.join(folder, "a.cae"), os.path.join(folder, "b.png")
        encode = best_of(lambda: subprocess.run([caec, "encode", image, cae, "--force"], check=True, env=env,
                                                capture_output=True), repetitions)
        decode = best_of(lambda: subprocess.run([caec, "decode", cae, png, "--force"], check=True, env=env,
                                                capture_output=True), repetitions)
        info = subprocess.run([caec, "info", cae], check=True, capture_output=True, text=True).stdout
    width, height = map(int, re.search(r"size\s+(\d+)x(\d+)", info).groups())
    return encode, decode, width, height


def codec_main(args, cpu):
    caec_encode, caec_decode, width, height = caec_codec_figures(args.caec, args.codec, args.threads,
                                                                 args.repetitions)
    padded_w, padded_h = -(-width // 16) * 16, -(-height // 16) * 16
    torch_encode, torch_decode, version = torch_codec_figures(padded_w, padded_h, args.threads, args.repetitions)
    print(f"cpu: {cpu}, threads: {args.threads}, image: {args.codec} ({width}x{height}), best of {args.repetitions}")
    print(f"{'':28}{'caec (command)':>16}{'PyTorch ' + version + ' (transform)':>36}{'ratio':>8}")
    for name, ours, theirs in [("encode, s", caec_encode, torch_encode), ("decode, s", caec_decode, torch_decode)]:
        print(f"{name:28}{ours:>16.3f}{theirs:>36.3f}{theirs / ours:>8.2f}")
    print("ratio: PyTorch seconds / caec seconds (above 1: caec is faster)")


def sgemm_main(args, cpu):
    """caec's sgemm (its own core choice) against OpenBLAS forced to each core this CPU can run, and PyTorch."""
    import torch

    def caec_sgemm(core):
        env = dict(os.environ)
        env.pop("OPENBLAS_CORETYPE", None)
        if core:
            env["OPENBLAS_CORETYPE"] = core
        output = subprocess.run([args.caec, "bench", "--only", "sgemm", "--repetitions", str(args.repetitions)],
                                check=True, capture_output=True, text=True, env=env).stdout
        blas = output.splitlines()[0]
        return float(re.search(r"([\d.]+) GFLOP/s", output).group(1)), re.search(r"core (\S+)", blas).group(1), blas

    ours, chosen, blas = caec_sgemm(None)
    flags = set(re.search(r"\[(.*)\]", blas).group(1).split())
    cores = ["Sandybridge"] if "avx" in flags else []
    if {"avx2", "fma"} <= flags:
        cores += ["Haswell", "Zen"]
    if {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"} <= flags:
        cores += ["SkylakeX"] + (["Cooperlake"] if "avx512_bf16" in flags else [])
    forced = {core: caec_sgemm(core)[0] for core in cores}
    torch.set_num_threads(1)
    a = torch.rand(1024, 1024)
    seconds = best_of(lambda: torch.mm(a, a), max(args.repetitions, 5))
    pytorch = 2 * 1024 ** 3 / seconds / 1e9
    best_name, best = max(list(forced.items()) + [("PyTorch " + torch.__version__, pytorch)], key=lambda kv: kv[1])
    print(f"cpu: {cpu}; {blas}")
    print("sgemm 1024^3, one thread, GFLOP/s:")
    print(f"  caec (core {chosen}, chosen by caec): {ours:.1f}")
    for core, rate in forced.items():
        print(f"  OpenBLAS OPENBLAS_CORETYPE={core}: {rate:.1f}")
    print(f"  PyTorch {torch.__version__} (torch.mm): {pytorch:.1f}")
    print(f"caec / best ({best_name}): {ours / best:.2f}")


def torch_train_step(threads, repetitions, n=64, m=128, batch=16, crop=64, lmbda=0.0067):
    """Seconds of one training step of a FactorizedPrior twin: noisy latents, the entropy bottleneck's density
    (CompressAI's: filters (3, 3, 3, 3), init_scale 10), loss bpp + lambda * 255^2 * MSE, backward, Adam."""
    import torch
    from torch import nn
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    torch.manual_seed(0)

    class Density(nn.Module):
        def __init__(self, channels, filters=(3, 3, 3, 3), init_scale=10.0):
            super().__init__()
            widths = (1,) + filters + (1,)
            scale = init_scale ** (1 / (len(filters) + 1))
            self.matrices, self.biases, self.factors = nn.ParameterList(), nn.ParameterList(), nn.ParameterList()
            for i in range(len(filters) + 1):
                init = float(torch.log(torch.expm1(torch.tensor(1 / scale / widths[i + 1]))))
                self.matrices.append(nn.Parameter(torch.full((channels, widths[i + 1], widths[i]), init)))
                self.biases.append(nn.Parameter(torch.rand(channels, widths[i + 1], 1) - 0.5))
                if i < len(filters):
                    self.factors.append(nn.Parameter(torch.zeros(channels, widths[i + 1], 1)))

        def logits(self, x):
            for i, matrix in enumerate(self.matrices):
                x = torch.matmul(F.softplus(matrix), x) + self.biases[i]
                if i < len(self.factors):
                    x = x + torch.tanh(self.factors[i]) * torch.tanh(x)
            return x

        def forward(self, y):
            c = y.shape[1]
            values = y.transpose(0, 1).reshape(c, 1, -1)
            lower, upper = self.logits(values - 0.5), self.logits(values + 0.5)
            sign = -torch.sign(lower + upper).detach()
            likelihood = torch.abs(torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower))
            return torch.clamp(likelihood, min=1e-9)

    analysis, synthesis = bmshj_transforms(n, m, reparametrised=True)
    density = Density(m)
    parameters = list(analysis.parameters()) + list(synthesis.parameters()) + list(density.parameters())
    optimizer = torch.optim.Adam(parameters, lr=1e-4)
    x = torch.rand(batch, 3, crop, crop)

    def step():
        optimizer.zero_grad()
        y = analysis(x)
        y_noisy = y + torch.empty_like(y).uniform_(-0.5, 0.5)
        x_hat = synthesis(y_noisy)
        bpp = -torch.log2(density(y_noisy)).sum() / (batch * crop * crop)
        loss = bpp + lmbda * 255 ** 2 * F.mse_loss(x_hat, x)
        loss.backward()
        optimizer.step()

    return best_of(step, max(repetitions, 5)), sum(p.numel() for p in parameters), torch.__version__


def train_step_main(args, cpu):
    output = subprocess.run([args.caec, "bench", "profile", "--model", "bmshj-f-vr"],
                            check=True, capture_output=True, text=True).stdout
    ours = float(re.search(r"step total\s+([\d.]+) ms", output).group(1)) / 1e3
    theirs, parameters, version = torch_train_step(args.threads, args.repetitions)
    print(f"cpu: {cpu}, threads: {args.threads}; photo model training step, 16 crops of 64x64, N=64, M=128")
    print(f"{'':28}{'caec':>10}{'PyTorch ' + version + ' twin':>30}{'ratio':>8}")
    print(f"{'step, ms':28}{ours * 1e3:>10.1f}{theirs * 1e3:>30.1f}{theirs / ours:>8.2f}")
    print(f"PyTorch twin: {parameters} parameters; ratio: PyTorch seconds / caec seconds (above 1: caec is faster)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--codec", metavar="IMAGE", help="time bmshj-f-vr encode/decode of IMAGE instead")
    parser.add_argument("--sgemm", action="store_true", help="time sgemm: caec's core, forced cores, PyTorch")
    parser.add_argument("--train-step", action="store_true", help="time the photo model's training step vs a twin")
    parser.add_argument("--all", action="store_true", help="every part: sgemm, codec, cae-r8, training step")
    parser.add_argument("--caec", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "caec"))
    args = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    if args.all:
        if not args.codec:
            parser.error("--all needs --codec IMAGE")
        print(subprocess.run([args.caec, "--version"], check=True, capture_output=True, text=True).stdout.strip())
        for part in (sgemm_main, codec_main, cae_r8_main, train_step_main):
            part(args, cpu)
            print()
        return 0
    elif args.sgemm:
        return sgemm_main(args, cpu)
    elif args.train_step:
        return train_step_main(args, cpu)
    elif args.codec:
        return codec_main(args, cpu)
    return cae_r8_main(args, cpu)


def cae_r8_main(args, cpu):
    print(f"cpu: {cpu}, threads: {args.threads}, batch: {args.batch}")
    caec_forward, caec_training = caec_figures(args.caec, args.threads, args.repetitions)
    torch_forward, torch_training, version = torch_figures(args.batch, args.threads, args.repetitions)
    print(f"{'':28}{'caec':>10}{'PyTorch ' + version:>24}{'ratio':>8}")
    print(f"{'forward, images/s':28}{caec_forward:>10.0f}{torch_forward:>24.0f}{caec_forward / torch_forward:>8.2f}")
    print(f"{'forward+backward, images/s':28}{caec_training:>10.0f}{torch_training:>24.0f}"
          f"{caec_training / torch_training:>8.2f}")


if __name__ == "__main__":
    sys.exit(main())
