#!/bin/bash
# Rebuilds report.md from the CSV files (report_head.md and report_tail.md hold the prose).
cd "$(dirname "$0")"
{
  cat report_head.md
  echo
  echo "## Kodak: the curve (kodim01, kodim05)"
  python3 effort_curve.py results-kodak-curve.csv
  echo
  echo "## Kodak: effort 9 on every image measured (the curve's two and those of results-kodak-top.csv)"
  python3 effort_curve.py results-kodak-curve.csv results-kodak-top.csv | grep -v "^| [36] |"
  echo
  echo "## Kodak, all 24 images, effort 0 and 9 (second run, results-kodak-all.csv): bmshj-hp-vr"
  python3 effort_curve.py --model bmshj-hp-vr results-kodak-all.csv
  echo
  echo "## Kodak, 8 images, effort 0 and 9 (second run): bmshj-f-vr"
  python3 effort_curve.py --model bmshj-f-vr results-kodak-all.csv
  echo
  echo "## In points against JPEG (each image's libjpeg-turbo curve from docs/compare-kodak/results.csv, second run)"
  python3 vs_jpeg.py bmshj-hp-vr 9 results-kodak-all.csv
  python3 vs_jpeg.py bmshj-f-vr 9 results-kodak-all.csv | tail -1
  echo
  echo "## The 8 held-out photos of photos-train"
  python3 effort_curve.py results-heldout.csv
  cat report_tail.md
} > report.md
