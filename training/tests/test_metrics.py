import numpy as np

from sbi.metrics import paired_auc_difference, roc_auc


def test_auc_perfect_inverted_chance_and_ties():
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    assert abs(roc_auc([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]) - 0.75) < 1e-12
    rng = np.random.default_rng(0)
    assert abs(roc_auc(rng.integers(0, 2, 20000), rng.random(20000)) - 0.5) < 0.02


def test_paired_difference_finds_a_small_real_gain_and_no_gain_between_equals():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 2000)
    difficulty = rng.normal(0, 1, 2000)  # shared by both models, as an image's own difficulty is
    weak = labels * 0.3 + difficulty
    better = labels * 0.5 + difficulty
    difference, low, high = paired_auc_difference(labels, weak, better, resamples=200)
    assert 0 < low <= difference <= high
    difference, low, high = paired_auc_difference(labels, weak, weak.copy(), resamples=50)
    assert difference == low == high == 0
