import numpy as np

import math

from sbi.metrics import auc_interval, paired_auc_difference, quantile_groups, rate_interval, roc_auc, score_moves, visible_change, within_strata


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


def test_rate_interval_is_wilsons_and_stays_inside_zero_to_one():
    low, high = rate_interval(4, 162)
    assert abs(low - 0.00964) < 1e-4 and abs(high - 0.06176) < 1e-4  # Wilson's score interval, z = 1.96
    assert low < 4 / 162 < high
    low, high = rate_interval(0, 1118)
    assert low == 0.0 and 0 < high < 0.004
    low, high = rate_interval(1118, 1118)
    assert high == 1.0 and 0.996 < low < 1
    assert all(math.isnan(bound) for bound in rate_interval(0, 0))


def test_auc_interval_holds_the_auc_narrows_with_more_images_and_repeats_for_a_seed():
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 2, 8000)
    scores = labels * 0.6 + rng.normal(0, 1, 8000)
    small = auc_interval(labels[:1000], scores[:1000], resamples=300)
    large = auc_interval(labels, scores, resamples=300)
    assert small[0] < roc_auc(labels[:1000], scores[:1000]) < small[1]
    assert large[0] < roc_auc(labels, scores) < large[1]
    assert large[1] - large[0] < (small[1] - small[0]) * 0.6  # about 1 / sqrt(8) as wide
    assert auc_interval(labels[:1000], scores[:1000], resamples=300) == small
    assert auc_interval([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], resamples=50) == (1.0, 1.0)


def test_score_moves_measures_the_change_and_counts_crossings_each_way():
    before = np.array([0.1, 0.45, 0.7, 0.9])
    after = np.array([0.1, 0.55, 0.4, 0.9])
    moves = score_moves(before, after, 0.5)
    assert np.isclose(moves["mean_abs_change"], (0 + 0.1 + 0.3 + 0) / 4)
    assert moves["flipped_to_fake"] == 0.25 and moves["flipped_to_real"] == 0.25
    assert score_moves(before, before.copy(), 0.5) == {"mean_abs_change": 0.0, "p95_abs_change": 0.0,
                                                       "flipped_to_fake": 0.0, "flipped_to_real": 0.0}


def test_visible_change_is_each_pairs_mean_absolute_difference_in_grey_levels():
    originals = np.zeros((2, 4, 4, 3), np.uint8)
    altered = originals.copy()
    altered[0, :2] = 10  # half the pixels up by 10
    altered[1] = 200  # uint8 must not wrap: 0 - 200 is 200 grey levels, not 56
    assert np.allclose(visible_change(altered, originals), [5.0, 200.0])
    assert np.allclose(visible_change(originals, altered), [5.0, 200.0])


def test_quantile_groups_split_items_into_equal_groups_lowest_first_ties_in_order():
    groups = quantile_groups(np.array([5.0, 1.0, 3.0, 1.0, 9.0, 2.0]), 3)
    assert [list(g) for g in groups] == [[1, 3], [5, 2], [0, 4]]


def test_within_strata_ranks_among_items_alike_in_the_measure():
    # Fakes are softer overall, so softness alone ranks them well over all items; within each stratum of
    # sharpness it ranks them at chance, and a score that knows more keeps its ranking there.
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1], 2000)
    sharpness = np.where(labels == 1, rng.uniform(0, 60, 4000), rng.uniform(20, 80, 4000))
    knows_more = labels + rng.normal(0, 1, 4000)
    assert roc_auc(labels, -sharpness) > 0.75
    rows = within_strata(labels, -sharpness, sharpness)
    assert [r["reals"] + r["fakes"] for r in rows] == [1000] * 4
    assert rows[0]["fakes"] > rows[0]["reals"] and rows[3]["reals"] > rows[3]["fakes"]
    assert all(r["from"] <= r["to"] for r in rows) and all(a["to"] <= b["from"] for a, b in zip(rows, rows[1:]))
    assert all(abs(r["auc"] - 0.5) < 0.1 for r in rows[1:3])  # the middle strata hold both classes over one range
    assert all(r["auc"] > 0.7 for r in within_strata(labels, knows_more, sharpness))
