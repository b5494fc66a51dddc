"""Mirror averaging scores each crop and its left-right mirror image, not an upside-down or colour-swapped copy."""
import numpy as np

from sbi import onnx_scores


def test_mirror_average_is_the_mean_over_the_crop_and_its_left_right_mirror(monkeypatch):
    crops = np.zeros((2, 4, 5, 3), dtype=np.uint8)
    crops[:, :, 0, 0] = [[10], [30]]  # left column, red
    crops[:, :, -1, 0] = [[50], [70]]  # right column, red
    # A stand-in for the network that reads the top-left pixel's red value: an upside-down copy would
    # read the left column again, a colour-swapped one blue (0).
    monkeypatch.setattr(onnx_scores, "score_crops", lambda model, batch: batch[:, 0, 0, 0].astype(np.float32))
    scores = onnx_scores.score_crops_mirror_averaged("model.onnx", crops)
    np.testing.assert_array_equal(scores, [(10 + 50) / 2, (30 + 70) / 2])
