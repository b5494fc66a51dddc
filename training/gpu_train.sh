#!/bin/bash
# Trains a recipe against stage 6's on a lent GPU (the `device` tool), all runs at once on its 16 cores.
# Run there from the repository root, after sbi.gpu_pack's two parts were unpacked into /root/gpu:
#   first call  (carry .gpu/a.tgz):  mkdir -p /root/gpu && tar xzf .gpu/a.tgz -C /root/gpu
#   second call (carry .gpu/b.tgz):  tar xzf .gpu/b.tgz -C /root/gpu && bash training/gpu_train.sh [--start] "OPTIONS" SEED...
# --start first retrains stage 5's run (the card's command, from run-stage4/model.pt) as the common start; without
# it, the start of an earlier call on the same machine is used. Then, for each SEED, stage 6's command (ref-sSEED)
# and the same with OPTIONS added (cand-sSEED). Each run's model.pt, run.json and metrics.jsonl come back as
# $OUT/NAME.tar (the tool brings back eight files at most: four seeds a call); export them here with sbi.export.
set -u
cd "$(dirname "$0")"
source gpu_runs.sh
export NVIDIA_TF32_OVERRIDE=0 PYTHONUNBUFFERED=1
D=/root/gpu
COMMON="--harvest $D/faces-utk.jsonl --images $D/utk --lr 1e-3 --backbone-lr 0.25 --batch 32 --steps 1400 --val-limit 300
  --checkpoint-every 200 --target-share 0.5 --min-resize 0.3 --device cuda"
mkdir -p $D/runs
if [ "$1" = --start ]; then
  shift
  python3 -m sbi.train $COMMON --out $D/runs/run-narrow --arch faceres-bn-narrow --init $D/run-stage4/model.pt \
    --distill $D/stage4-786f7857.onnx --workers 14 --threads 2 --seed 7 > $D/runs/run-narrow.log 2>&1 \
    || { tail -c 2000 $D/runs/run-narrow.log; exit 1; }
  grep '"step": 1400' $D/runs/run-narrow/metrics.jsonl
fi
options=$1
shift
names=()
for seed in "$@"; do
  for arm in ref cand; do
    extra=""; [ $arm = cand ] && extra=$options
    # $COMMON and $extra are meant to split into words.
    python3 -m sbi.train $COMMON --out $D/runs/$arm-s$seed --arch faceres-bn-narrow-128 --init $D/runs/run-narrow/model.pt \
      --distill $D/stage5-635bc04c.onnx --workers 2 --threads 1 --seed $seed $extra > $D/runs/$arm-s$seed.log 2>&1 &
    names+=("$arm-s$seed")
  done
done
wait
send_back_runs $D/runs "${names[@]}"
