import numpy as np

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
