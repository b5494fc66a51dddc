"""Scores face crops with an exported ONNX file in onnxruntime-node, the runtime closest to the app's.

Debian packages no onnxruntime for Python, so training/score_onnx.mjs does the running.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np

from .crop import CLASSIFIER_INPUT_SIZE

REPO = Path(__file__).resolve().parents[2]


def score_crops(model: Path, crops: np.ndarray) -> np.ndarray:
    """The model's output for each of `crops`, (N, size, size, 3) RGB uint8."""
    with tempfile.TemporaryDirectory() as folder:
        crops_path, scores_path = Path(folder) / "crops.u8", Path(folder) / "scores.f32"
        np.ascontiguousarray(crops, dtype=np.uint8).tofile(crops_path)
        subprocess.run(
            ["node", str(REPO / "training" / "score_onnx.mjs"), "--model", str(model), "--crops", str(crops_path),
             "--size", str(CLASSIFIER_INPUT_SIZE), "--out", str(scores_path)],
            check=True,
        )
        return np.fromfile(scores_path, dtype=np.float32)


def score_mirror_images(model: Path, crops: np.ndarray) -> np.ndarray:
    """The model's output for the left-right mirror image of each of `crops`: the second view of mirror averaging
    (training flips faces, so it is a view the network was taught to score like the first)."""
    return score_crops(model, crops[:, :, ::-1])
