"""The exported score's calibration: Platt's fit, and the cap on validation reals flagged at 0.5."""
import numpy as np
import pytest

from sbi.export import cap_false_positives, fit_platt


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
