"""The seed that may ship is chosen by validation AUC and then held to every shipping rule."""
import json

import pytest

from sbi.pick import main

PASSING = {"real_faces": 0.03, "real_blur_sigma2": 0.08, "real_low_light": 0.04, "real_children_under_13": 0.03,
           "real_elderly_60_plus": 0.01}


def seed(tmp_path, name, validation_aucs, sbi_auc, missed=0.35, flagged=PASSING):
    run = tmp_path / f"run-{name}"
    run.mkdir()
    run.joinpath("metrics.jsonl").write_text("".join(json.dumps({"step": 200 * (i + 1), "val_sbi_auc": auc}) + "\n"
                                                     for i, auc in enumerate(validation_aucs)))
    metrics = tmp_path / f"{name}.json"
    report = {section: {"false_positive_rate": rate} for section, rate in flagged.items()}
    report["sbi_heldout"] = {"auc": sbi_auc, "false_negative_rate": missed}
    metrics.write_text(json.dumps(report))
    return str(run), str(metrics)


def pick(capsys, seeds, *options):
    main(["--run", *(run for run, _ in seeds), "--metrics", *(metrics for _, metrics in seeds), *options])
    return capsys.readouterr().out


def test_the_last_logged_validation_auc_chooses_not_the_best_test_row(tmp_path, capsys):
    # a's best logged AUC is the highest, but its saved weights are the last entry's; c has the best held-out SBI.
    seeds = [seed(tmp_path, "a", [0.95, 0.88], 0.91), seed(tmp_path, "b", [0.85, 0.89], 0.90), seed(tmp_path, "c", [0.87], 0.93)]
    out = pick(capsys, seeds)
    assert f"picked {seeds[1][0]}" in out
    assert "| held-out SBI AUC | 0.9000 | ≥ 0.900 | yes |" in out and "does not ship" not in out


def test_a_chosen_seed_under_one_bound_does_not_ship_and_the_floor_can_be_set(tmp_path, capsys):
    seeds = [seed(tmp_path, "a", [0.89], 0.897), seed(tmp_path, "b", [0.88], 0.95)]
    assert "does not ship: held-out SBI AUC out of bounds" in pick(capsys, seeds)
    lowered = pick(capsys, seeds, "--min-sbi-auc", "0.895")
    assert "| held-out SBI AUC | 0.8970 | ≥ 0.895 | yes |" in lowered and "does not ship" not in lowered


def test_every_flagged_row_and_missed_pseudo_fakes_are_judged(tmp_path, capsys):
    seeds = [seed(tmp_path, "a", [0.89], 0.95, missed=0.41, flagged={**PASSING, "real_elderly_60_plus": 0.06})]
    assert "does not ship: aged 60+ flagged, pseudo-fakes missed out of bounds" in pick(capsys, seeds)


def test_runs_and_metrics_must_pair_up_and_an_untrained_run_is_named(tmp_path, capsys):
    run, metrics = seed(tmp_path, "a", [0.89], 0.95)
    with pytest.raises(SystemExit):
        main(["--run", run, "--metrics", metrics, metrics])
    assert "--run names 1 folders but --metrics 2 files" in capsys.readouterr().err
    empty = tmp_path / "empty-run"
    empty.mkdir()
    with pytest.raises(SystemExit, match="empty-run has no logged validation AUC"):
        main(["--run", str(empty), "--metrics", metrics])
