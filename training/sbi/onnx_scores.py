"""Scores face crops with an exported ONNX file in onnxruntime-node, the runtime closest to the app's.

Debian packages no onnxruntime for Python, so training/score_onnx.mjs does the running, through the
page's own runner (src/classify/score-faces.js): a file that scores one view gets its second where
the page would give it.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from .crop import CLASSIFIER_INPUT_SIZE

REPO = Path(__file__).resolve().parents[2]
# The outputs of a file that scores one view (sbi.second_view), named as the runner knows them.
LOGIT_OUTPUT, SECOND_VIEW_OUTPUT = "deepfake_logit", "second_view_from"


def _cut_node(model: onnx.ModelProto) -> onnx.NodeProto | None:
    """The Constant node that holds a one-view file's cut (sbi.second_view); None in a file without one."""
    return next((node for node in model.graph.node if node.op_type == "Constant" and list(node.output) == [SECOND_VIEW_OUTPUT]),
                None)


def second_view_from(model: onnx.ModelProto) -> float | None:
    """The calibrated logit from which a file as sbi.second_view writes it looks at a face's mirror image; None
    for a file that looks at every face the same way."""
    node = _cut_node(model)
    return None if node is None else float(numpy_helper.to_array(node.attribute[0].t))


def first_view_only(model: onnx.ModelProto) -> onnx.ModelProto | None:
    """A copy of a one-view file whose cut no face reaches, so that the runner scores every face on its first view
    alone; None for a file without a cut."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    node = _cut_node(copy)
    if node is None:
        return None
    tensor = node.attribute[0].t
    tensor.CopyFrom(numpy_helper.from_array(np.array(np.finfo(np.float32).max, dtype=np.float32), tensor.name))
    return copy


def first_view_file(model: Path, folder: Path) -> Path | None:
    """first_view_only's copy of the file at `model`, written into `folder`; None, writing nothing, for a file without
    a cut."""
    copy = first_view_only(onnx.load(str(model)))
    if copy is None:
        return None
    path = folder / "first-view.onnx"
    onnx.save(copy, str(path))
    return path


def score_crops_and_views(model: Path, crops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The model's score for each of `crops`, (N, size, size, 3) RGB uint8, and how many views it took (1 or 2)."""
    with tempfile.TemporaryDirectory() as folder:
        crops_path, scores_path, views_path = (Path(folder) / name for name in ("crops.u8", "scores.f32", "views.u8"))
        np.ascontiguousarray(crops, dtype=np.uint8).tofile(crops_path)
        subprocess.run(
            ["node", str(REPO / "training" / "score_onnx.mjs"), "--model", str(model), "--crops", str(crops_path),
             "--size", str(CLASSIFIER_INPUT_SIZE), "--out", str(scores_path), "--views", str(views_path)],
            check=True,
        )
        return np.fromfile(scores_path, dtype=np.float32), np.fromfile(views_path, dtype=np.uint8)


def score_crops(model: Path, crops: np.ndarray) -> np.ndarray:
    """The model's score for each of `crops`, (N, size, size, 3) RGB uint8."""
    return score_crops_and_views(model, crops)[0]


def score_together(models: list[Path], crops: np.ndarray) -> np.ndarray:
    """The score of `models` together for each of `crops`: the sigmoid of the mean of their calibrated logits (each
    file's score read back as a logit), a face's evidence from every file weighed alike."""
    scores = np.stack([score_crops(model, crops).astype(np.float64) for model in models])
    scores = np.clip(scores, 1e-12, 1 - 1e-12)
    return (1 / (1 + np.exp(-np.log(scores / (1 - scores)).mean(axis=0)))).astype(np.float32)


def score_mirror_images(model: Path, crops: np.ndarray) -> np.ndarray:
    """The model's output for the left-right mirror image of each of `crops`: the second view of mirror averaging
    (training flips faces, so it is a view the network was taught to score like the first)."""
    return score_crops(model, crops[:, :, ::-1])
