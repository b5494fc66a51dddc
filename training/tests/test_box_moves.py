"""sbi.box_moves: the moved boxes, the views cut from them, and how their scores are summed up."""
from pathlib import Path

import numpy as np

from sbi.box_moves import mean_logit, moves_report, ranking_report, views_of
from sbi.data import FaceRecord, crop, moved_boxes

BOX = {"x": 40.0, "y": 50.0, "width": 120.0, "height": 110.0}


def test_moved_boxes_repeat_for_a_face_differ_between_faces_and_stay_within_the_training_jitter():
    first = moved_boxes(BOX, 3, 50)
    assert first == moved_boxes(BOX, 3, 50)
    assert first[0] != moved_boxes(BOX, 4, 1)[0]
    assert len({(b["x"], b["y"], b["width"]) for b in first}) == 50
    for box in first:
        scale = box["width"] / BOX["width"]
        assert 0.94 <= scale <= 1.06 and abs(box["height"] / BOX["height"] - scale) < 1e-9
        assert abs(box["x"] + box["width"] / 2 - 100.0) <= 0.04 * BOX["width"] + 1e-9
        assert abs(box["y"] + box["height"] / 2 - 105.0) <= 0.04 * BOX["height"] + 1e-9


def test_views_start_with_the_boxs_own_crop_then_its_moved_boxes_crops():
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (300, 260, 3), dtype=np.uint8) for _ in range(2)]
    records = [FaceRecord(Path(f"{i}.jpg"), BOX, np.zeros((6, 2), np.float32)) for i in range(2)]
    views = views_of(images, records, 3)
    assert views.shape == (4, 2, 160, 160, 3)
    for face, image in enumerate(images):
        assert np.array_equal(views[0, face], crop(image, BOX))
        for view, box in enumerate(moved_boxes(BOX, face, 3), start=1):
            assert np.array_equal(views[view, face], crop(image, box))
            assert not np.array_equal(views[view, face], views[0, face])


def test_the_mean_logit_keeps_agreeing_views_and_cancels_opposite_ones():
    assert np.allclose(mean_logit(np.array([[0.2, 0.9], [0.2, 0.9]])), [0.2, 0.9])
    assert np.allclose(mean_logit(np.array([[0.1], [0.9]])), [0.5])
    # Not the mean probability: one confident view outweighs a hesitant one.
    assert mean_logit(np.array([[0.99], [0.4]]))[0] > (0.99 + 0.4) / 2
    assert np.all(np.isfinite(mean_logit(np.array([[0.0, 1.0], [0.0, 1.0]]))))


def test_moves_are_counted_for_every_moved_view_against_the_boxs_own():
    scores = np.array([[0.4, 0.8], [0.6, 0.8], [0.4, 0.2]])  # the own box, then two moved views of two faces
    report = moves_report(scores)
    assert np.isclose(report["mean_abs_change"], (0.2 + 0.0 + 0.0 + 0.6) / 4)
    assert report["flipped_to_fake"] == 0.25 and report["flipped_to_real"] == 0.25


def test_ranking_compares_the_own_box_with_the_mean_of_the_views():
    labels = np.array([0, 0, 1, 1])
    scores = np.array([[0.3, 0.6, 0.5, 0.7], [0.3, 0.2, 0.6, 0.7]])  # the moved view puts the second real back in place
    report = ranking_report(labels, scores)
    assert report["auc_own_box"] == 0.75 and report["auc_mean_of_views"] == 1.0
    assert np.isclose(report["difference"], 0.25)
