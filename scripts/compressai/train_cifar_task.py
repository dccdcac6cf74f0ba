#!/usr/bin/env python3
"""Trains caec's task-aware CIFAR-10 codec (`cifar-task-vr8`, or `cifar-task-vr`) in PyTorch, on a GPU when there
is one, with the objective, data split and schedule of `caec train cifar --model cifar-task-vr8` (Spec/models.md),
so that GPU time becomes weights caec ships:

    caec export cifar-task-vr8 --out init.safetensors            # the weights to start from (any file of the arch)
    caec export resnet9-cifar-task --out classifier.safetensors  # the training classifier (never a judge)
    python3 scripts/compressai/train_cifar_task.py --init init.safetensors --classifier classifier.safetensors \\
        --data ../shared/data/cifar-10-batches-bin --minutes 10 --out runs/torch-vr8
    caec import safetensors runs/torch-vr8/cifar-task-vr8.safetensors --out runs/torch-vr8   # codec tables, .caew

Per image i, drawn with quality q_i uniformly and mirrored with probability 1/2 (whole 32x32 training images, all
but the last 500 of those loaded, which are held out for the curves; never the test set):

    loss_i = bits_i / (32 * 32) + lambda_(q_i) 255^2 (MSE_i + beta KL(softmax(f(x_i)) || softmax(f(x^_i))))

with additive U(-1/2, 1/2) noise on the gained latent instead of rounding, f the frozen classifier (batch
normalisation in inference mode), Adam (lr 1e-3, a tenth for the last 20% of the budget), gradient-norm clip 1, the
lambdas from the file's `caew.lambdas`. Writes in --out: loss.csv (every 100 steps), heldout.csv (bpp from the
prior, PSNR of the clamped reconstruction and the classifier's agreement per quality, rounded latents, at every
checkpoint), checkpoint.pt (every --checkpoint-minutes; --resume continues from it) and <arch>.safetensors (final
weights; their `caew.*` metadata is the init file's, with `trained_by`, `steps`, `train_seconds`, `device` and
`init_from` replaced). The numbers of a step are PyTorch's, not caec's: the same settings give weights of the same
quality, not the same bits. Needs torch, numpy, safetensors.
"""
import argparse
import csv
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import caec_models  # noqa: E402

HELD_OUT = 500
SIDE = 32


def load_cifar_training(folder, limit=None):
    """The training images as uint8 (N, 3, 32, 32), in file order: data_batch_1 ... 5, those present (a machine
    that cannot hold all five, such as a lent GPU with a 64 MiB upload, trains on fewer), then the first `limit`."""
    images = []
    for k in range(1, 6):
        path = os.path.join(folder, f"data_batch_{k}.bin")
        if not os.path.exists(path):
            continue
        raw = np.fromfile(path, dtype=np.uint8)
        if raw.size % 3073 != 0:
            sys.exit(f"train_cifar_task: {path}: {raw.size} bytes is not a whole number of 3,073-byte records")
        images.append(raw.reshape(-1, 3073)[:, 1:].reshape(-1, 3, SIDE, SIDE))
    if not images:
        sys.exit(f"train_cifar_task: {folder}: no data_batch_1.bin ... data_batch_5.bin")
    images = np.concatenate(images)[:limit]
    if images.shape[0] <= 2 * HELD_OUT:
        sys.exit(f"train_cifar_task: {folder}: {images.shape[0]} images; more than {2 * HELD_OUT} are needed")
    return images


def mixed_quality_forward(model, x, qualities, training):
    """x^ and bits per image for images of different qualities (caec's trainer draws one per image)."""
    y = model.g_a(x)
    y = y * model.gain.analysis[qualities][:, :, None, None]
    y_hat = y + torch.empty_like(y).uniform_(-0.5, 0.5) if training else torch.round(y)
    bits = torch.zeros(x.shape[0], device=x.device)
    for q in qualities.unique().tolist():
        index = (qualities == q).nonzero().squeeze(1)
        likelihoods = model.entropy_bottleneck.likelihood(y_hat[index], q)
        bits = bits.index_add(0, index, -torch.log2(likelihoods).sum(dim=(1, 2, 3)))
    x_hat = model.g_s(y_hat * model.gain.synthesis[qualities][:, :, None, None])
    return x_hat, bits


