#!/usr/bin/env python3
"""The training curve of bmshj-f-vr and bmshj-hp-vr from the held-out logs in Models/logs (docs/training-hp-vr.md).

Reads Models/logs/<model>.<leg>.heldout.csv (written by `caec train photos`: step, seconds, then bpp_qK, psnr_qK per
quality on the centre crops of the eight photos training holds out) and prints, per checkpoint, the cumulative
training time and steps and the held-out BD-rate against the final bmshj-f-vr checkpoint (PSNR, PCHIP on ln bpp, as
caec's BDRate.swift). Writes docs/training-hp-vr.svg: held-out BD-rate against cumulative hours, log2 time axis.
Python 3 standard library only. Run from the repository root: python3 scripts/training_curve.py
"""

import csv
import math
import sys

# (model, leg, minutes of that leg, what it was). Seconds in a leg's CSV restart at 0 (each leg is a fresh
# `caec train ... --init-from` run), and so do steps.
LEGS = [
    ("bmshj-f-vr", 1, "76 min, six qualities, from scratch"),
    ("bmshj-f-vr", 2, "60 min, ladder widened to eight qualities"),
    ("bmshj-hp-vr", 1, "pilot: 50 min, transforms frozen, hyperprior only"),
    ("bmshj-hp-vr", 2, "15 min, everything, lr 1e-4 then 1e-5"),
    ("bmshj-hp-vr", 3, "100 min, everything, lr 1e-4 then 1e-5 (shipped)"),
    ("bmshj-hp-vr", 4, "40 min from the shipped weights, lr 1e-4, stopped: flat (not shipped)"),
]


def pchip_slopes(x, y):
    """Fritsch-Carlson slopes, as SciPy's PchipInterpolator (and caec's BDRate.Curve)."""
    n = len(x)
    h = [x[i + 1] - x[i] for i in range(n - 1)]
    d = [(y[i + 1] - y[i]) / h[i] for i in range(n - 1)]
    if n == 2:
        return [d[0], d[0]]
    m = [0.0] * n
    for k in range(1, n - 1):
        if d[k - 1] * d[k] <= 0:
            m[k] = 0.0
        else:
            w1, w2 = 2 * h[k] + h[k - 1], h[k] + 2 * h[k - 1]
            m[k] = (w1 + w2) / (w1 / d[k - 1] + w2 / d[k])

    def edge(h0, h1, d0, d1):
        s = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1)
        if math.copysign(1, s) != math.copysign(1, d0):
            return 0.0
        if math.copysign(1, d0) != math.copysign(1, d1) and abs(s) > abs(3 * d0):
            return 3 * d0
        return s

    m[0] = edge(h[0], h[1], d[0], d[1])
    m[-1] = edge(h[-1], h[-2], d[-1], d[-2])
    return m


def integral(x, y, m, low, high, steps=4000):
    """The integral of the Hermite interpolant over [low, high] (Simpson's rule; cubic pieces, so near exact)."""

    def value(t):
        i = max(0, min(len(x) - 2, next((k for k in range(len(x) - 1) if t <= x[k + 1]), len(x) - 2)))
        hh = x[i + 1] - x[i]
        s = (t - x[i]) / hh
        h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
        h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
        return h00 * y[i] + h10 * hh * m[i] + h01 * y[i + 1] + h11 * hh * m[i + 1]

    step = (high - low) / steps
    total = value(low) + value(high)
    for k in range(1, steps):
        total += (4 if k % 2 else 2) * value(low + k * step)
    return total * step / 3


def curve(points):
    pts = sorted((p for p in points if p[0] > 0), key=lambda p: (p[1], p[0]))
    x, y = [], []
    for rate, psnr in pts:
        if x and psnr == x[-1]:
            continue
        x.append(psnr)
        y.append(math.log(rate))
    return (x, y, pchip_slopes(x, y)) if len(x) >= 2 else None


def bd_rate(anchor, test):
    """BD-rate of test against anchor in percent (lists of (bpp, psnr)); None without overlap."""
    a, t = curve(anchor), curve(test)
    if a is None or t is None:
        return None
    low, high = max(a[0][0], t[0][0]), min(a[0][-1], t[0][-1])
    if high <= low:
        return None
    diff = (integral(*t, low, high) - integral(*a, low, high)) / (high - low)
    return (math.exp(diff) - 1) * 100


def read_heldout(path):
    rows = []
    with open(path) as f:
        for row in csv.DictReader(f):
            qualities = sorted(int(k[len("bpp_q"):]) for k in row if k.startswith("bpp_q"))
            points = [(float(row[f"bpp_q{q}"]), float(row[f"psnr_q{q}"])) for q in qualities]
            rows.append((int(row["step"]), float(row["seconds"]), points))
    return rows


