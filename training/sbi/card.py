"""Prints the model card's metric tables from models/metrics.json (written by sbi.evaluate).

  cd training && /usr/bin/python3 -m sbi.card ../models/metrics.json
"""
import json
import sys
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


def main() -> None:
    report = json.loads(Path(sys.argv[1]).read_text())
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
