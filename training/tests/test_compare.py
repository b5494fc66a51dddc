"""sbi.compare's --jpeg (the same faces, cut at the same boxes from their images saved again, against themselves) and
--first-view (a one-view file scored without its second view, against itself)."""
import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from sbi import compare
from sbi.blend import jpeg
from sbi.data import crop, read_rgb

BOX = {"x": 8, "y": 8, "width": 48, "height": 48, "score": 0.9,
       "keypoints": [{"x": 20 + k, "y": 24 + k} for k in range(6)]}


def dfdc_like(tmp_path):
    """Two real and two fake 64x64 photos of fine noise (which JPEG q10 visibly changes), each with one face found."""
    rng = np.random.default_rng(0)
    for name in ("real", "fake"):
        (tmp_path / name).mkdir()
        rows = []
        for k in range(2):
            cv2.imwrite(str(tmp_path / name / f"{k}.png"), rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))
            rows.append(json.dumps({"file": f"{k}.png", "faces": [BOX]}))
        (tmp_path / f"dfdc-{name}.jsonl").write_text("\n".join(rows) + "\n")
    return tmp_path


def test_jpeg_scores_each_model_on_the_recompressed_images_at_the_same_boxes(tmp_path, monkeypatch, capsys):
    folder = dfdc_like(tmp_path)
    scored: list[np.ndarray] = []

    def brightness(model, crops):  # a stand-in scorer that any change of pixels moves
        scored.append(crops)
        return crops.reshape(len(crops), -1).mean(axis=1).astype(np.float32)

    monkeypatch.setattr(compare, "score_crops", brightness)
    compare.main(["--dfdc-harvest", str(folder), "--dfdc", str(folder), "--jpeg", "10", "a.onnx", "b.onnx"])
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if "images saved again at JPEG q10" in line][0].startswith("a.onnx, ")
    assert sum("against the images as they are" in line for line in lines) == 2
    # Two models on the images as they are, then each on the recompressed ones: real faces first, as labelled.
    assert len(scored) == 4 and np.array_equal(scored[0], scored[1]) and np.array_equal(scored[2], scored[3])
    expected = [crop(jpeg(read_rgb(folder / name / f"{k}.png"), 10), BOX) for name in ("real", "fake") for k in range(2)]
    assert np.array_equal(scored[2], np.stack(expected)) and not np.array_equal(scored[2], scored[0])
    assert all(re.search(r"AUC \d\.\d{4}", line) for line in lines[1:])


def test_jpeg_quality_out_of_range_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        compare.main(["--dfdc-harvest", str(tmp_path), "--dfdc", str(tmp_path), "--jpeg", "0", "a.onnx"])
    assert "--jpeg: a quality from 1 to 100" in capsys.readouterr().err


def test_first_view_scores_a_file_with_a_cut_without_its_second_view_and_names_one_without(tmp_path, monkeypatch, capsys):
    folder = dfdc_like(tmp_path)
    scored: list[str] = []

    def by_file(model, crops):  # a stand-in scorer: the file with the cut as the page scores it, its first view alone
        scored.append(Path(model).name)
        return crops.reshape(len(crops), -1).mean(axis=1).astype(np.float32) * (1 if Path(model).name == "first-view.onnx" else -1)

    monkeypatch.setattr(compare, "score_crops", by_file)
    monkeypatch.setattr(compare, "first_view_file", lambda model, folder: None if model.name == "plain.onnx" else folder / "first-view.onnx")
    compare.main(["--dfdc-harvest", str(folder), "--dfdc", str(folder), "--first-view", "cut.onnx", "plain.onnx", "other-cut.onnx"])
    lines = capsys.readouterr().out.splitlines()
    assert scored == ["cut.onnx", "plain.onnx", "other-cut.onnx", "first-view.onnx", "first-view.onnx"]
    assert re.match(r"cut\.onnx, first view alone: AUC \d\.\d{4}, [+-]\d\.\d{4} against itself as the page scores it", lines[4])
    assert lines[5] == "plain.onnx: no cut, so no first view alone to score"
    assert re.match(r"other-cut\.onnx, first view alone: AUC \d\.\d{4}, [+-]\d\.\d{4} against itself as the page scores it", lines[6])
    # After the first file, the first view alone is also set against the first file as the page scores it.
    first_auc, alone_auc = float(lines[1].split("AUC ")[1]), float(lines[6].split("AUC ")[1][:6])
    assert lines[7].startswith(f"other-cut.onnx, first view alone: AUC {alone_auc:.4f}, {alone_auc - first_auc:+.4f} against the first")
    assert len(lines) == 8
