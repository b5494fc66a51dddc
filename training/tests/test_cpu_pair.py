"""cpu_pair.sh runs the steps the card's rules are judged by, in order and on the right files: trained, exported under
stage 8's caps, compared on dfdc-dev and evaluated; with SHIP=1 also the file to ship (four caps, then its second
view), measured in the same passes. The interpreter is a stand-in that logs each command, so nothing is trained."""
import os
import stat
import subprocess
from pathlib import Path

import pytest

TRAINING = Path(__file__).parents[1]
SHIPPED = str(TRAINING.parent / "models" / "deepfake.onnx")
THREE_CAPS = ["--cap", "clean=0.05", "--cap", "blur_sigma2=0.08", "--cap", "low_light=0.04"]
LOGGER = "#!/bin/bash\n(IFS=$'\\t'; echo \"$*\") >> \"$CALLS\"\n"


def run_pair(tmp_path: Path, seed: str, tag: str, options: str, **env: str) -> tuple[Path, Path, list[list[str]]]:
    """cpu_pair.sh's commands, each as its arguments, with a cache and shared data of empty stand-ins."""
    cache, shared = tmp_path / "home" / ".cache" / "deepfake-check", tmp_path / "shared"
    cache.mkdir(parents=True)
    for name in ("faces-utk-pre-zoom.jsonl", "dfdc-real.jsonl", "dfdc-fake.jsonl", "stage5-635bc04c.onnx"):
        (cache / name).touch()
    for name in ("faces-utk", "dfdc-dev"):
        (shared / name).mkdir(parents=True)
    python, calls = tmp_path / "python", tmp_path / "calls"
    python.write_text(LOGGER)
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    subprocess.run(["bash", str(TRAINING / "cpu_pair.sh"), seed, tag, options], check=True, capture_output=True,
                   env={**os.environ, "HOME": str(tmp_path / "home"), "PYTHON": str(python), "SHARED_DATA": str(shared),
                        "CALLS": str(calls), **env})
    return cache, shared, [line.split("\t") for line in calls.read_text().splitlines()]


def measured_as(cache: Path, shared: Path, files: list[str], reports: list[str], compare: list[str],
                evaluated_only: list[str] = ()) -> list[list[str]]:
    """The comparison of `compare` + `files` and the evaluation of `files` + `evaluated_only` into `reports`."""
    data = ["--dfdc-harvest", str(cache), "--dfdc", str(shared / "dfdc-dev")]
    return [["-m", "sbi.compare", *data, *compare, *files],
            ["-m", "sbi.evaluate", "--model", *files, *evaluated_only, "--utk-harvest", str(cache / "faces-utk-pre-zoom.jsonl"),
             "--utk", str(shared / "faces-utk"), *data, "--out", *reports]]


def export_of(cache: Path, shared: Path, run: Path, out: Path, caps: list[str]) -> list[str]:
    return ["-m", "sbi.export", "--run", str(run), "--mirror", "--harvest", str(cache / "faces-utk-pre-zoom.jsonl"),
            "--images", str(shared / "faces-utk"), "--models", str(out), *caps]


def test_a_pair_trains_both_arms_with_the_options_on_the_candidate_alone_then_exports_compares_and_evaluates(tmp_path):
    cache, shared, calls = run_pair(tmp_path, "7", "boxc", "--box-consistency 1")
    trains, rest = calls[:2], calls[2:]
    runs = {arm: cache / f"run-s5file-{arm}-s7" for arm in ("vq", "boxc")}
    by_arm = {call[-1]: call for call in trains}
    assert set(by_arm) == {str(run) for run in runs.values()}
    reference, candidate = by_arm[str(runs["vq"])], by_arm[str(runs["boxc"])]
    assert reference[:2] == ["-m", "sbi.train"] and "--box-consistency" not in reference
    # The candidate is the reference's command with the options added, and both train seed 7 from stage 5's file.
    assert candidate == reference[:-2] + ["--box-consistency", "1", "--out", str(runs["boxc"])]
    assert reference[reference.index("--seed") + 1] == "7"
    assert reference[reference.index("--init") + 1] == str(cache / "stage5-635bc04c.onnx")
    exports = {arm: cache / f"export-s5file-{arm}-s7" for arm in ("vq", "boxc")}
    files = [str(exports[arm] / "deepfake.onnx") for arm in ("vq", "boxc")]
    assert rest == [export_of(cache, shared, runs[arm], exports[arm], THREE_CAPS) for arm in ("vq", "boxc")] + measured_as(
        cache, shared, files, [str(exports[arm] / "metrics.json") for arm in ("vq", "boxc")], compare=[])


@pytest.mark.parametrize("ship", [False, True])
def test_against_the_shipped_file_the_candidate_trains_alone_and_ship_adds_the_file_to_ship(tmp_path, ship):
    cache, shared, calls = run_pair(tmp_path, "64", "beauty", "--face-beauty-share 0.4", REFERENCE="shipped",
                                    **({"SHIP": "1"} if ship else {}))
    run, export, to_ship = cache / "run-s5file-beauty-s64", cache / "export-s5file-beauty-s64", cache / "ship-beauty-s64"
    assert calls[0][:2] == ["-m", "sbi.train"] and calls[0][-4:] == ["--face-beauty-share", "0.4", "--out", str(run)]
    expected = [export_of(cache, shared, run, export, THREE_CAPS)]
    files, reports = [str(export / "deepfake.onnx")], [str(export / "metrics.json")]
    if ship:
        expected += [export_of(cache, shared, run, to_ship / "four-caps", THREE_CAPS + ["--cap", "h264_crf30=0.05"]),
                     ["-m", "sbi.second_view", "--model", str(to_ship / "four-caps" / "deepfake.onnx"),
                      "--harvest", str(cache / "faces-utk-pre-zoom.jsonl"), "--images", str(shared / "faces-utk"),
                      "--models", str(to_ship)]]
        files.append(str(to_ship / "deepfake.onnx"))
        reports += [str(to_ship / "metrics.json"), str(to_ship / "metrics-fp32.json")]
    # The shipped file is scored as the page scores it, so the file to ship is too (--first-view); the run's fp32
    # network, written by the last export, is evaluated beside the int8 file it became.
    expected += measured_as(cache, shared, files, reports, compare=(["--first-view"] if ship else []) + [SHIPPED],
                            evaluated_only=[str(run / "deepfake-fp32.onnx")] if ship else [])
    assert calls[1:] == expected
