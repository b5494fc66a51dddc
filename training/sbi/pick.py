"""Picks, from seeds of one recipe, the one that may ship, and checks it against stage 6's shipping rules.

  cd training && /usr/bin/python3 -m sbi.pick --run R/run-a-s13 R/run-a-s14 R/run-a-s15 \
      --metrics R/a-s13/metrics.json R/a-s14/metrics.json R/a-s15/metrics.json [--min-sbi-auc 0.895]

The seed is chosen by the validation AUC its training logged last (the
weights that are exported), never by a test figure: choosing by dfdc-dev or
by the held-out rows would make those rows a selection score instead of a
measurement. The chosen seed's metrics.json (sbi.evaluate) is then held to
each rule. One rule needs both models' scores and is left to sbi.compare:
dfdc-dev's paired interval against the shipped model must not lie wholly
below zero.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from .seeds import figure


@dataclass(frozen=True)
class Rule:
    section: str
    field: str
    bound: float
    at_most: bool  # False: the figure must be at least the bound
    label: str

    def met_by(self, value: float) -> bool:
        return value <= self.bound if self.at_most else value >= self.bound


def shipping_rules(min_sbi_auc: float) -> tuple[Rule, ...]:
    """Stage 6's rules (models/EXPERIMENTS.md): few real faces flagged in every hard row, pseudo-fakes still caught."""
    flagged = "false_positive_rate"
    return (
        Rule("real_faces", flagged, 0.05, True, "held-out reals flagged"),
        Rule("real_blur_sigma2", flagged, 0.10, True, "blurred reals flagged"),
        Rule("real_low_light", flagged, 0.05, True, "low-light reals flagged"),
        Rule("real_children_under_13", flagged, 0.05, True, "children flagged"),
        Rule("real_elderly_60_plus", flagged, 0.05, True, "aged 60+ flagged"),
        Rule("sbi_heldout", "auc", min_sbi_auc, False, "held-out SBI AUC"),
        Rule("sbi_heldout", "false_negative_rate", 0.40, True, "pseudo-fakes missed"),
    )


def last_validation_auc(run: Path) -> float:
    """The validation AUC of the weights a finished run saved: its log's last entry."""
    log = run / "metrics.jsonl"
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()] if log.exists() else []
    if not entries:
        raise SystemExit(f"{run} has no logged validation AUC ({log} is missing or empty): has it trained?")
    return float(entries[-1]["val_sbi_auc"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, nargs="+", required=True, help="training run folders, one per seed")
    parser.add_argument("--metrics", type=Path, nargs="+", required=True, help="each run's metrics.json, in the same order")
    parser.add_argument("--min-sbi-auc", type=float, default=0.90, help="floor on held-out SBI AUC (stage 6: 0.90)")
    args = parser.parse_args(argv)
    if len(args.run) != len(args.metrics):
        parser.error(f"--run names {len(args.run)} folders but --metrics {len(args.metrics)} files; give one of each per seed")
    validation = [last_validation_auc(run) for run in args.run]
    for run, auc in zip(args.run, validation):
        print(f"{run}: validation AUC {auc:.4f}")
    chosen = max(range(len(args.run)), key=validation.__getitem__)
    report = json.loads(args.metrics[chosen].read_text())
    print(f"\npicked {args.run[chosen]} (highest validation AUC); its test rows from {args.metrics[chosen]}:\n")
    print("| rule | measured | bound | met |")
    print("|---|---|---|---|")
    failed = []
    for rule in shipping_rules(args.min_sbi_auc):
        value = figure(report, rule.section, rule.field)
        if value is None:
            raise SystemExit(f"{args.metrics[chosen]} has no {rule.section}.{rule.field}: evaluate the model again with sbi.evaluate")
        met = rule.met_by(value)
        failed += [] if met else [rule.label]
        print(f"| {rule.label} | {value:.4f} | {'≤' if rule.at_most else '≥'} {rule.bound:.3f} | {'yes' if met else 'NO'} |")
    if failed:
        print(f"\ndoes not ship: {', '.join(failed)} out of bounds")
    else:
        print("\nmeets every rule read from metrics.json; it ships only if sbi.compare's dfdc-dev interval "
              "against the shipped model is not wholly below zero")
    return 0


if __name__ == "__main__":
    sys.exit(main())
