"""End-to-end smoke test of the training pipeline on a few real photos.

Harvest faces with the app's detector, train a few steps, calibrate and
export fp32 + int8 ONNX, then load both with onnxruntime-node and check they
agree. Skips where ../shared (the training photos) is absent.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from sbi.damage import REAL_PHOTO_CONDITIONS
from sbi.crop import cut_by_edge, keypoint_centre
from sbi.data import crop, in_split, judged_by_app, load_harvest, read_rgb
from sbi.face_mesh import DEFAULT_MODEL as FACE_MESH_MODEL, FaceMesh
from sbi.faceres import DEFAULT_MODEL_JSON
from sbi.mobilefacenet import DEFAULT_MODEL_JSON as MOBILEFACENET_JSON
from sbi.onnx_scores import score_crops

REPO = Path(__file__).resolve().parents[2]
UTK = REPO.parent / "shared" / "data" / "faces-utk"

pytestmark = pytest.mark.skipif(not UTK.is_dir(), reason=f"training photos not found at {UTK} (../shared is absent): smoke test skipped")


def run(*args, cwd=REPO):
    subprocess.run([str(a) for a in args], cwd=cwd, check=True, env={**os.environ, "VITE_CONFIG_NATIVE_IGNORE_WARNING": "true"})


@pytest.fixture(scope="module")
def harvest(tmp_path_factory):
    path = tmp_path_factory.mktemp("harvest") / "faces.jsonl"
    run("node", "training/harvest/harvest.mjs", "--dir", UTK, "--out", path, "--limit", "400")
    return path


def test_harvest_finds_faces_in_nearly_all_training_photos(harvest):
    rows = [json.loads(line) for line in harvest.read_text().splitlines()]
    assert len(rows) == 400
    assert sum(bool(row.get("faces")) for row in rows) > 380


def test_the_keypoints_centre_lies_near_the_box_centre_and_every_chip_is_whole(harvest):
    # The crop of a face cut by the picture's edge is centred on its eyes and mouth instead of its clamped box
    # (cropSquare in src/crop/geometry.ts): on whole faces the two centres must agree, as a share of the box's side.
    records = load_harvest(harvest, UTK)[0]
    offsets = []
    for record in records:
        centre = keypoint_centre([{"x": x, "y": y} for x, y in record.keypoints])
        box = record.box
        offsets.append(np.hypot(centre[0] - box["x"] - box["width"] / 2, centre[1] - box["y"] - box["height"] / 2)
                       / max(box["width"], box["height"]))
    # Measured on these faces: median 0.03, 90th percentile 0.07 (box consistency trained for centre moves up to 0.04).
    assert np.median(offsets) < 0.05 and np.percentile(offsets, 90) < 0.10
    # And no training chip's face is cut by its edge: their crops keep the box's square, as before the rule; nor does
    # any lie so far past it, nor an eye past a side, that the app would leave it unjudged (selectFaces in src/faces/select.ts).
    sizes = [read_rgb(r.file).shape[1::-1] for r in records]
    assert not any(cut_by_edge(r.box, *size) for r, size in zip(records, sizes))
    assert all(judged_by_app(r.box, r.keypoints, *size) for r, size in zip(records, sizes))


@pytest.mark.skipif(not FACE_MESH_MODEL.is_file(), reason=f"{FACE_MESH_MODEL} absent (training/fetch_face_mesh.sh fetches it): skipped")
def test_the_face_mesh_lands_on_the_detectors_keypoints(harvest):
    # Two networks agreeing on where eyes, nose and mouth are: a misread layer of the TFLite file would scatter the mesh.
    records = load_harvest(harvest, UTK)[0][:48]
    meshes = FaceMesh()([read_rgb(r.file) for r in records], records)
    assert meshes.shape == (48, 468, 2)
    distances = []  # mean distance over eyes, nose tip and mouth, as a share of the face box's width
    for record, mesh in zip(records, meshes):
        mesh_points = np.array([(mesh[33] + mesh[133]) / 2, (mesh[362] + mesh[263]) / 2, mesh[1], (mesh[13] + mesh[14]) / 2])
        detector_points = record.keypoints[:4]  # right eye, left eye, nose tip, mouth
        distances.append(np.linalg.norm(mesh_points - detector_points, axis=1).mean() / record.box["width"])
    # Measured on these faces: median 0.034; the few far ones are turned faces in tight chips, where BlazeFace's
    # points are the ones off (one at 0.18 puts an eye on the nose bridge; the mesh finds the eye).
    assert np.median(distances) < 0.05 and np.percentile(distances, 90) < 0.10


def test_train_resume_continue_average_export_and_onnx_agreement(harvest, tmp_path):
    python = sys.executable
    training = REPO / "training"
    run_dir = tmp_path / "run"

    def steps_logged():
        return [json.loads(line)["step"] for line in (run_dir / "metrics.jsonl").read_text().splitlines()]

    def train(out, *options):
        # 12 faces and their pseudo-fakes make 3 batches an epoch: the stop falls inside the first, the end in the second.
        run(python, "-m", "sbi.train", "--harvest", harvest, "--images", UTK, "--out", out, "--steps", "4", "--batch", "8",
            "--limit", "12", "--val-limit", "8", "--checkpoint-every", "2", "--workers", "0", *options, cwd=training)

    # A session that stops half-way through the schedule, then a rerun that resumes and finishes it, keeping the mean
    # of the weights after steps 2 to 4 beside the live network.
    average = ("--average-from", "1", "--norm-samples", "16")
    train(run_dir, "--stop-after", "2", *average)
    assert (run_dir / "checkpoint.pt").exists() and (run_dir / "model.pt").exists()
    assert steps_logged() == [2] and not (run_dir / "averaged").exists()
    train(run_dir, *average)
    assert steps_logged() == [2, 4]
    assert json.loads((run_dir / "averaged" / "run.json").read_text())["averaged_steps"] == [2, 4]
    # It goes on with the batches and dropout an uninterrupted run has next, not the epoch's first batches again,
    # and with the average where it stood.
    uninterrupted = tmp_path / "uninterrupted"
    train(uninterrupted, *average)
    for weights in ("model.pt", "averaged/model.pt"):
        resumed_weights, uninterrupted_weights = (torch.load(folder / weights) for folder in (run_dir, uninterrupted))
        assert all(torch.equal(resumed_weights[name], uninterrupted_weights[name]) for name in uninterrupted_weights)
    # The average changes nothing in the live network's training, so one run gives both arms of a comparison.
    plain = tmp_path / "plain"
    train(plain)
    plain_weights, live_weights, averaged_weights = (torch.load(path) for path in
                                                     (plain / "model.pt", run_dir / "model.pt", run_dir / "averaged" / "model.pt"))
    assert all(torch.equal(plain_weights[name], live_weights[name]) for name in plain_weights)
    assert not torch.equal(averaged_weights["backbone.classifier.3.weight"], live_weights["backbone.classifier.3.weight"])
    (tmp_path / "averaged-export").mkdir()
    export_and_check(run_dir / "averaged", harvest, tmp_path / "averaged-export")

    # Continued training starts a new run from the finished one's weights.
    continued = tmp_path / "continued"
    run(python, "-m", "sbi.train", "--harvest", harvest, "--images", UTK, "--out", continued, "--steps", "2", "--batch", "8",
        "--limit", "64", "--val-limit", "8", "--workers", "0", "--init", run_dir / "model.pt", cwd=training)
    assert (continued / "model.pt").exists()

    # The two runs share a start and average into one network of the same shape, which exports like any run.
    soup = tmp_path / "soup"
    run(python, "-m", "sbi.soup", "--runs", run_dir, continued, "--harvest", harvest, "--images", UTK, "--out", soup,
        "--samples", "16", cwd=training)
    weights = [torch.load(folder / "model.pt") for folder in (run_dir, continued, soup)]
    output_layer = "backbone.classifier.3.weight"
    assert torch.allclose(weights[2][output_layer], (weights[0][output_layer] + weights[1][output_layer]) / 2)
    assert json.loads((soup / "run.json").read_text())["soup_of"] == [str(run_dir), str(continued)]
    export_and_check(soup, harvest, tmp_path)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg (Debian's package) is not installed: the narrow stage's video-frame damage cannot run")
def test_faceres_stages_export_and_agree(harvest, tmp_path):
    """The shipped model's five stages in miniature: FaceRes' weights (where training/fetch_human_models.sh put them,
    else from scratch), then --target-share, then batch norms restored, then a stage started from the third's
    exported int8 file with --min-resize, then the narrow network picked out of the fourth and taught by the
    third's file; the last one is exported, its bias capped for false positives, and checked."""
    common = ["--harvest", harvest, "--images", UTK, "--steps", "2", "--batch", "8", "--limit", "64", "--val-limit", "8", "--workers", "0"]
    pretrained = ["--pretrained", DEFAULT_MODEL_JSON] if DEFAULT_MODEL_JSON.exists() else []

    def train(name, *options):
        run(sys.executable, "-m", "sbi.train", *common, "--out", tmp_path / name, *options, cwd=REPO / "training")

    train("folded", "--arch", "faceres", "--backbone-lr", "0.05", *pretrained)
    train("target-share", "--arch", "faceres", "--backbone-lr", "0.1", "--target-share", "0.5", "--init", tmp_path / "folded" / "model.pt")
    train("batch-norm", "--arch", "faceres-bn", "--backbone-lr", "0.25", "--target-share", "0.5", "--init", tmp_path / "target-share" / "model.pt")
    # The restored norms started as the identity (each channel's scale = its spread in the data), not at
    # PyTorch's default scale 1 for every channel, which two small steps could not move this far.
    assert torch.load(tmp_path / "batch-norm" / "model.pt")["backbone.norms.0.weight"].std() > 0.1
    run(sys.executable, "-m", "sbi.export", "--run", tmp_path / "batch-norm", "--harvest", harvest, "--images", UTK,
        "--models", tmp_path / "stage3", "--val-limit", "16", cwd=REPO / "training")
    # With the box-consistency loss: two crops per item.
    train("stage4", "--arch", "faceres-bn", "--backbone-lr", "0.25", "--target-share", "0.5", "--min-resize", "0.3",
          "--init", tmp_path / "stage3" / "deepfake.onnx", "--box-consistency", "1")
    stage4 = tmp_path / "stage4"
    assert json.loads((stage4 / "run.json").read_text()) == {"arch": "faceres-bn", "pretrained": None, "target_share": 0.5, "min_resize": 0.3,
                                                           "max_blur": 1.2, "mesh_masks": False, "warp_share": 0.0, "video_share": 0.0,
                                                           "colour_match_share": 0.0, "other_face_share": 0.0, "sharpen_share": 0.0,
                                                           "frequency_shifts": ["blur", "sharpen", "resize"],
                                                           "aligned_views": False, "views_own_delivery": False, "view_spread": 1.0, "opposite_mirrors": False, "erase_share": 0.0, "beauty_share": 0.0, "face_beauty_share": 0.0, "face_beauty_fakes": False,
                                                           "distill": None, "distill_weight": None, "device": "cpu", "boundary_weight": None,
                                                           "sam_rho": None, "box_consistency": 1.0, "views": None,
                                                           "consistency_on": None, "consistency_undropped": None,
                                                           "consistency_features": None, "focal_gamma": None, "average_from": None}
    # The loss on the spread of the views' logits without the head's dropout.
    train("stage4-undropped", "--arch", "faceres-bn", "--target-share", "0.5", "--init", tmp_path / "stage3" / "deepfake.onnx",
          "--box-consistency", "1", "--consistency-undropped", "--stop-after", "1")
    assert json.loads((tmp_path / "stage4-undropped" / "run.json").read_text())["consistency_undropped"] is True
    # The loss on the spread of the views' pooled features instead of their logits.
    train("stage4-features", "--arch", "faceres-bn", "--target-share", "0.5", "--init", tmp_path / "stage3" / "deepfake.onnx",
          "--box-consistency", "1", "--consistency-features", "--stop-after", "1")
    assert json.loads((tmp_path / "stage4-features" / "run.json").read_text())["consistency_features"] is True
    # The labels' loss weighing the samples scored wrong most (focal loss).
    train("stage4-focal", "--arch", "faceres-bn", "--target-share", "0.5", "--init", tmp_path / "stage3" / "deepfake.onnx",
          "--box-consistency", "1", "--focal-gamma", "2", "--stop-after", "1")
    assert json.loads((tmp_path / "stage4-focal" / "run.json").read_text())["focal_gamma"] == 2.0
    # The same two crops per item without the loss on their spread: a run of its own, which the box-consistency run
    # would refuse to resume.
    train("stage4-views", "--arch", "faceres-bn", "--target-share", "0.5", "--init", tmp_path / "stage3" / "deepfake.onnx",
          "--views", "2", "--stop-after", "1")
    assert json.loads((tmp_path / "stage4-views" / "run.json").read_text())["views"] == 2
    refused = subprocess.run([sys.executable, "-m", "sbi.train", *common, "--out", tmp_path / "stage4-views", "--arch", "faceres-bn",
                              "--target-share", "0.5", "--box-consistency", "1"], cwd=REPO / "training", capture_output=True, text=True)
    assert refused.returncode != 0 and "--views 2 (not None)" in refused.stderr
    # With the boundary loss and sharpness-aware steps, stopped and resumed: the boundary head is saved with the
    # checkpoint and left out of model.pt.
    narrow_options = ["--arch", "faceres-bn-narrow", "--backbone-lr", "0.25", "--target-share", "0.5", "--min-resize", "0.3", "--video-share",
                      "0.5", "--colour-match-share", "0.5", "--other-face-share", "0.5", "--init", stage4 / "model.pt",
                      "--distill", tmp_path / "stage3" / "deepfake.onnx", "--boundary-weight", "1", "--sam-rho", "0.05"]
    train("narrow", *narrow_options, "--stop-after", "1")
    train("narrow", *narrow_options)
    narrow = tmp_path / "narrow"
    assert torch.load(narrow / "checkpoint.pt")["boundary_head"]["weight"].shape == (1, 384, 1, 1)
    assert json.loads((narrow / "run.json").read_text())["sam_rho"] == 0.05
    assert not any(name.startswith("boundary") for name in torch.load(narrow / "model.pt"))
    assert torch.load(narrow / "model.pt")["head.1.weight"].shape == (1, 768)  # 3/4 of stage 4's channels
    caps = {"clean": 0.05, "blur_sigma2": 0.125}
    manifest = export_and_check(narrow, harvest, tmp_path, *(f"--cap={name}={share}" for name, share in caps.items()))
    assert manifest["calibration"]["false_positive_caps"] == caps
    assert manifest["calibration"]["bias"] <= manifest["calibration"]["platt_bias"]
    # The shipped file keeps every cap on the validation reals it was set on (export's --val-limit 16).
    records, _ = load_harvest(harvest, UTK)
    val = in_split(records, "val")[:16]
    for name, share in caps.items():
        crops = np.stack([crop(REAL_PHOTO_CONDITIONS[name](read_rgb(r.file)), r.box) for r in val])
        flagged = int((score_crops(tmp_path / "models" / "deepfake.onnx", crops) >= 0.5).sum())
        assert flagged <= int(share * len(val)), f"{name}: {flagged} of {len(val)} validation reals flagged"

    # Its file, exported again with mirror averaging, calibrated anew under the same caps (sbi.export --shipped --mirror).
    mirrored = tmp_path / "mirrored"
    run(sys.executable, "-m", "sbi.export", "--shipped", tmp_path / "models" / "deepfake.onnx", "--mirror", "--harvest", harvest,
        "--images", UTK, "--models", mirrored, "--fp32", mirrored / "deepfake-fp32.onnx", "--val-limit", "16",
        *(f"--cap={name}={share}" for name, share in caps.items()), cwd=REPO / "training")
    mirrored_manifest = json.loads((mirrored / "deepfake.json").read_text())
    assert mirrored_manifest["views"] == ["face", "mirror image"] and manifest["views"] == ["face"]
    assert mirrored_manifest["architecture"] == manifest["architecture"]
    # Both views go through the network as one batch: its 27 convolutions (stem, 13 blocks of two) stay single.
    assert sum(node.op_type == "Conv" for node in onnx.load(str(mirrored / "deepfake.onnx")).graph.node) == 27


