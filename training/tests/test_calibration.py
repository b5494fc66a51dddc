"""The exported score's calibration: Platt's fit, and the cap on validation reals flagged at 0.5."""
import argparse

import numpy as np
import onnx
import pytest
import torch
from onnx import numpy_helper

from sbi.export import cap_false_positives, export_onnx, fit_platt, logits_of, parse_cap, set_initializer
from sbi.model import CalibratedNet


def flagged(logits, labels, scale, bias):
    return np.mean(scale * logits[labels == 0] + bias >= 0)


@pytest.fixture
def scores():
    rng = np.random.default_rng(0)
    logits = np.concatenate([rng.normal(-1, 1, 1000), rng.normal(1, 1, 1000)]).astype(np.float32)
    labels = np.concatenate([np.zeros(1000), np.ones(1000)]).astype(np.float32)
    return logits, labels


def test_platt_fit_balances_two_symmetric_classes(scores):
    scale, bias = fit_platt(*scores)
    assert scale > 0 and abs(bias) < 0.1
    assert 0.10 < flagged(*scores, scale, bias) < 0.22  # about Phi(-1) = 16%


@pytest.mark.parametrize("share", [0.05, 0.01, 0.0])
def test_cap_lowers_the_bias_until_at_most_that_share_of_reals_is_flagged(scores, share):
    scale, bias = fit_platt(*scores)
    logits, labels = scores
    capped = cap_false_positives(logits[labels == 0], scale, bias, share)
    assert capped < bias
    # exactly the share (rounded down), not fewer: the bias was lowered no further than it had to be
    assert flagged(*scores, scale, capped) == np.floor(share * 1000) / 1000


def test_cap_leaves_a_bias_that_already_meets_it(scores):
    scale, bias = fit_platt(*scores)
    logits, labels = scores
    assert cap_false_positives(logits[labels == 0], scale, bias, 0.5) == bias


def test_logits_are_recovered_from_calibrated_scores():
    logits = np.linspace(-6, 6, 25)
    scale, bias = 1.3, -0.7
    scores = (1 / (1 + np.exp(-(scale * logits + bias)))).astype(np.float32)  # as the ONNX file gives them
    assert np.allclose(logits_of(scores, scale, bias), logits, atol=1e-4)


def test_bias_is_replaced_in_an_exported_graph(tmp_path):
    path = tmp_path / "calibrated.onnx"
    export_onnx(CalibratedNet(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 160 * 160, 1)), 1.0, -0.2).eval(), path)
    model = onnx.load(str(path))
    set_initializer(model, "bias", -1.5)
    assert float(numpy_helper.to_array(next(i for i in model.graph.initializer if i.name == "bias"))) == -1.5
    with pytest.raises(ValueError, match="no constant"):
        set_initializer(model, "calibration", 0.0)


def test_a_cap_names_a_known_condition_and_a_share():
    assert parse_cap("blur_sigma2=0.08") == ("blur_sigma2", 0.08)
    for bad, message in (("blurry=0.1", "unknown condition"), ("clean=five", "must be a number"), ("clean=5", "0..1")):
        with pytest.raises(argparse.ArgumentTypeError, match=message):
            parse_cap(bad)
