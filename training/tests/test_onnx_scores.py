"""Mirror averaging's second view is each crop's left-right mirror image, not an upside-down or colour-swapped copy."""
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
