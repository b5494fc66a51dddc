import argparse

import numpy as np
import onnx
import pytest

from sbi import evaluate
from sbi.data import add_data_arguments, dfdc_given
from sbi.evaluate import by_kind, by_measure
from sbi.metrics import roc_auc

REALS = np.array([0.1, 0.2, 0.3, 0.4])
# The four least changed fakes score among the reals, the four most changed above them all.
FAKES = np.array([0.9, 0.15, 0.8, 0.35, 0.95, 0.25, 0.85, 0.05])
CHANGE = np.array([9.0, 1.0, 8.0, 2.0, 7.0, 3.0, 6.0, 4.0])


def test_by_measure_splits_fakes_by_the_measure_lowest_first():
    low, high = by_measure(REALS, FAKES, CHANGE, groups=2)
    assert (low["from"], low["to"], low["fakes"]) == (1.0, 4.0, 4)
    assert (high["from"], high["to"], high["fakes"]) == (6.0, 9.0, 4)
    assert low["auc"] == roc_auc([0] * 4 + [1] * 4, np.concatenate([REALS, [0.15, 0.35, 0.25, 0.05]]))
    assert low["auc"] < 0.6 and high["auc"] == 1.0
    assert low["false_negative_rate"] == 1.0 and high["false_negative_rate"] == 0.0


def test_by_kind_gives_each_kind_of_fake_its_own_row_against_every_real_face():
    kinds = ["sharpen", "blur", "sharpen", "blur", "blur", "sharpen", "blur", "sharpen"]
    rows = by_kind(REALS, FAKES, kinds)
    assert list(rows) == ["blur", "sharpen"]
    assert rows["blur"]["fakes"] == 4 and rows["blur"]["count"] == 8  # the row counts the reals too
    assert rows["blur"]["auc"] == roc_auc([0] * 4 + [1] * 4, np.concatenate([REALS, [0.15, 0.35, 0.95, 0.85]]))
    assert rows["sharpen"]["false_negative_rate"] == 0.5


def test_first_view_refuses_a_file_without_a_cut_before_building_any_crop(tmp_path, capsys):
    graph = onnx.helper.make_graph([onnx.helper.make_node("Identity", ["pixels"], ["deepfake_logit"])], "plain",
                                   [onnx.helper.make_tensor_value_info("pixels", onnx.TensorProto.FLOAT, [1])],
                                   [onnx.helper.make_tensor_value_info("deepfake_logit", onnx.TensorProto.FLOAT, [1])])
    onnx.save(onnx.helper.make_model(graph), str(tmp_path / "plain.onnx"))
    with pytest.raises(SystemExit):
        evaluate.main(["--model", str(tmp_path / "plain.onnx"), "--utk-harvest", str(tmp_path / "none.jsonl"),
                       "--utk", str(tmp_path), "--first-view"])
    assert "--first-view: " + str(tmp_path / "plain.onnx") + " has no cut" in capsys.readouterr().err


def test_dfdc_rows_are_measured_only_where_both_dfdc_arguments_name_a_folder_that_is_there(tmp_path):
    parser = argparse.ArgumentParser()
    add_data_arguments(parser)
    base = ["--utk-harvest", "h.jsonl", "--utk", "utk"]
    assert not dfdc_given(parser.parse_args(base))
    assert not dfdc_given(parser.parse_args(base + ["--dfdc-harvest", str(tmp_path), "--dfdc", str(tmp_path)]))
    (tmp_path / "real").mkdir()
    assert not dfdc_given(parser.parse_args(base + ["--dfdc", str(tmp_path)]))
    assert dfdc_given(parser.parse_args(base + ["--dfdc-harvest", str(tmp_path), "--dfdc", str(tmp_path)]))