def svg(series, path):
    """Held-out BD-rate (%) against cumulative hours, log2 x axis; series: [(name, [(hours, bd)])]."""
    width, height, left, right, top, bottom = 760, 460, 70, 20, 40, 55
    xs = [math.log2(h) for _, pts in series for h, _ in pts]
    ys = [b for _, pts in series for _, b in pts]
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    y0, y1 = 10 * math.floor(min(ys) / 10), 10 * math.ceil(max(ys) / 10)
    pw, ph = width - left - right, height - top - bottom

    def px(h):
        return left + (math.log2(h) - x0) / (x1 - x0) * pw

    def py(b):
        return top + (1 - (b - y0) / (y1 - y0)) * ph

    colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left + pw / 2:.2f}" y="22" text-anchor="middle" font-size="15">Held-out BD-rate against the '
        "final bmshj-f-vr checkpoint, by cumulative training time</text>",
    ]
    for e in range(x0, x1 + 1):
        p = left + (e - x0) / (x1 - x0) * pw
        label = f"{2.0**e:g}"
        out.append(f'<line x1="{p:.2f}" y1="{top}" x2="{p:.2f}" y2="{top + ph}" stroke="#e4e4e4"/>')
        out.append(f'<text x="{p:.2f}" y="{top + ph + 16}" text-anchor="middle">{label}</text>')
    for b in range(int(y0), int(y1) + 1, 10):
        p = py(b)
        out.append(f'<line x1="{left}" y1="{p:.2f}" x2="{left + pw}" y2="{p:.2f}" stroke="#e4e4e4"/>')
        out.append(f'<text x="{left - 6}" y="{p + 4:.2f}" text-anchor="end">{b}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
    out.append(
        f'<text x="{left + pw / 2:.2f}" y="{height - 12}" text-anchor="middle">'
        "cumulative training hours on the 2-vCPU machine (log2 scale)</text>"
    )
    out.append(
        f'<text x="16" y="{top + ph / 2:.2f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + ph / 2:.2f})">held-out BD-rate (%)</text>'
    )
    for i, (name, pts) in enumerate(series):
        c = colours[i % len(colours)]
        line = " ".join(f"{px(h):.2f},{py(b):.2f}" for h, b in pts)
        out.append(f'<polyline points="{line}" fill="none" stroke="{c}" stroke-width="1.8"/>')
        for h, b in pts:
            out.append(f'<circle cx="{px(h):.2f}" cy="{py(b):.2f}" r="2.5" fill="{c}"/>')
        ly = top + 14 + i * 16
        out.append(f'<line x1="{left + pw - 300}" y1="{ly - 4}" x2="{left + pw - 276}" y2="{ly - 4}" stroke="{c}" '
                   'stroke-width="2"/>')
        out.append(f'<text x="{left + pw - 270}" y="{ly}">{name}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    legs = [(m, leg, what, read_heldout(f"Models/logs/{m}.{leg}.heldout.csv")) for m, leg, what in LEGS]
    anchor = [rows for m, leg, _, rows in legs if (m, leg) == ("bmshj-f-vr", 2)][0][-1][2]
    minutes, steps = 0.0, 0
    series = {}
    print("| model | leg | checkpoint step | leg minutes | cumulative hours | cumulative steps | "
          "held-out q1 bpp / dB | q4 | q8 | BD-rate vs final bmshj-f-vr |")
    print("|---|---|---:|---:|---:|---:|---|---|---|---:|")
    for model, leg, what, rows in legs:
        for step, seconds, points in rows:
            hours = (minutes * 60 + seconds) / 3600
            bd = bd_rate(anchor, points)
            if bd is not None:
                series.setdefault(model, []).append((hours, bd))
            q = {i + 1: p for i, p in enumerate(points)}
            cell = lambda k: f"{q[k][0]:.3f} / {q[k][1]:.2f}" if k in q else "-"
            print(f"| {model} | {leg} | {step} | {seconds / 60:.1f} | {hours:.2f} | {steps + step} | {cell(1)} | "
                  f"{cell(4)} | {cell(len(points))} | {'n/a' if bd is None else f'{bd:+.1f}%'} |")
        minutes += rows[-1][1] / 60
        steps += rows[-1][0]
        print(f"<!-- end of {model} leg {leg} ({what}): {minutes:.0f} min, {steps} steps -->", file=sys.stderr)
    svg(list(series.items()), "docs/training-hp-vr.svg")


if __name__ == "__main__":
    main()
