"""FaceRes' TFJS weights are read and mapped onto our PyTorch MobileNet correctly.

The weight reader is checked on a manifest we write ourselves. The mapping is
checked the only way that proves it end to end: FaceRes' own gender head on our
backbone must tell men from women in UTKFace photos (labelled in their file
names) about as well as FaceRes does; a transposed kernel or a misplaced bias
drops it to chance. Skips where the weights (training/fetch_human_models.sh) or
../shared are absent.
"""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from sbi.faceres import DEFAULT_MODEL_JSON, LITE_BLOCKS, FaceResBackbone, GenderHead, faceres_input, keep_blocks, read_tfjs_weights
from sbi.model import ARCHITECTURES, FaceResDeepfakeNet, build_net
from sbi.norms import init_batch_norms_as_identity

UTK = Path(__file__).resolve().parents[3] / "shared" / "data" / "faces-utk"


def test_reads_float16_quantized_and_int32_weights(tmp_path):
    kernel = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    indices = np.array([1, 2], dtype=np.int32)
    (tmp_path / "w.bin").write_bytes(kernel.astype(np.float16).tobytes() + indices.tobytes())
    manifest = {"weightsManifest": [{"paths": ["w.bin"], "weights": [
        {"name": "k", "shape": [2, 3], "dtype": "float32", "quantization": {"dtype": "float16", "original_dtype": "float32"}},
        {"name": "i", "shape": [2], "dtype": "int32"}]}]}
    (tmp_path / "m.json").write_text(json.dumps(manifest))
    tensors = read_tfjs_weights(tmp_path / "m.json")
    assert tensors["k"].dtype == np.float32 and np.array_equal(tensors["k"], kernel)
    assert np.array_equal(tensors["i"], indices)


