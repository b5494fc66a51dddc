"""The two parts a lent GPU's training data travels in come out as close to equal as the files allow, and what
the GPU scripts send back is each finished run's files."""
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from sbi.gpu_pack import name_of, split_point


@pytest.mark.parametrize("sizes, ahead, first", [
    ([10, 10, 10, 10], 0, 2),
    ([10, 10, 10, 10], 20, 1),  # weights already in the first part take the place of photos
    ([10, 10, 10, 10], 100, 0),
    ([1, 1, 1, 30], 0, 3),
    ([], 5, 0),
])
def test_split_point_balances_the_parts(sizes, ahead, first):
    assert split_point(sizes, ahead) == first


def test_a_runs_weights_keep_their_run_folder(tmp_path):
    assert name_of(tmp_path / "run-stage4" / "model.pt") == "run-stage4/model.pt"
    assert name_of(tmp_path / "stage5-635bc04c.onnx") == "stage5-635bc04c.onnx"


def test_gpu_scripts_send_back_finished_runs_and_name_stopped_ones(tmp_path):
    runs, out = tmp_path / "runs", tmp_path / "out"
    for name in ("done", "stopped"):
        (runs / name).mkdir(parents=True)
        (runs / f"{name}.log").write_text("21184 training faces\n\rstep 1/4 loss 0.7\rstep 4/4 loss 0.6\n")
        (runs / name / "metrics.jsonl").write_text("".join(f'{{"step": {step}}}\n' for step in (2, 4, 6)))
        (runs / name / "run.json").write_text("{}\n")
    (runs / "done" / "model.pt").write_bytes(b"weights")
    out.mkdir()
    result = subprocess.run(["bash", "-c", f"source gpu_runs.sh && send_back_runs {runs} done stopped"], cwd=Path(__file__).parents[1],
                            env={**os.environ, "OUT": str(out)}, capture_output=True, text=True, check=True)
    assert "done: step 4/4 loss 0.6" in result.stdout and '{"step": 4}\n{"step": 6}' in result.stdout
    assert "stopped: not finished" in result.stdout
    assert [path.name for path in out.iterdir()] == ["done.tar"]
    with tarfile.open(out / "done.tar") as tar:
        assert sorted(tar.getnames()) == ["done/metrics.jsonl", "done/model.pt", "done/run.json"]
