"""The mirror-symmetric network scores a face and its mirror image alike, in torch and as the app runs its file."""
import json

import numpy as np
import onnx
import pytest
import torch
from conftest import lively_net

from sbi import export
from sbi.export import export_onnx
from sbi.model import CalibratedNet, build_net
from sbi.onnx_scores import score_crops
from sbi.quantize import quantize_weights

SYMMETRIC = "faceres-bn-narrow-129-symmetric"


def faces_and_mirrors(count: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    pixels = torch.rand(count, 3, 160, 160, generator=torch.Generator().manual_seed(1)) * 255
    return pixels, pixels.flip(3)


def test_scores_a_face_and_its_mirror_image_alike():
    net = lively_net(SYMMETRIC)  # random weights: no kernel is symmetric until the network makes it so
    assert not torch.equal(net.backbone.stem[-1].weight, net.backbone.stem[-1].weight.flip(3))
    faces, mirrors = faces_and_mirrors()
    with torch.no_grad():
        logits, mirrored = net(faces), net(mirrors)
    assert logits.std() > 0.05, "the faces must score apart for the test to mean anything"
    torch.testing.assert_close(mirrored, logits, rtol=1e-4, atol=1e-4)


def test_the_network_it_is_built_from_does_not():
    """The control: the same layout with TensorFlow's 'SAME' padding and free kernels tells the views apart."""
    net = lively_net("faceres-bn-narrow-128")
    faces, mirrors = faces_and_mirrors()
    with torch.no_grad():
        assert (net(faces) - net(mirrors)).abs().max() > 1e-2


def test_starts_from_a_run_of_the_asymmetric_network():
    """--init from stage 5's or 7's runs: the state dicts share their names; the kernels are made symmetric when used."""
    asymmetric = build_net("faceres-bn-narrow-128").state_dict()
    net = build_net(SYMMETRIC)
    net.load_state_dict(asymmetric)
    assert torch.equal(net.backbone.depthwise[0][-1].weight, asymmetric["backbone.depthwise.0.0.weight"])


def test_its_int8_file_scores_a_face_and_its_mirror_image_alike(tmp_path):
    """Per-channel int8 keeps a symmetric kernel symmetric, and onnxruntime pads and resizes evenly."""
    fp32 = tmp_path / "fp32.onnx"
    export_onnx(CalibratedNet(lively_net(SYMMETRIC), 1.0, 0.0), fp32)
    int8 = tmp_path / "int8.onnx"
    onnx.save(quantize_weights(onnx.load(str(fp32))), str(int8))
    faces, _ = faces_and_mirrors()
    crops = faces.permute(0, 2, 3, 1).round().to(torch.uint8).numpy()
    scores = score_crops(int8, crops)
    assert scores.std() > 0.01
    np.testing.assert_allclose(score_crops(int8, np.ascontiguousarray(crops[:, :, ::-1])), scores, rtol=1e-4, atol=1e-5)


def test_export_refuses_to_mirror_it(tmp_path, capsys):
    """A second view of a network that scores both alike would double its time for nothing."""
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({"arch": SYMMETRIC}))
    torch.save(build_net(SYMMETRIC).state_dict(), run / "model.pt")
    with pytest.raises(SystemExit):
        export.main(["--run", str(run), "--mirror", "--harvest", str(tmp_path / "none.jsonl"), "--images", str(tmp_path),
                     "--models", str(tmp_path / "models")])
    assert "scores a face and its mirror image alike already" in capsys.readouterr().err
