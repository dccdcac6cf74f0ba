#!/bin/bash
# usage: CAEC=path/to/caec [THREADS=n] run.sh OUTCSV "efforts" MODEL images...
# One line per (image, model quality, effort): bytes, bpp, PSNR from `caec encode -v`, wall and CPU seconds.
# Several instances may run at once (one per image, say) if each writes its own OUTCSV.
set -u
out=$1; efforts=$2; model=$3; shift 3
C=${CAEC:-caec}
threads=${THREADS:+--threads $THREADS}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f "$out" ] || echo "image,width,height,model,model_quality,effort,bytes,bpp,psnr,wall_s,cpu_s" > "$out"
for img in "$@"; do
  name=$(basename "$img" .png)
  for q in 2 5 7; do
    for e in $efforts; do
      grep -q "^$name,[0-9]*,[0-9]*,$model,$q,$e," "$out" && continue
      summary=$(nice -n 5 /usr/bin/time -o "$tmp/time.txt" -f "%e %U %S" "$C" encode "$img" -o "$tmp/out.cae" --force \
        --model "$model" --model-quality $q --effort $e $threads -v 2>&1 | grep " bytes, ")
      read wall user sys < "$tmp/time.txt"
      # "<out>: 768x512, bmshj-hp-vr quality 2, 12345 bytes, 0.251 bpp, PSNR 27.10 dB"
      size=$(echo "$summary" | sed -E 's/.*: ([0-9]+)x([0-9]+),.*/\1,\2/')
      bytes=$(echo "$summary" | sed -E 's/.* ([0-9]+) bytes.*/\1/')
      bpp=$(echo "$summary" | sed -E 's/.* ([0-9.]+) bpp.*/\1/')
      psnr=$(echo "$summary" | sed -E 's/.*PSNR ([0-9.]+) dB.*/\1/')
      cpu=$(echo "$user + $sys" | bc)
      echo "$name,$size,$model,$q,$e,$bytes,$bpp,$psnr,$wall,$cpu" >> "$out"
    done
  done
done
