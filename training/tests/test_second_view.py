"""The classifier that looks at a face's mirror image only where the first view's score reaches the cut (the file
scores one view; score_crops runs it through the page's runner, src/classify/score-faces.js)."""
import numpy as np
import onnx
import pytest
import torch
from conftest import lively_net

from sbi.export import export_onnx
from sbi.model import CalibratedNet, MirrorAveraged
from sbi.onnx_scores import first_view_only, score_crops, score_crops_and_views, second_view_from
from sbi.onnx_weights import logits_net_from_onnx
from sbi.quantize import quantize_weights
from sbi.second_view import cut_from_gaps, rewritten, second_view_graph

SCALE, BIAS = 0.1, 1.0


@pytest.fixture(scope="module")
def views(tmp_path_factory):
    """A network whose two views of each crop score apart, both views' logits, and its bare one-view graph."""
    torch.manual_seed(0)
    # Not mirror-symmetric: a random convolution whose left and right halves the head weighs apart.
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 4, stride=4), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d((1, 2)),
                              torch.nn.Flatten(), torch.nn.Linear(8, 1)).eval()
    crops = np.random.default_rng(0).integers(0, 256, (6, 160, 160, 3), dtype=np.uint8)
    pixels = torch.from_numpy(crops).permute(0, 3, 1, 2).float()
    with torch.no_grad():
        face, mirror = net(pixels).squeeze(1).numpy(), net(pixels.flip(3)).squeeze(1).numpy()
    assert np.abs(face - mirror).min() > 0.1, "the views must score differently for the test to tell them apart"
    one_view = export_onnx(net, tmp_path_factory.mktemp("one-view") / "net.onnx")
    return crops, face, mirror, one_view


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def cut_at_the_median(views, folder):
    """The views' network as second_view_graph writes it, cut so that half the crops reach the cut; the file, the
    first view's calibrated logits and which crops reach it."""
    _, face, _, one_view = views
    calibrated = SCALE * face + BIAS
    cut = float(np.median(calibrated))
    path = folder / "second-view.onnx"
    onnx.save(second_view_graph(one_view, SCALE, BIAS, cut), str(path))
    return path, calibrated, calibrated >= cut


def test_faces_from_the_cut_get_both_views_and_the_rest_the_first_alone(views, tmp_path):
    crops, face, mirror, _ = views
    path, calibrated, wants = cut_at_the_median(views, tmp_path)
    assert 0 < wants.sum() < len(crops)
    expected = np.where(wants, sigmoid(SCALE * (face + mirror) / 2 + BIAS), sigmoid(calibrated))
    np.testing.assert_allclose(score_crops(path, crops), expected, rtol=1e-4, atol=1e-6)
    # A face's score is its own, whatever else shares its batch: alone, or with only faces under the cut (no mirror
    # image run for the batch at all).
    for k in range(len(crops)):
        np.testing.assert_allclose(score_crops(path, crops[k:k + 1]), expected[k:k + 1], rtol=1e-4, atol=1e-6)
    under = ~wants
    np.testing.assert_allclose(score_crops(path, crops[under]), expected[under], rtol=1e-4, atol=1e-6)


def test_a_cut_under_every_face_scores_as_the_two_view_file_does(views, tmp_path):
    crops, face, mirror, one_view = views
    path = tmp_path / "second-view.onnx"
    onnx.save(second_view_graph(one_view, SCALE, BIAS, -1e9), str(path))
    np.testing.assert_allclose(score_crops(path, crops), sigmoid(SCALE * (face + mirror) / 2 + BIAS), rtol=1e-4, atol=1e-6)


def test_the_cut_lies_twice_the_largest_half_gap_under_the_threshold():
    face, mirror = np.array([0.0, 1.0, -2.0]), np.array([0.2, 0.4, -2.1])  # the largest half-gap: 0.3
    assert cut_from_gaps(face, mirror, scale=2.0) == pytest.approx(-2 * 2.0 * 0.3)


@pytest.fixture(scope="module")
def shipped_like(tmp_path_factory):
    """A FaceRes network exported as the shipped file is (mirror-averaged, int8), and that file rewritten."""
    net = lively_net("faceres-bn-narrow-128")
    folder = tmp_path_factory.mktemp("shipped-like")
    export_onnx(CalibratedNet(MirrorAveraged(net), 1.3, -0.2), folder / "fp32.onnx")
    onnx.save(quantize_weights(onnx.load(str(folder / "fp32.onnx"))), str(folder / "deepfake.onnx"))
    onnx.save(rewritten(folder / "deepfake.onnx", -1e9), str(folder / "second-view.onnx"))
    return folder


def test_a_rewritten_file_keeps_the_int8_weights_and_scores_as_it_did(shipped_like):
    # rewritten() itself refuses weights that did not quantize back to themselves; a cut under every face then
    # leaves every score as the two-view file gave it.
    crops = np.random.default_rng(1).integers(0, 256, (3, 160, 160, 3), dtype=np.uint8)
    np.testing.assert_allclose(score_crops(shipped_like / "second-view.onnx", crops),
                               score_crops(shipped_like / "deepfake.onnx", crops), rtol=1e-4, atol=1e-6)


def test_a_rewritten_file_still_teaches_the_mean_over_both_views(shipped_like):
    pixels = torch.rand(2, 3, 160, 160) * 255
    teacher = logits_net_from_onnx(shipped_like / "second-view.onnx").eval()
    original = logits_net_from_onnx(shipped_like / "deepfake.onnx").eval()
    assert isinstance(teacher, MirrorAveraged)
    with torch.no_grad():
        assert torch.allclose(teacher(pixels), original(pixels), rtol=1e-4, atol=1e-4)


def test_tells_which_faces_took_the_second_view(views, tmp_path):
    crops, one_view = views[0], views[3]
    path, _, wants = cut_at_the_median(views, tmp_path)
    np.testing.assert_array_equal(score_crops_and_views(path, crops)[1], np.where(wants, 2, 1))
    assert second_view_from(onnx.load(str(path))) == pytest.approx(float(np.median(SCALE * views[1] + BIAS)))
    onnx.save(one_view, str(tmp_path / "one-view.onnx"))
    assert second_view_from(onnx.load(str(tmp_path / "one-view.onnx"))) is None


def test_a_file_without_its_second_view_scores_every_face_on_the_first_alone(views, tmp_path):
    crops, face, _, one_view = views
    path, calibrated, wants = cut_at_the_median(views, tmp_path)
    alone = tmp_path / "first-view.onnx"
    onnx.save(first_view_only(onnx.load(str(path))), str(alone))
    scores, taken = score_crops_and_views(alone, crops)
    np.testing.assert_array_equal(taken, 1)
    np.testing.assert_allclose(scores, sigmoid(calibrated), rtol=1e-4, atol=1e-6)
    # The file it came from is left as it was: half its faces still take both views.
    np.testing.assert_array_equal(score_crops_and_views(path, crops)[1], np.where(wants, 2, 1))
    assert first_view_only(one_view) is None  # a file without a cut has no first view to keep apart
