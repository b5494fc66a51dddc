"""Averages the weights of runs trained from one start into one network of the same size (a uniform model soup).

  cd training && /usr/bin/python3 -m sbi.soup --runs $R/gpu/ref-s9 $R/gpu/ref-s10 $R/gpu/ref-s11 $R/gpu/ref-s12 \
      --harvest $R/faces-utk.jsonl --images ../../shared/data/faces-utk --out $R/soup-ref

then `sbi.export --run $R/soup-ref ...` as for any run. Seeds fine-tuned from one start stay close enough in
weight space that their mean is itself a good network, and it costs what one of them costs in the browser,
where running several and averaging their scores would cost that many times more. Runs from different
starts do not average into anything useful; the runs' run.json must name one architecture and teacher.

The batch norms' running statistics are measured afresh on the averaged network (`refresh_batch_norms`):
the mean of each seed's statistics is not the statistics of the mean network's activations.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path

import torch

from .data import Recipe, load_harvest, training_faces
from .model import build_net
from .norms import refresh_batch_norms
from .train import batch_norm_loader, one_opencv_thread_if_forking

#: run.json keys that runs must share to be averaged: the network's shape and what taught it.
SHARED_KEYS = ("arch", "distill")


def average_states(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of each floating-point tensor; counters (batch norms' num_batches_tracked) from the first."""
    if {tuple(state) for state in states} != {tuple(states[0])}:
        raise ValueError("the runs' networks hold different tensors")
    return {name: torch.stack([state[name] for state in states]).mean(0) if first.is_floating_point() else first.clone()
            for name, first in states[0].items()}


def recipe_of(config: dict) -> Recipe:
    """The recipe a run's training samples were made by, from its run.json (a key it predates meant the default)."""
    return Recipe(**{field.name: config[field.name] for field in fields(Recipe) if field.name in config})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, nargs="+", required=True, help="run folders with model.pt, trained from one start")
    parser.add_argument("--harvest", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="run folder for the averaged model.pt and its run.json")
    parser.add_argument("--samples", type=int, default=4096, help="training samples (half pseudo-fakes) the batch norms are measured on")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if len(args.runs) < 2:
        parser.error("--runs names one run: there is nothing to average")
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)

    configs = [json.loads((run / "run.json").read_text()) for run in args.runs]
    for key in SHARED_KEYS:
        values = {config.get(key) for config in configs}
        if len(values) > 1:
            raise SystemExit(f"the runs differ in {key} ({', '.join(map(str, sorted(values, key=str)))}): only runs from one start average well")
    model = build_net(configs[0]["arch"])
    model.load_state_dict(average_states([torch.load(run / "model.pt", map_location="cpu") for run in args.runs]))

    records, _ = load_harvest(args.harvest, args.images)
    train, _ = training_faces(records, 0)
    workers = 2
    one_opencv_thread_if_forking(workers)
    loader = batch_norm_loader(train, [recipe_of(config) for config in configs], args.samples, args.seed, workers)
    refresh_batch_norms(model, (pixels for pixels, _ in loader))

    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out / "model.pt")
    soup = {**{key: configs[0].get(key) for key in SHARED_KEYS}, "soup_of": [str(run) for run in args.runs]}
    (args.out / "run.json").write_text(json.dumps(soup) + "\n")
    print(f"averaged {len(args.runs)} runs, batch norms measured on {args.samples} training samples: {args.out / 'model.pt'}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
