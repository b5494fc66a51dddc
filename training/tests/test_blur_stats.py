"""The crop-quality statistics must equal src/crop/quality.ts's on the shared fixture, and tell texture from edges."""
import json
from pathlib import Path

import cv2
import numpy as np

from sbi.blur_stats import BLUR_VARIANCE_THRESHOLD, laplacian, laplacian_variance, median_abs_laplacian, share_under
from sbi.crop import synthetic_image
from sbi.smooth_stats import SMOOTH_THRESHOLD, marks

FIXTURE = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "quality-cases.json"


def test_matches_the_typescript_statistics_on_the_synthetic_pattern():
    case = json.loads(FIXTURE.read_text())
    rgb = synthetic_image(case["size"], case["size"])[..., :3].astype(np.float64)
    assert abs(laplacian_variance(rgb) - case["laplacianVariance"]) < 1e-6
    assert share_under(laplacian(rgb), SMOOTH_THRESHOLD) == case["shareUnderSmoothThreshold"]


def skin_with_an_edge(grain: float) -> np.ndarray:
    """A 160 px crop: a skin-coloured left half against a dark right half, with grain of `grain` grey levels."""
    image = np.zeros((160, 160, 3), np.float64)
    image[:, :80] = (200, 150, 130)
    image[:, 80:] = (40, 30, 30)
    return np.clip(image + np.random.default_rng(0).normal(0, grain, image.shape), 0, 255).astype(np.uint8)


def test_marks_sharp_outlines_without_texture_smoothed_and_a_grainy_face_neither():
    grainy, smooth = skin_with_an_edge(6), skin_with_an_edge(0)
    assert median_abs_laplacian(grainy.astype(np.float64)) > SMOOTH_THRESHOLD
    assert median_abs_laplacian(smooth.astype(np.float64)) < SMOOTH_THRESHOLD
    assert laplacian_variance(smooth.astype(np.float64)) > BLUR_VARIANCE_THRESHOLD
    beauty_filtered = cv2.bilateralFilter(grainy, 0, 40, 6)
    blurry, smoothed = marks([grainy, smooth, beauty_filtered, np.full((160, 160, 3), 90, np.uint8)])
    assert smoothed.tolist() == [False, True, True, False]
    # A flat crop has lost its texture too, but "blurry" says more, and a face gets one of the two marks at most.
    assert blurry.tolist() == [False, False, False, True]
