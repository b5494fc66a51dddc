"""The two parts a lent GPU's training data travels in come out as close to equal as the files allow."""
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
