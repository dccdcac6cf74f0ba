#!/usr/bin/env python3
"""Effort's gain in BD-rate points against JPEG: for each image, the BD-rate of effort 0 and of effort E against
that image's JPEG curve (docs/compare-kodak/results.csv, libjpeg-turbo qualities 5-95, whole files), then the mean
over images and the difference (points). Same piecewise-linear BD-rate as effort_curve.py, over the PSNR range that
the caec series (model qualities 2, 5, 7) and JPEG share. Usage:
    vs_jpeg.py MODEL EFFORT results.csv [more.csv ...]
"""
import csv, sys
from collections import defaultdict
from effort_curve import bd_rate

model, effort, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
jpeg = defaultdict(list)
for r in csv.DictReader(open("../compare-kodak/results.csv")):
    if r["method"] == "jpeg":
        name = r["image"].rsplit("/", 1)[-1].removesuffix(".png")
        jpeg[name].append((float(r["psnr"]), float(r["bpp"])))
caec = defaultdict(lambda: defaultdict(list))
for path in paths:
    for r in csv.DictReader(open(path)):
        if r.get("model", "bmshj-hp-vr") == model:
            caec[r["image"]][int(r["effort"])].append((float(r["psnr"]), float(r["bpp"])))
rows = []
for image in sorted(caec):
    base, test = caec[image].get(0), caec[image].get(effort)
    if not base or not test or len(base) < 3 or len(test) < 3 or image not in jpeg:
        continue
    rows.append((image, bd_rate(jpeg[image], base), bd_rate(jpeg[image], test)))
if rows:
    e0 = sum(r[1] for r in rows) / len(rows)
    e9 = sum(r[2] for r in rows) / len(rows)
    print("| model | images | BD-rate vs JPEG, effort 0 | effort %d | points |" % effort)
    print("| --- | --- | --- | --- | --- |")
    print("| `%s` | %d | %+.1f%% | %+.1f%% | %+.1f |" % (model, len(rows), e0, e9, e9 - e0))