def task_divergence(classifier, x, x_hat):
    """KL(softmax(f(x)) || softmax(f(x^))) per image, nats; the gradient flows through f into x^ only."""
    with torch.no_grad():
        p_log = F.log_softmax(classifier(x), dim=1)
    return (p_log.exp() * (p_log - F.log_softmax(classifier(x_hat), dim=1))).sum(dim=1)


def evaluate(model, classifier, held_out, qualities):
    """(bpp, PSNR, agreement) per quality on the held-out images, rounded latents."""
    model.eval()
    rows = []
    with torch.no_grad():
        for q in range(qualities):
            bits, squares, agree = 0.0, 0.0, 0
            for start in range(0, held_out.shape[0], 100):
                x = held_out[start:start + 100]
                x_hat, b = mixed_quality_forward(model, x, torch.full((x.shape[0],), q, device=x.device), False)
                x_hat = x_hat.clamp(0, 1)
                bits += b.sum().item()
                squares += ((x_hat - x) ** 2).mean(dim=(1, 2, 3)).sum().item()
                agree += (classifier(x_hat).argmax(1) == classifier(x).argmax(1)).sum().item()
            n = held_out.shape[0]
            rows.append((bits / n / SIDE**2, 10 * math.log10(1 / max(squares / n, 1e-12)), agree / n))
    model.train()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--init", required=True, help="safetensors of a cifar-task-vr8 or cifar-task-vr (caec export)")
    parser.add_argument("--classifier", required=True, help="safetensors of resnet9-cifar-task (caec export)")
    parser.add_argument("--data", required=True, help="CIFAR-10 binary folder (data_batch_1.bin ... 5)")
    parser.add_argument("--out", required=True, help="run folder")
    parser.add_argument("--images", type=int, help="train on the first N images of the batch files (default: all)")
    budget = parser.add_mutually_exclusive_group(required=True)
    budget.add_argument("--minutes", type=float, help="training time (lr / 10 for the last 20%%)")
    budget.add_argument("--steps", type=int, help="training steps (instead of --minutes)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--beta", type=float, default=0.01, help="weight of the task term beside the MSE")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkpoint-minutes", type=float, default=5)
    parser.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    model = caec_models.from_safetensors(args.init)
    if model.ARCH not in ("cifar-task-vr8", "cifar-task-vr"):
        sys.exit(f"train_cifar_task: {args.init}: arch {model.ARCH!r}, not cifar-task-vr8 or cifar-task-vr")
    lambdas = [float(v) for v in model.metadata.get("caew.lambdas", "").split()]
    if len(lambdas) != model.qualities:
        sys.exit(f"train_cifar_task: {args.init}: caew.lambdas has {len(lambdas)} values for {model.qualities} qualities")
    classifier = caec_models.from_safetensors(args.classifier)
    if classifier.ARCH != "resnet9-cifar-task":
        sys.exit(f"train_cifar_task: {args.classifier}: arch {classifier.ARCH!r}, not resnet9-cifar-task")
    model.to(device).train()
    classifier.to(device).eval()
    for p in classifier.parameters():
        p.requires_grad_(False)

    images = torch.from_numpy(load_cifar_training(args.data, args.images)).to(device)
    print(f"{images.shape[0] - HELD_OUT} training images, {HELD_OUT} held out, on {device}", flush=True)
    training, held_out = images[:-HELD_OUT], images[-HELD_OUT:].float() / 255
    lambda_table = torch.tensor(lambdas, device=device) * 255**2
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    os.makedirs(args.out, exist_ok=True)
    checkpoint_path = os.path.join(args.out, "checkpoint.pt")
    step, seconds = 0, 0.0
    if args.resume:
        state = torch.load(checkpoint_path, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, seconds = state["step"], state["seconds"]
    elif os.path.exists(checkpoint_path):
        sys.exit(f"train_cifar_task: {checkpoint_path} exists: pass --resume, or another --out")

    def done():
        return step >= args.steps if args.steps else seconds >= args.minutes * 60

    def fraction():
        return step / args.steps if args.steps else seconds / (args.minutes * 60)

    loss_log = open(os.path.join(args.out, "loss.csv"), "a", newline="")
    held_log = open(os.path.join(args.out, "heldout.csv"), "a", newline="")
    loss_writer, held_writer = csv.writer(loss_log), csv.writer(held_log)
    if step == 0:
        loss_writer.writerow(["step", "seconds", "loss", "bpp", "mse", "task", "lr"])
        held_writer.writerow(["step", "seconds"] + [f"{k}_q{q + 1}" for q in range(model.qualities)
                                                    for k in ("bpp", "psnr", "agreement")])
    sums = np.zeros(4)
    last_checkpoint = seconds
    while not done():
        started = time.monotonic()
        lr = args.lr if fraction() < 0.8 else args.lr / 10
        for group in optimizer.param_groups:
            group["lr"] = lr
        index = torch.randint(0, training.shape[0], (args.batch,), device=device)
        x = training[index].float() / 255
        flip = torch.rand(args.batch, device=device) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(3), x)
        qualities = torch.randint(0, model.qualities, (args.batch,), device=device)
        x_hat, bits = mixed_quality_forward(model, x, qualities, True)
        mse = ((x_hat - x) ** 2).mean(dim=(1, 2, 3))
        task = task_divergence(classifier, x, x_hat) if args.beta > 0 else torch.zeros_like(mse)
        loss = (bits / SIDE**2 + lambda_table[qualities] * (mse + args.beta * task)).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        step += 1
        seconds += time.monotonic() - started
        sums += [loss.item(), (bits / SIDE**2).mean().item(), mse.mean().item(), task.mean().item()]
        if step % 100 == 0:
            mean = sums / 100
            loss_writer.writerow([step, f"{seconds:.1f}"] + [f"{v:.6g}" for v in mean] + [lr])
            loss_log.flush()
            print(f"step {step} {seconds:.0f}s loss {mean[0]:.4f} bpp {mean[1]:.3f} "
                  f"PSNR {10 * math.log10(1 / max(mean[2], 1e-12)):.2f} task {mean[3]:.4f}", flush=True)
            sums[:] = 0
        if seconds - last_checkpoint >= args.checkpoint_minutes * 60 or done():
            last_checkpoint = seconds
            rows = evaluate(model, classifier, held_out, model.qualities)
            held_writer.writerow([step, f"{seconds:.1f}"] + [f"{v:.5g}" for row in rows for v in row])
            held_log.flush()
            print("held-out: " + " | ".join(f"{b:.2f} bpp {p:.1f} dB {a:.1%}" for b, p, a in rows), flush=True)
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                        "seconds": seconds}, checkpoint_path + ".tmp")
            os.replace(checkpoint_path + ".tmp", checkpoint_path)

    model.cpu()
    out = os.path.join(args.out, f"{model.ARCH}.safetensors")
    model.save_safetensors(out, metadata={
        "caew.trained_by": "scripts/compressai/train_cifar_task.py " + " ".join(sys.argv[1:]),
        "caew.steps": str(step), "caew.train_seconds": f"{seconds:.0f}", "caew.device": str(device),
        "caew.init_from": os.path.basename(args.init), "caew.task_beta": str(args.beta),
        "caew.batch": str(args.batch), "caew.lr": str(args.lr),
    })
    print(f"wrote {out} after {step} steps ({seconds:.0f} s on {device})")


if __name__ == "__main__":
    main()
