"""Compares two recipes by several training seeds each, from the metrics.json files sbi.evaluate wrote.

  cd training && /usr/bin/python3 -m sbi.seeds --reference R/ref-s9/metrics.json R/ref-s10/metrics.json ... \
      --candidate R/video-s9/metrics.json R/video-s10/metrics.json ...

One run against one run cannot tell a recipe from luck: seeds of one recipe
differ on dfdc-dev by more than the test images' noise (Model card, "More
experiments"). Here each recipe is the mean over its seeds, and the
difference of two means is set against its standard error, from the seeds'
pooled spread. With --paired the two lists are pairs, in order: each pair
the two recipes trained with one seed from one start, so the start's and
the seed's share of a reading cancels in the pair's difference, and the
mean difference is set against the spread of the pairs' differences.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: (metrics.json section, field, label): what each recipe is summed up by. The first is what recipes are judged
#: by and every file must have it; a later one that some file lacks (sbi.evaluate wrote it before the row existed)
#: is left out of the table with a note.
FIGURES = (
    ("dfdc_dev", "auc", "dfdc-dev AUC"),
    ("sbi_heldout", "auc", "held-out SBI AUC"),
    ("sbi_heldout_colour_matched", "auc", "colour-matched pseudo-fakes AUC"),
    ("real_faces", "false_positive_rate", "held-out reals flagged"),
    ("real_blur_sigma2", "false_positive_rate", "blurred reals flagged"),
    ("real_h264_crf30", "false_positive_rate", "reals as H.264 frames flagged"),
    ("sbi_heldout", "false_negative_rate", "pseudo-fakes missed"),
)


@dataclass(frozen=True)
class Difference:
    reference_mean: float
    candidate_mean: float
    standard_error: float  # of candidate_mean - reference_mean

    @property
    def value(self) -> float:
        return self.candidate_mean - self.reference_mean


def mean_difference(reference: list[float], candidate: list[float]) -> Difference:
    """Difference of the two means, its standard error from the pooled sample variance (each recipe needs two seeds)."""
    a, b = np.asarray(reference, float), np.asarray(candidate, float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("each recipe needs at least two seeds to measure its spread")
    pooled = (((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum()) / (len(a) + len(b) - 2)
    return Difference(float(a.mean()), float(b.mean()), float(np.sqrt(pooled * (1 / len(a) + 1 / len(b)))))


def paired_difference(reference: list[float], candidate: list[float]) -> Difference:
    """Mean of the pairs' differences, its standard error from their sample spread (needs two pairs)."""
    a, b = np.asarray(reference, float), np.asarray(candidate, float)
    if len(a) != len(b):
        raise ValueError(f"pairs need as many reference as candidate seeds, not {len(a)} and {len(b)}")
    if len(a) < 2:
        raise ValueError("at least two pairs are needed to measure their spread")
    differences = b - a
    return Difference(float(a.mean()), float(b.mean()), float(differences.std(ddof=1) / np.sqrt(len(differences))))


def figure(report: dict, section: str, field: str) -> float | None:
    value = report.get(section, {}).get(field)
    return None if value is None else float(value)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, nargs="+", required=True, help="metrics.json of each seed of the reference recipe")
    parser.add_argument("--candidate", type=Path, nargs="+", required=True, help="metrics.json of each seed of the candidate recipe")
    parser.add_argument("--paired", action="store_true", help="the n-th reference and n-th candidate file are one pair "
                        "(one seed from one start): judge the mean of the pairs' differences")
    args = parser.parse_args(argv)
    if args.paired and len(args.reference) != len(args.candidate):
        parser.error(f"--paired needs as many --reference as --candidate files, not {len(args.reference)} and {len(args.candidate)}")
    for name, paths in (("--reference", args.reference), ("--candidate", args.candidate)):
        if len(paths) < 2:
            parser.error(f"{name} names {len(paths)} file; each recipe needs at least two seeds to measure its spread")
    reports = {name: [json.loads(path.read_text()) for path in paths] for name, paths in (("reference", args.reference), ("candidate", args.candidate))}
    judged = "mean of the pairs' differences" if args.paired else "difference of means"
    print(f"| figure | reference seeds | candidate seeds | {judged} (standard error) |")
    print("|---|---|---|---|")
    for index, (section, field, label) in enumerate(FIGURES):
        values = {name: [figure(report, section, field) for report in group] for name, group in reports.items()}
        lacking = [report.get("model", "a metrics file") for name, group in reports.items()
                   for report, value in zip(group, values[name]) if value is None]
        if lacking and index == 0:
            raise SystemExit(f"{lacking[0]} has no {section}.{field}: evaluate it with sbi.evaluate (and dfdc-dev)")
        if lacking:
            print(f"{label} left out: no {section}.{field} in {', '.join(lacking)} (evaluated before that row existed)", file=sys.stderr)
            continue
        difference = (paired_difference if args.paired else mean_difference)(values["reference"], values["candidate"])
        listed = {name: ", ".join(f"{v:.4f}" for v in group) for name, group in values.items()}
        print(f"| {label} | {listed['reference']} (mean {difference.reference_mean:.4f}) | {listed['candidate']} "
              f"(mean {difference.candidate_mean:.4f}) | {difference.value:+.4f} ({difference.standard_error:.4f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
