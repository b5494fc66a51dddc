"""Scores of mirror images and of files together: mirror averaging's second view is each crop's left-right mirror
image, not an upside-down or colour-swapped copy; files together weigh their logits alike."""
from pathlib import Path

import numpy as np

from sbi import onnx_scores


def test_mirror_images_are_the_crops_flipped_left_to_right(monkeypatch):
    crops = np.zeros((2, 4, 5, 3), dtype=np.uint8)
    crops[:, :, 0, 0] = [[10], [30]]  # left column, red
    crops[:, :, -1, 0] = [[50], [70]]  # right column, red
    # A stand-in for the network that reads the top-left pixel's red value: an upside-down copy would
    # read the left column again, a colour-swapped one blue (0).
    monkeypatch.setattr(onnx_scores, "score_crops", lambda model, batch: batch[:, 0, 0, 0].astype(np.float32))
    np.testing.assert_array_equal(onnx_scores.score_mirror_images("model.onnx", crops), [50, 70])


def test_files_together_score_the_mean_of_their_logits(monkeypatch):
    # Stand-ins for two files that read one crop as 0.8 and 0.2 (logits ±1.386), the other as 0.9 and 0.5.
    readings = {"a.onnx": np.array([0.8, 0.9], np.float32), "b.onnx": np.array([0.2, 0.5], np.float32)}
    monkeypatch.setattr(onnx_scores, "score_crops", lambda model, crops: readings[str(model)])
    together = onnx_scores.score_together([Path("a.onnx"), Path("b.onnx")], np.zeros((2, 4, 4, 3), np.uint8))
    logit_09 = np.log(0.9 / 0.1)
    np.testing.assert_allclose(together, [0.5, 1 / (1 + np.exp(-logit_09 / 2))], rtol=1e-6)
