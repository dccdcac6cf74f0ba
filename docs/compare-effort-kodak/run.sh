#!/bin/bash
# usage: run.sh OUTCSV "efforts" images...
# One line per (image, model quality, effort): bytes, bpp, PSNR from `caec encode -v`, wall and CPU seconds.
out=$1; efforts=$2; shift 2
C=/tmp/eff/fig/caec
export CAEC_MODELS=/work/wt-quality/Models
[ -f "$out" ] || echo "image,width,height,model_quality,effort,bytes,bpp,psnr,wall_s,cpu_s" > "$out"
for img in "$@"; do
  name=$(basename "$img" .png)
  for q in 2 5 7; do
    for e in $efforts; do
      grep -q "^$name,[0-9]*,[0-9]*,$q,$e," "$out" && continue
      summary=$(nice -n 5 /usr/bin/time -o /tmp/eff/fig/time.txt -f "%e %U %S" $C encode "$img" -o /tmp/eff/fig/tmp.cae --force --model bmshj-hp-vr --model-quality $q --effort $e -v 2>&1 | grep " bytes, ")
      read wall user sys < /tmp/eff/fig/time.txt
      # "<out>: 768x512, bmshj-hp-vr quality 2, 12345 bytes, 0.251 bpp, PSNR 27.10 dB"
      size=$(echo "$summary" | sed -E 's/.*: ([0-9]+)x([0-9]+),.*/\1,\2/')
      bytes=$(echo "$summary" | sed -E 's/.* ([0-9]+) bytes.*/\1/')
      bpp=$(echo "$summary" | sed -E 's/.* ([0-9.]+) bpp.*/\1/')
      psnr=$(echo "$summary" | sed -E 's/.*PSNR ([0-9.]+) dB.*/\1/')
      cpu=$(echo "$user + $sys" | bc)
      echo "$name,$size,$q,$e,$bytes,$bpp,$psnr,$wall,$cpu" >> "$out"
    done
  done
done
