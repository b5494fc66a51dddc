#!/bin/bash
# One seed of a recipe against stage 7's, trained side by side on this machine's two cores from a start every
# checkout has (stage 5's int8 file, commit 6e128a2, also the teacher), then both exported mirrored under stage 8's
# caps, compared on dfdc-dev's faces (sbi.compare, stage 7's recipe first) and evaluated (sbi.evaluate).
# A pair takes 1 h 45 min to 2 h (pairs 17 and 18: 80–95 min training, 24–26 min after), so it fits one session; rerun to resume (sbi.train resumes from its checkpoint).
# Needs the card's Reproduce step 1 (the pre-zoom UTK harvest and both dfdc-dev harvests) in ~/.cache/deepfake-check.
#   bash training/cpu_pair.sh SEED TAG "OPTIONS"      e.g.  bash training/cpu_pair.sh 17 vqo "--other-face-share 0.5"
# Runs: $R/run-s5file-vq-sSEED and $R/run-s5file-TAG-sSEED; files and metrics.json: $R/export-s5file-{vq,TAG}-sSEED;
# the comparison: $R/compare-s5file-TAG-sSEED.txt. An arm already exported (the reference arm of an earlier pair with
# the same seed) is not trained or exported again, so pairs of several seeds may share one reference; pairs run side
# by side take turns at the exports and evaluations (a lock in $R), which need more memory than training.
# REFERENCE=shipped trains the candidate arm alone (so two seeds can run side by side) and compares it with the shipped file
# (stage 13 since 2026-12-07: seed 62 of the face alone smoothed on real samples, with its second view only where it
# could matter; stage 12 before it, seed 32 of box consistency so): a screen judged against the reference seeds' committed
# figures (models/experiments/), for when their files are gone with an earlier machine's cache.
# SHIP=1 also makes the candidate's file to ship as the card's Reproduce step 4 does (its four caps, then sbi.second_view)
# in $R/ship-TAG-sSEED, and measures it and the run's fp32 network (for the int8 check) in the same compare (--first-view)
# and evaluate passes, so that a seed a rule ships needs no step by hand: its files are then copied into models/.
# PYTHON (default /usr/bin/python3) and SHARED_DATA (default ../shared/data beside the checkout) say where the
# interpreter and the data are (training/tests/test_cpu_pair.py runs the script with a stand-in that logs its commands).
set -euo pipefail
[ $# -eq 3 ] || { sed -n 7p "$0" >&2; exit 2; }
seed=$1 tag=$2 options=$3
cd "$(dirname "$0")"
R=$HOME/.cache/deepfake-check
SHARED=${SHARED_DATA:-$(cd ../.. && pwd)/shared/data} PYTHON=${PYTHON:-/usr/bin/python3}
UTK=$SHARED/faces-utk DFDC=$SHARED/dfdc-dev
HARVEST=$R/faces-utk-pre-zoom.jsonl
for needed in "$HARVEST" "$R/dfdc-real.jsonl" "$R/dfdc-fake.jsonl" "$UTK" "$DFDC"; do
  [ -e "$needed" ] || { echo "missing $needed: see models/MODEL_CARD.md, Reproduce, step 1" >&2; exit 1; }
done
start=$R/stage5-635bc04c.onnx
[ -f "$start" ] || git show 6e128a2:models/deepfake.onnx > "$start"
export PYTHONUNBUFFERED=1
source s5file_recipe.sh
COMMON="$(s5file_start "$start") $(s5file_recipe "$HARVEST" "$UTK" "$start" "$seed") --workers 0 --threads 1"
arms=(vq "$tag") references=()
if [ "${REFERENCE:-}" = shipped ]; then arms=("$tag") references=("$(cd .. && pwd)/models/deepfake.onnx"); fi
runs=()
exported() { [ -f "$R/export-s5file-$1-s$seed/deepfake.onnx" ]; }
for arm in "${arms[@]}"; do
  exported "$arm" && continue
  extra=""; [ "$arm" = "$tag" ] && extra=$options
  # $COMMON and $extra are meant to split into words.
  "$PYTHON" -m sbi.train $COMMON $extra --out "$R/run-s5file-$arm-s$seed" > "$R/run-s5file-$arm-s$seed.log" 2>&1 &
  runs+=($!)
done
for run in "${runs[@]}"; do wait "$run"; done  # fails here, by set -e, if either run failed
exec 9> "$R/.cpu_pair.lock"
flock 9
# A run trained with --average-from also holds its averaged network (run/averaged), exported and compared as an arm
# of its own after the live one: the same seed's data and dropout, so the pair differs by the averaging alone.
for arm in "${arms[@]}"; do
  [ -d "$R/run-s5file-$arm-s$seed/averaged" ] && arms+=("$arm-averaged")
done
caps=(--cap clean=0.05 --cap blur_sigma2=0.08 --cap low_light=0.04)
arm_files=()
for arm in "${arms[@]}"; do
  out=$R/export-s5file-$arm-s$seed
  arm_files+=("$out/deepfake.onnx")
  exported "$arm" && continue
  run=$R/run-s5file-$arm-s$seed
  [[ $arm == *-averaged ]] && run=$R/run-s5file-${arm%-averaged}-s$seed/averaged
  "$PYTHON" -m sbi.export --run "$run" --mirror --harvest "$HARVEST" --images "$UTK" --models "$out" "${caps[@]}"
done
metrics=("${arm_files[@]/%deepfake.onnx/metrics.json}") compare_options=() fp32=()
if [ "${SHIP:-}" = 1 ]; then
  run=$R/run-s5file-$tag-s$seed ship=$R/ship-$tag-s$seed
  if [ ! -f "$ship/deepfake.onnx" ]; then
    # The fp32 network this writes into the run (over the three-cap export's) is the one the shipped int8 file comes from.
    "$PYTHON" -m sbi.export --run "$run" --mirror --harvest "$HARVEST" --images "$UTK" --models "$ship/four-caps" \
      "${caps[@]}" --cap h264_crf30=0.05
    "$PYTHON" -m sbi.second_view --model "$ship/four-caps/deepfake.onnx" --harvest "$HARVEST" --images "$UTK" --models "$ship"
  fi
  # The fp32 network is evaluated only: sbi.evaluate gives its dfdc-dev figures beside the int8 file's.
  arm_files+=("$ship/deepfake.onnx") fp32=("$run/deepfake-fp32.onnx")
  metrics+=("$ship/metrics.json" "$ship/metrics-fp32.json")
  compare_options=(--first-view)
fi
"$PYTHON" -m sbi.compare --dfdc-harvest "$R" --dfdc "$DFDC" "${compare_options[@]}" "${references[@]}" "${arm_files[@]}" \
  | tee "$R/compare-s5file-$tag-s$seed.txt"
"$PYTHON" -m sbi.evaluate --model "${arm_files[@]}" "${fp32[@]}" --utk-harvest "$HARVEST" --utk "$UTK" \
  --dfdc-harvest "$R" --dfdc "$DFDC" --out "${metrics[@]}"
