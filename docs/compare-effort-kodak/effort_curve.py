#!/usr/bin/env python3
"""The effort curve from run.sh's CSV files: per effort, the BD-rate against effort 0 of the same image (bits for
the same PSNR; negative: fewer bits), the mean PSNR and size change at each model quality, and the seconds.

BD-rate here: log(bpp) as a piecewise-linear function of PSNR through each series' points (three model qualities,
too few for Bjontegaard's cubic fit), averaged over the PSNR range both series cover. Usage:
    effort_curve.py [--model ID] results.csv [more.csv ...]
Rows without a model column are bmshj-hp-vr's; --model keeps one model's rows (default bmshj-hp-vr).
"""
import csv, math, sys
from collections import defaultdict

def interpolate(points, x):
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0) if x1 > x0 else y0
    raise ValueError(x)

def bd_rate(base, test):
    """Mean of log-rate difference over the shared PSNR range, as a percentage. base, test: [(psnr, bpp)]."""
    a = sorted((p, math.log(r)) for p, r in base)
    b = sorted((p, math.log(r)) for p, r in test)
    low, high = max(a[0][0], b[0][0]), min(a[-1][0], b[-1][0])
    if high <= low:
        return None
    n = 200
    xs = [low + (high - low) * i / n for i in range(n + 1)]
    diff = sum(interpolate(b, x) - interpolate(a, x) for x in xs) / len(xs)
    return (math.exp(diff) - 1) * 100

def main():
    args = sys.argv[1:]
    model = "bmshj-hp-vr"
    if args[:1] == ["--model"]:
        model, args = args[1], args[2:]
    rows = [r for path in args for r in csv.DictReader(open(path)) if r.get("model", "bmshj-hp-vr") == model]
    series = defaultdict(dict)  # (image, effort) -> quality -> row
    for r in rows:
        series[(r["image"], int(r["effort"]))][int(r["model_quality"])] = r
    images = sorted({i for i, _ in series})
    efforts = sorted({e for _, e in series})
    print("| effort | images | BD-rate vs effort 0 | mean dPSNR (q2/q5/q7) | mean dbytes (q2/q5/q7) | wall s (mean) | CPU s (mean) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for e in efforts:
        bds, dpsnr, dbytes, wall, cpu, used = [], defaultdict(list), defaultdict(list), [], [], []
        for image in images:
            test, base = series.get((image, e)), series.get((image, 0))
            if not test or not base or set(test) != set(base) or len(test) < 3:
                continue
            used.append(image)
            for q in test:
                dpsnr[q].append(float(test[q]["psnr"]) - float(base[q]["psnr"]))
                dbytes[q].append(100 * (int(test[q]["bytes"]) / int(base[q]["bytes"]) - 1))
                wall.append(float(test[q]["wall_s"]))
                cpu.append(float(test[q]["cpu_s"]))
            if e > 0:
                bds.append(bd_rate([(float(base[q]["psnr"]), float(base[q]["bpp"])) for q in base],
                                   [(float(test[q]["psnr"]), float(test[q]["bpp"])) for q in test]))
        if not used:
            continue
        qs = sorted(dpsnr)
        bd = "-" if e == 0 else "%+.1f%% (%s)" % (sum(bds) / len(bds), ", ".join("%+.1f" % b for b in bds))
        print("| %d | %d | %s | %s dB | %s%% | %.1f | %.1f |" % (
            e, len(used), bd, " / ".join("%+.2f" % (sum(dpsnr[q]) / len(dpsnr[q])) for q in qs),
            " / ".join("%+.1f" % (sum(dbytes[q]) / len(dbytes[q])) for q in qs),
            sum(wall) / len(wall), sum(cpu) / len(cpu)))


if __name__ == "__main__":
    main()
