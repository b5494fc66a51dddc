#!/bin/bash
# Trains cpu_pair.sh's recipe (s5file_recipe.sh) on a lent GPU (the `device` tool), its runs side by side on the 16 cores.
# Run there from the repository root, after sbi.gpu_pack's two parts (packed from the pre-zoom harvest, with
# --extra $R/stage5-635bc04c.onnx) were unpacked into /root/gpu as gpu_train.sh says. The recipe's video coding needs an
# ffmpeg with libx264; where that machine has none, put the static build of the npm package @ffmpeg-installer/linux-x64
# 4.1.0 in /root/gpu/bin: it codes frames as Debian 12's ffmpeg 5.1 does, byte for byte (here, with that build's folder:
#   OTHER_FFMPEG=FOLDER /usr/bin/python3 -m pytest training/tests/test_video.py).
#   bash training/gpu_recipe.sh NAME:SEED:WORKERS:"OPTIONS" ...
#   e.g. GPU_TRAIN_SECONDS=480 bash training/gpu_recipe.sh long-s36:36:13:"--box-consistency 1 --steps 4200"
#        bash training/gpu_recipe.sh mfn-s36:36:5:"--arch mobilefacenet-bn-112 --pretrained /root/gpu/mobilefacenet.json"
# Training stops after GPU_TRAIN_SECONDS (default 480) so that what is done comes back; a run stopped so keeps its
# last checkpoint on the machine, and the same command resumes it while the machine is warm. Each finished run's
# model.pt, run.json and metrics.jsonl come back as $OUT/NAME.tar (eight files at most); export them here as
# cpu_pair.sh does.
set -u
cd "$(dirname "$0")"
export NVIDIA_TF32_OVERRIDE=0 PYTHONUNBUFFERED=1 PATH=/root/gpu/bin:$PATH
D=/root/gpu
source s5file_recipe.sh
source gpu_runs.sh
mkdir -p $D/runs
names=()
for spec in "$@"; do
  IFS=: read -r name seed workers options <<< "$spec"
  # A run with an --arch of its own starts where its options say (e.g. --pretrained), not from stage 5's file.
  start=$(s5file_start $D/stage5-635bc04c.onnx)
  case " $options " in *" --arch "*) start="";; esac
  # The recipe's options and the run's own are meant to split into words.
  timeout "${GPU_TRAIN_SECONDS:-480}" python3 -m sbi.train $start $(s5file_recipe $D/faces-utk-pre-zoom.jsonl $D/utk $D/stage5-635bc04c.onnx "$seed") \
    --device cuda --workers "$workers" --threads 1 $options --out $D/runs/$name > $D/runs/$name.log 2>&1 &
  names+=("$name")
done
wait
send_back_runs $D/runs "${names[@]}"
