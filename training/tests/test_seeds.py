"""Recipes compared by their seeds' means, against the spread the seeds show."""
import functools
import json

import pytest

from sbi.seeds import main, mean_difference, paired_difference


def test_the_difference_of_means_carries_the_pooled_standard_error():
    difference = mean_difference([0.60, 0.62, 0.64], [0.65, 0.66, 0.67])
    assert difference.value == pytest.approx(0.04)
    # pooled variance (0.0008 + 0.0002) / 4 = 0.00025; times (1/3 + 1/3)
    assert difference.standard_error == pytest.approx((0.00025 * 2 / 3) ** 0.5)


def test_pairs_are_judged_by_the_spread_of_their_differences_not_of_their_readings():
    # Two starts 0.03 apart: unpaired, that spread swamps a steady gain of 0.01; paired, it cancels.
    reference, candidate = [0.60, 0.63, 0.60, 0.63], [0.61, 0.64, 0.612, 0.638]
    paired = paired_difference(reference, candidate)
    assert paired.value == pytest.approx(0.01)
    # differences 0.010, 0.010, 0.012, 0.008: sample variance 2 x 0.002² / 3, over 4 pairs
    assert paired.standard_error == pytest.approx((2 * 0.002 ** 2 / 3 / 4) ** 0.5)
    assert mean_difference(reference, candidate).standard_error > 5 * paired.standard_error


def test_pairs_must_match_in_number():
    with pytest.raises(ValueError, match="as many reference as candidate"):
        paired_difference([0.6, 0.61, 0.62], [0.63, 0.64])
    with pytest.raises(ValueError, match="two pairs"):
        paired_difference([0.6], [0.63])


def test_one_seed_has_no_spread_to_judge_by():
    with pytest.raises(ValueError, match="two seeds"):
        mean_difference([0.6], [0.7, 0.71])


def test_a_recipe_of_one_seed_is_refused_before_any_file_is_read(capsys):
    with pytest.raises(SystemExit):
        main(["--reference", "missing-a.json", "missing-b.json", "--candidate", "missing-c.json"])
    assert "--candidate names 1 file; each recipe needs at least two seeds" in capsys.readouterr().err


def write_report(folder, name, dfdc):
    """A metrics.json with every figure the table needs, only dfdc-dev's AUC chosen."""
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"dfdc_dev": {"auc": dfdc}, "sbi_heldout": {"auc": 0.9, "false_negative_rate": 0.3},
                                "real_faces": {"false_positive_rate": 0.03}, "real_blur_sigma2": {"false_positive_rate": 0.08}}))
    return str(path)


def test_the_table_lists_every_seed_and_the_difference(tmp_path, capsys):
    report = functools.partial(write_report, tmp_path)
    main(["--reference", report("a", 0.62), report("b", 0.64), "--candidate", report("c", 0.66), report("d", 0.66)])
    dfdc_row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("| dfdc-dev"))
    assert "0.6200, 0.6400 (mean 0.6300)" in dfdc_row and "+0.0300" in dfdc_row


def test_the_paired_table_says_what_it_judges_by(tmp_path, capsys):
    report = functools.partial(write_report, tmp_path)
    main(["--paired", "--reference", report("a", 0.62), report("b", 0.64), "--candidate", report("c", 0.63), report("d", 0.66)])
    lines = capsys.readouterr().out.splitlines()
    assert "mean of the pairs' differences" in lines[0]
    dfdc_row = next(line for line in lines if line.startswith("| dfdc-dev"))
    assert "+0.0150 (0.0050)" in dfdc_row
    with pytest.raises(SystemExit):
        main(["--paired", "--reference", report("a", 0.62), report("b", 0.64), report("e", 0.6), "--candidate", report("c", 0.63), report("d", 0.66)])
    assert "--paired needs as many --reference as --candidate files, not 3 and 2" in capsys.readouterr().err


def test_a_metrics_file_without_dfdc_dev_is_refused_by_name(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"model": "x.onnx"}))
    with pytest.raises(SystemExit, match="x.onnx has no dfdc_dev.auc"):
        main(["--reference", str(path), str(path), "--candidate", str(path), str(path)])


def test_a_row_some_file_lacks_is_left_out_with_a_note(tmp_path, capsys):
    def report(name, colour_matched=None):
        path = tmp_path / f"{name}.json"
        metrics = {"model": f"{name}.onnx", "dfdc_dev": {"auc": 0.63}, "sbi_heldout": {"auc": 0.9, "false_negative_rate": 0.3},
                   "real_faces": {"false_positive_rate": 0.03}, "real_blur_sigma2": {"false_positive_rate": 0.08}}
        if colour_matched is not None:
            metrics["sbi_heldout_colour_matched"] = {"auc": colour_matched}
        path.write_text(json.dumps(metrics))
        return str(path)

    main(["--reference", report("a", 0.83), report("b", 0.84), "--candidate", report("c", 0.85), report("d", 0.86)])
    assert any(line.startswith("| colour-matched pseudo-fakes AUC") and "+0.0200" in line for line in capsys.readouterr().out.splitlines())
    main(["--reference", report("e"), report("b", 0.84), "--candidate", report("c", 0.85), report("d", 0.86)])
    captured = capsys.readouterr()
    assert "colour-matched" not in captured.out and "| dfdc-dev AUC" in captured.out
    assert "colour-matched pseudo-fakes AUC left out: no sbi_heldout_colour_matched.auc in e.onnx" in captured.err