def test_refuses_a_manifest_that_disagrees_with_its_weight_file(tmp_path):
    (tmp_path / "w.bin").write_bytes(np.zeros(5, np.float32).tobytes())
    manifest = {"weightsManifest": [{"paths": ["w.bin"], "weights": [{"name": "k", "shape": [4], "dtype": "float32"}]}]}
    (tmp_path / "m.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="manifest describes 16 bytes"):
        read_tfjs_weights(tmp_path / "m.json")


def test_network_without_pretrained_weights_gives_one_logit_per_face():
    net = build_net("faceres").eval()
    assert isinstance(net, FaceResDeepfakeNet)
    with torch.no_grad():
        assert net(torch.rand(2, 3, 160, 160) * 255).shape == (2, 1)


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_every_network_runs_wherever_its_weights_are(arch):
    # The meta device stands in for a GPU: a constant made on the CPU inside forward() fails there as it would on CUDA.
    net = build_net(arch).to("meta").eval()
    assert net(torch.zeros(2, 3, 160, 160, device="meta")).device.type == "meta"


@pytest.mark.skipif(not DEFAULT_MODEL_JSON.exists(), reason=f"FaceRes weights not at {DEFAULT_MODEL_JSON}: run training/fetch_human_models.sh")
@pytest.mark.skipif(not UTK.is_dir(), reason=f"UTKFace photos not found at {UTK} (../shared is absent)")
def test_mapped_weights_keep_faceres_gender_accuracy():
    tensors = read_tfjs_weights(DEFAULT_MODEL_JSON)
    backbone, head = FaceResBackbone(), GenderHead(tensors)
    backbone.load_tfjs(tensors)
    backbone.eval()
    # UTKFace names are age_gender_race_date.jpg, gender 0 = male.
    files = [f for f in sorted(UTK.glob("*.jpg"))[::150] if len(f.name.split("_")) >= 4][:120]
    rgb = np.stack([cv2.resize(cv2.imread(str(f))[:, :, ::-1], (224, 224)) for f in files])
    male = np.array([f.name.split("_")[1] == "0" for f in files])
    pixels = torch.from_numpy(rgb).permute(0, 3, 1, 2).float()
    with torch.no_grad():
        p_male = head(backbone(faceres_input(pixels))).squeeze(1).numpy()
    accuracy = float(((p_male > 0.5) == male).mean())
    assert accuracy > 0.85, f"gender accuracy {accuracy:.2f} on {len(files)} UTKFace photos: the weights are mapped wrong"


def test_restored_batch_norms_start_as_the_identity():
    torch.manual_seed(0)
    plain = FaceResDeepfakeNet()
    with_norms = FaceResDeepfakeNet(batch_norm=True)
    missing, unexpected = with_norms.load_state_dict(plain.state_dict(), strict=False)
    assert not unexpected and missing and all(key.startswith("backbone.norms.") for key in missing)
    pixels = torch.rand(6, 3, 64, 64) * 255
    init_batch_norms_as_identity(with_norms, pixels)
    plain.eval(), with_norms.eval()
    with torch.no_grad():
        expected, got = plain(pixels), with_norms(pixels)
    assert torch.allclose(expected, got, atol=1e-4 * float(expected.abs().max()) + 1e-5)
    # The norms are live, not frozen: a training step on darker pixels moves their statistics.
    before = with_norms.backbone.norms[0].running_mean.clone()
    with_norms.train()
    with_norms(pixels * 0.5)
    assert not torch.allclose(with_norms.backbone.norms[0].running_mean, before)


def test_lite_network_takes_its_blocks_from_the_full_one():
    """keep_blocks renumbers blocks 1-8 and 12 (and their norms) so that a lite net computes what the full net did up to block 8."""
    torch.manual_seed(0)
    full = build_net("faceres-bn")
    pixels = torch.rand(2, 3, 160, 160) * 255
    init_batch_norms_as_identity(full, pixels)
    with torch.no_grad():
        for norm in full.backbone.norms:
            norm.bias.add_(torch.randn_like(norm.bias) * 0.1)
    lite = build_net("faceres-bn-lite")
    lite.load_state_dict(keep_blocks(full.state_dict(), LITE_BLOCKS))  # strict: every key renamed, none left over

    def after_block_8(net):
        x = faceres_input(pixels)
        layers = list(zip(net.backbone.convolutions(), net.backbone.norms))[: 1 + 2 * 8]
        for conv, norm in layers:
            x = torch.nn.functional.relu6(norm(conv(x)))
        return x

    full.eval(), lite.eval()
    with torch.no_grad():
        assert torch.equal(after_block_8(lite), after_block_8(full))
    assert torch.equal(lite.backbone.pointwise[8].weight, full.backbone.pointwise[11].weight)
    assert torch.equal(lite.backbone.norms[-1].running_var, full.backbone.norms[2 + 2 * 11].running_var)
    assert torch.equal(lite.head[1].weight, full.head[1].weight)


@pytest.mark.parametrize("arch, side", [("faceres-bn-narrow-128", 8), ("faceres-bn-lite", 10)])
def test_the_tapped_map_is_the_last_downsamplings_input_and_the_logit_is_unchanged(arch, side):
    net = build_net(arch).eval()
    pixels = torch.rand(2, 3, 160, 160) * 255
    with torch.no_grad():
        logit, tapped = net.forward_with_map(pixels)
        assert torch.equal(logit, net(pixels))
    assert tapped.shape == (2, net.backbone.tapped_channels(), side, side)


def test_the_undropped_logit_is_the_training_logit_without_the_heads_dropout_alone():
    torch.manual_seed(0)
    net = build_net("faceres-bn-narrow-128").train()  # batch norms on the batch's statistics, dropout on
    pixels = torch.rand(4, 3, 160, 160) * 255
    with torch.no_grad():
        dropped, undropped = net.forward_undropped(pixels)
        again, undropped_again = net.forward_undropped(pixels)
        net.head.eval()  # only the dropout off; the backbone still trains
        plain = net(pixels)
    assert not torch.equal(dropped, again)  # two dropout draws
    assert torch.equal(undropped, undropped_again) and torch.allclose(undropped, plain, atol=1e-6)
