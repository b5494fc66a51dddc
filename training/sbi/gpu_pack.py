"""Packs what a lent GPU (the `device` tool) needs to train into two gzip tars, one for each of two calls.

  cd training && /usr/bin/python3 -m sbi.gpu_pack --harvest $R/faces-utk.jsonl --images ../../shared/data/faces-utk \\
      --extra $R/run-stage4/model.pt --extra $R/stage4-786f7857.onnx --extra $R/stage5-635bc04c.onnx --out ../.gpu

A call carries at most 64 MiB with the working tree, and the training and validation photos with a run's start
and teacher come to about twice that, so they travel in two calls to one warm machine: the first carries
.gpu/a.tgz, the second .gpu/b.tgz, each unpacked into one folder there (training/gpu_train.sh says how). An
--extra lands there as $(basename of its folder)/$(its name) when it is called model.pt, else as its name.
The photos travel re-coded by `jpegtran -optimize`: new Huffman tables alone, 7% smaller, the same pixels
(checked here for every file). Test photos stay behind.
"""
from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import cv2
import numpy as np

from .data import load_harvest, training_faces


def split_point(sizes: list[int], ahead: int) -> int:
    """How many of the files (in order, `sizes` bytes each) go into the first part, which already holds
    `ahead` bytes, so that the two parts come closest to equal."""
    total, size = ahead + sum(sizes), ahead
    for index, file_size in enumerate(sizes):
        if 2 * (size + file_size) - total > total - 2 * size:
            return index
        size += file_size
    return len(sizes)


def recoded(photo: Path, folder: Path) -> Path:
    out = folder / photo.name
    if not out.exists():
        out.write_bytes(subprocess.run(["jpegtran", "-optimize", "-copy", "none", str(photo)], check=True, capture_output=True).stdout)
    if not np.array_equal(cv2.imread(str(photo)), cv2.imread(str(out))):
        raise SystemExit(f"{out} decodes to other pixels than {photo}")
    return out


def name_of(extra: Path) -> str:
    return f"{extra.parent.name}/{extra.name}" if extra.name == "model.pt" else extra.name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--harvest", type=Path, required=True, help="the harvest JSONL training reads (it travels too)")
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--extra", type=Path, action="append", default=[], help="a run's model.pt, a teacher's ONNX file")
    parser.add_argument("--val-limit", type=int, default=300, help="validation faces the runs check (sbi.train's --val-limit)")
    parser.add_argument("--out", type=Path, required=True, help="an ignored folder in the repository, for the device tool's carry")
    args = parser.parse_args(argv)
    if shutil.which("jpegtran") is None:
        raise SystemExit("jpegtran not found: it comes with Debian's libjpeg-turbo-progs")

    records, _ = load_harvest(args.harvest, args.images)
    # Validation first, then training in harvest order: the first part alone holds a short run's --limit faces.
    train, val = training_faces(records, args.val_limit)
    chosen = val + train
    staging = args.out / "photos"
    staging.mkdir(parents=True, exist_ok=True)
    photos = [recoded(record.file, staging) for record in chosen]
    extras = [(args.harvest, args.harvest.name)] + [(extra, name_of(extra)) for extra in args.extra]
    # The photos do not shrink under gzip; the extras (weights above all) do, so they count at their gzipped size.
    ahead = sum(len(gzip.compress(path.read_bytes(), 1)) for path, _ in extras)
    first = split_point([photo.stat().st_size for photo in photos], ahead)
    for part, members in (("a", [*extras, *((p, f"utk/{p.name}") for p in photos[:first])]), ("b", [(p, f"utk/{p.name}") for p in photos[first:]])):
        with tarfile.open(args.out / f"{part}.tgz", "w:gz", compresslevel=1) as tar:
            for path, name in members:
                tar.add(path, name)
        print(f"{args.out / f'{part}.tgz'}: {len(members)} files, {(args.out / f'{part}.tgz').stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