@pytest.mark.skipif(not MOBILEFACENET_JSON.exists(), reason=f"{MOBILEFACENET_JSON} absent (training/fetch_human_models.sh fetches it): skipped")
def test_mobilefacenet_start_learns_from_a_faceres_teacher_and_exports_mirrored(harvest, tmp_path):
    """MobileFaceNet's weights, taught in part by the shipped FaceRes file, exported with the mirror view: the other
    pretrained start goes the whole way to a file the app can load."""
    run(sys.executable, "-m", "sbi.train", "--harvest", harvest, "--images", UTK, "--steps", "2", "--batch", "8", "--limit", "64",
        "--val-limit", "8", "--workers", "0", "--out", tmp_path / "mfn", "--arch", "mobilefacenet-bn-112",
        "--pretrained", MOBILEFACENET_JSON, "--distill", REPO / "models" / "deepfake.onnx", "--target-share", "0.5", cwd=REPO / "training")
    manifest = export_and_check(tmp_path / "mfn", harvest, tmp_path, "--mirror")
    assert manifest["architecture"].startswith("MobileFaceNet") and manifest["views"] == ["face", "mirror image"]


def export_and_check(run_dir, harvest, tmp_path, *export_options):
    """Exports a run, then checks the int8 model's format and that onnxruntime-node scores it like the fp32 one."""
    models = tmp_path / "models"
    run(sys.executable, "-m", "sbi.export", "--run", run_dir, "--harvest", harvest, "--images", UTK, "--models", models,
        "--val-limit", "16", *export_options, cwd=REPO / "training")
    manifest = json.loads((models / "deepfake.json").read_text())
    int8 = models / "deepfake.onnx"
    assert manifest["bytes"] == int8.stat().st_size < 5_000_000
    model = onnx.load(str(int8))
    assert model.opset_import[0].version >= 13
    assert any(node.op_type == "DequantizeLinear" for node in model.graph.node)
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param, "batch dimension is dynamic"

    crops = np.random.default_rng(0).integers(0, 256, size=(6, 160, 160, 3), dtype=np.uint8)
    crops_path = tmp_path / "crops.u8"
    crops.tofile(crops_path)
    scores = {}
    for name, path in (("int8", int8), ("fp32", run_dir / "deepfake-fp32.onnx")):
        out = tmp_path / f"{name}.f32"
        run("node", "training/score_onnx.mjs", "--model", path, "--crops", crops_path, "--size", "160", "--out", out)
        scores[name] = np.fromfile(out, dtype=np.float32)
    assert scores["int8"].shape == (6,)
    assert np.all((scores["int8"] >= 0) & (scores["int8"] <= 1))
    assert np.abs(scores["int8"] - scores["fp32"]).max() < 0.05
    return manifest


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg (Debian's package) is not installed: sbi.evaluate's H.264 row cannot run")
def test_evaluate_reports_each_model_as_if_measured_alone(harvest, tmp_path):
    """sbi.evaluate builds its crops once for all --model files; each report must be the one a run of its own gives."""
    training = REPO / "training"
    run(sys.executable, "-m", "sbi.train", "--harvest", harvest, "--images", UTK, "--out", tmp_path / "run", "--steps", "2",
        "--batch", "8", "--limit", "64", "--val-limit", "8", "--workers", "0", cwd=training)
    run(sys.executable, "-m", "sbi.export", "--run", tmp_path / "run", "--harvest", harvest, "--images", UTK,
        "--models", tmp_path / "models", "--val-limit", "16", cwd=training)
    int8, fp32 = tmp_path / "models" / "deepfake.onnx", tmp_path / "run" / "deepfake-fp32.onnx"
    evaluate = [sys.executable, "-m", "sbi.evaluate", "--utk-harvest", harvest, "--utk", UTK, "--limit", "12"]
    run(*evaluate, "--model", int8, fp32, "--out", tmp_path / "int8.json", tmp_path / "fp32.json", cwd=training)
    run(*evaluate, "--model", fp32, "--out", tmp_path / "fp32-alone.json", cwd=training)
    int8_report, fp32_report = (json.loads((tmp_path / f"{name}.json").read_text()) for name in ("int8", "fp32"))
    assert fp32_report == json.loads((tmp_path / "fp32-alone.json").read_text())
    assert int8_report["model"] == str(int8) and fp32_report["model"] == str(fp32)
    assert int8_report["test_faces"] == 12 and int8_report["sbi_heldout"]["count"] == 24
    for name in (f"real_{condition}" for condition in REAL_PHOTO_CONDITIONS if condition != "clean"):
        assert int8_report[name]["count"] == 12 and 0 <= int8_report[name]["false_positive_rate"] <= 1
    assert 0 <= int8_report["sbi_heldout"]["auc"] <= 1 and "stability_half_size" in int8_report
    # Each file was scored itself, not handed the first one's numbers: int8 and fp32 scores are never all equal.
    assert int8_report["real_faces"]["mean_score"] != fp32_report["real_faces"]["mean_score"]
