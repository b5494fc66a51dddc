import numpy as np

from sbi.metrics import roc_auc


def test_auc_perfect_inverted_chance_and_ties():
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert roc_auc([0, 1], [0.5, 0.5]) == 0.5
    assert abs(roc_auc([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]) - 0.75) < 1e-12
    rng = np.random.default_rng(0)
    assert abs(roc_auc(rng.integers(0, 2, 20000), rng.random(20000)) - 0.5) < 0.02
