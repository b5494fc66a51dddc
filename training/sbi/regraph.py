"""Writes a shipped classifier anew in the graph sbi.export writes today, keeping its int8 weights, its calibration
and its second view's cut.

  cd training && /usr/bin/python3 -m sbi.regraph --model ../models/deepfake.onnx --models OUT

For changes to the exported graph that change no weight and no score. The one it was written for (2026-12-06):
FaceRes' input turns RGB into BGR with a Gather (sbi/faceres.py, BGR_FROM_RGB), where every file before reversed
the channels with `flip`'s Slice of step -1, which onnxruntime-web's WebGPU backend cut one channel short; the
first run failed, and every page with a GPU fell back to WASM after loading the WebGPU build for nothing.

The rewritten file's int8 weights are checked to be the input's (second_view.rewritten). Its manifest keeps every
field of the input's but the file's identity (version, SHA-256, size), and names the file it was rewritten from
(`graph_from`), so the card's figures stay the input's.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import onnx
import torch

from .export import write_shipped
from .onnx_scores import second_view_from
from .second_view import rewritten


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="a file as sbi.second_view writes it, its deepfake.json beside it")
    parser.add_argument("--models", type=Path, required=True, help="where deepfake.onnx and deepfake.json go")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    cut = second_view_from(onnx.load(str(args.model)))
    if cut is None:
        parser.error(f"{args.model} has no second view's cut: rewrite a mirror-averaged file with sbi.second_view")
    manifest = json.loads(args.model.with_suffix(".json").read_text())
    manifest["graph_from"] = manifest["version"]
    path = write_shipped(rewritten(args.model, cut), manifest, args.models)
    print(f"wrote {path} ({manifest['bytes'] / 1e6:.2f} MB), version {manifest['version']}, "
          f"the graph of today's export around {manifest['graph_from']}'s weights, calibration and cut", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
