"""Prints the model card's metric tables from models/metrics.json (written by sbi.evaluate).

  cd training && /usr/bin/python3 -m sbi.card ../models/metrics.json

or one table of several reports' held-out blends by transform, side by side (where along a lineage of files a
kind of blend was lost):

  cd training && /usr/bin/python3 -m sbi.card --by-transform "stage 5=stage5.json" "stage 12=../models/metrics.json"
"""
import argparse
import json
from pathlib import Path


def pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def num(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def with_interval(row: dict, key: str, show) -> str:
    """The value and, where the report has it (`key`_95), its 95% interval: 2.1% (1.4–3.2%)."""
    value, interval = row.get(key), row.get(f"{key}_95")
    if value is None or interval is None:
        return show(value)
    return f"{show(value)} ({show(interval[0]).rstrip('%')}–{show(interval[1])})"


def by_transform_across(reports: dict[str, dict]) -> list[str]:
    """Markdown rows: each kind of held-out blend (sbi_heldout_by_transform) against each named report, its AUC
    with its 95% interval, then all held-out blends and dfdc-dev (AUC alone). Kinds follow the first report's order."""
    names = list(reports)
    kinds = list(reports[names[0]]["sbi_heldout_by_transform"])
    lines = ["| held-out blends whose pasted face was changed by | fakes | " + " | ".join(names) + " |",
             "|---|---|" + "---|" * len(names)]
    for kind in kinds:
        rows = [report["sbi_heldout_by_transform"][kind] for report in reports.values()]
        lines.append(f"| {kind.replace('+', ' + ')} | {rows[0]['fakes']} | "
                     + " | ".join(with_interval(row, "auc", num) for row in rows) + " |")
    for key, label in (("sbi_heldout", "all held-out blends"), ("dfdc_dev", "dfdc-dev, all images")):
        lines.append(f"| {label} | {reports[names[0]][key]['count']} real and fake | "
                     + " | ".join(num(report[key]["auc"]) for report in reports.values()) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", nargs="?", type=Path, help="sbi.evaluate's report: the card's tables")
    parser.add_argument("--by-transform", nargs="+", metavar="NAME=REPORT", help="reports compared by kind of blend")
    args = parser.parse_args()
    if args.by_transform:
        named = dict(item.split("=", 1) for item in args.by_transform)
        print("\n".join(by_transform_across({name: json.loads(Path(path).read_text()) for name, path in named.items()})))
        return
    if args.report is None:
        parser.error("give a report, or --by-transform")
    report = json.loads(args.report.read_text())
    print("| set | count | AUC (95% interval) | accuracy | false positives (95% interval) | false negatives (95% interval) | mean score |")
    print("|---|---|---|---|---|---|---|")
    rows = [
        ("dfdc_dev", "dfdc-dev, real deepfakes (no face → 0)"),
        ("dfdc_dev_faces_found", "dfdc-dev, images with a face found"),
        ("sbi_heldout", "held-out UTK: real vs self-blended"),
        ("sbi_heldout_degraded", "same, with JPEG/blur/noise/downscale damage"),
        ("sbi_heldout_colour_matched", "held-out UTK, the same blends colour-matched to their surroundings"),
        ("real_faces", "held-out real faces"),
        ("real_jpeg_q20", "real, JPEG quality 20"),
        ("real_blur_sigma2", "real, Gaussian blur σ=2"),
        ("real_low_light", "real, low light (dark + noise)"),
        ("real_h264_crf30", "real, H.264 video frame (CRF 30)"),
        ("real_sharpened", "real, sharpened (unsharp mask σ 1 px, amount 1)"),
        ("real_skin_smoothed_mild", "real, skin smoothed as a beauty filter does (bilateral, σ 20 grey levels, 3 px)"),
        ("real_skin_smoothed_strong", "real, skin smoothed harder (bilateral, σ 40 grey levels, 6 px)"),
        ("real_skin_smoothed_face", "real, the face alone smoothed harder, as a skin mask does (σ 40 grey levels, 6 px)"),
        ("real_children_under_13", "real, children under 13"),
        ("real_elderly_60_plus", "real, aged 60+"),
    ]
    for key, label in rows:
        r = report.get(key)
        if r:
            print(f"| {label} | {r['count']} | {with_interval(r, 'auc', num)} | {pct(r.get('accuracy'))} | {with_interval(r, 'false_positive_rate', pct)} "
                  f"| {with_interval(r, 'false_negative_rate', pct)} | {num(r.get('mean_score'))} |")
    kinds = report.get("sbi_heldout_by_transform")
    if kinds:
        print()
        print("| held-out self-blended faces whose pasted face was changed by | count | AUC against all held-out real faces | missed at the threshold |")
        print("|---|---|---|---|")
        for kind, r in kinds.items():
            print(f"| {kind.replace('+', ' + ')} | {r['fakes']} | {with_interval(r, 'auc', num)} | {pct(r.get('false_negative_rate'))} |")
    groups = report.get("sbi_heldout_by_change")
    if groups:
        print()
        print("| held-out self-blended faces, in quarters by how much the blend changed the crop (mean absolute difference from its real crop, grey levels) | count | AUC against all held-out real faces | missed at the threshold |")
        print("|---|---|---|---|")
        for g in groups:
            print(f"| {g['from']:.2f}–{g['to']:.2f} | {g['fakes']} | {num(g['auc'])} | {pct(g['false_negative_rate'])} |")
    softness = report.get("dfdc_dev_softness_alone")
    if softness:
        print()
        print(f"Model-free reference on the same dfdc-dev faces: crop softness alone (lower Laplacian variance = fake) ranks them at "
              f"AUC {num(softness['auc'])}; median variance real {softness['median_sharpness_real']:.1f}, fake {softness['median_sharpness_fake']:.1f}.")
    strata = report.get("dfdc_dev_within_sharpness")
    if strata and softness and "within_sharpness" in softness:
        print()
        print("| dfdc-dev faces, in quarters by their crop's sharpness (Laplacian variance) | reals | fakes | AUC of the model within the quarter | AUC of softness alone within it |")
        print("|---|---|---|---|---|")
        for model, alone in zip(strata, softness["within_sharpness"]):
            print(f"| {model['from']:.1f}–{model['to']:.1f} | {model['reals']} | {model['fakes']} | {num(model['auc'])} | {num(alone['auc'])} |")
    print()
    print("| real photo after | mean score change | 95th percentile change | flipped real → fake | flipped fake → real |")
    print("|---|---|---|---|---|")
    for key, label in (("stability_jpeg_q40", "JPEG quality 40"), ("stability_half_size", "50% downscale"),
                       ("stability_box_moved", "face box moved (training's jitter: centre ≤ 4%, size ≤ 6%)")):
        r = report.get(key)
        if r:
            print(f"| {label} | {num(r['mean_abs_change'])} | {num(r['p95_abs_change'])} | {pct(r['flipped_to_fake'])} | {pct(r['flipped_to_real'])} |")
    share = report.get("second_view_share")
    if share:
        print()
        print("Faces the model also looked at mirrored (its first view scored at least `second_view.from_score`, "
              "models/deepfake.json): " + ", ".join(f"{name} {pct(value)}" for name, value in share.items()) + ".")


if __name__ == "__main__":
    main()
