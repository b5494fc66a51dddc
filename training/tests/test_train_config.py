"""A resumed run must continue the same network on the same data stream and device; what the network learns to match."""
import json

import cv2
import pytest
import torch

from sbi.data import FaceRecord, in_split, split_of, training_faces
from sbi.train import CONSISTENCY_ITEMS, RunningAverage, check_same_run, features_spread, focal_bce, main, one_opencv_thread_if_forking, targets, views_spread

CONFIG = {"arch": "faceres-bn", "pretrained": None, "target_share": 0.5, "min_resize": 0.5, "max_blur": 1.2, "mesh_masks": False,
          "warp_share": 0.0, "video_share": 0.0, "colour_match_share": 0.0, "other_face_share": 0.0, "sharpen_share": 0.0,
          # A tuple, as sbi.train's config holds it and as run.json cannot (JSON writes a list).
          "frequency_shifts": ("blur", "sharpen", "resize"),
          "aligned_views": False, "views_own_delivery": False, "view_spread": 1.0, "opposite_mirrors": False, "erase_share": 0.0, "beauty_share": 0.0, "face_beauty_share": 0.0, "face_beauty_fakes": False, "distill": None, "distill_weight": None, "device": "cpu", "boundary_weight": None, "sam_rho": None, "box_consistency": None, "views": None, "consistency_on": None,
          "consistency_undropped": None, "consistency_features": None, "focal_gamma": None, "average_from": None}


def write(tmp_path, config):
    path = tmp_path / "run.json"
    path.write_text(json.dumps(config))
    return path


def test_a_new_run_or_the_same_settings_go_on(tmp_path):
    check_same_run(tmp_path / "run.json", CONFIG)  # nothing to resume yet
    check_same_run(write(tmp_path, CONFIG), dict(CONFIG))


@pytest.mark.parametrize("change", [{"arch": "faceres"}, {"target_share": 0.0}, {"min_resize": 0.3}, {"max_blur": 2.5},
                                    {"mesh_masks": True}, {"warp_share": 0.5}, {"video_share": 0.5},
                                    {"colour_match_share": 0.5}, {"other_face_share": 0.5}, {"sharpen_share": 0.5},
                                    {"frequency_shifts": ("blur", "resize")}, {"aligned_views": True}, {"views_own_delivery": True}, {"view_spread": 2.0}, {"opposite_mirrors": True}, {"erase_share": 0.5}, {"beauty_share": 0.5}, {"face_beauty_share": 0.5}, {"face_beauty_fakes": True}, {"distill": "teacher.onnx"}, {"device": "cuda"},
                                    {"boundary_weight": 1.0}, {"sam_rho": 0.05}, {"box_consistency": 1.0}, {"views": 2}, {"consistency_on": "real"},
                                    {"consistency_undropped": True}, {"consistency_features": True}, {"focal_gamma": 2.0}])
def test_another_arch_or_data_stream_is_refused(tmp_path, change):
    with pytest.raises(SystemExit, match="--" + next(iter(change)).replace("_", "-")):
        check_same_run(write(tmp_path, CONFIG), {**CONFIG, **change})


def test_runs_from_before_the_data_options_count_as_their_defaults(tmp_path):
    path = write(tmp_path, {"arch": "faceres", "pretrained": None})
    defaults = {"min_resize": 0.5, "max_blur": 1.2, "mesh_masks": False, "warp_share": 0.0, "video_share": 0.0, "colour_match_share": 0.0,
                "other_face_share": 0.0, "sharpen_share": 0.0, "frequency_shifts": ("blur", "sharpen", "resize"), "aligned_views": False, "views_own_delivery": False, "view_spread": 1.0, "opposite_mirrors": False, "erase_share": 0.0, "beauty_share": 0.0, "face_beauty_share": 0.0, "face_beauty_fakes": False, "distill": None, "distill_weight": None,
                "device": "cpu", "boundary_weight": None, "sam_rho": None, "box_consistency": None, "views": None, "consistency_on": None, "consistency_undropped": None,
                "consistency_features": None, "focal_gamma": None, "average_from": None}
    check_same_run(path, {"arch": "faceres", "pretrained": None, "target_share": 0.0, **defaults})
    with pytest.raises(SystemExit, match="target-share 0.0 \\(not 0.5\\)"):
        check_same_run(path, {"arch": "faceres", "pretrained": None, "target_share": 0.5, **defaults})


def test_distillation_targets_mix_labels_with_the_teachers_probabilities():
    teacher = lambda pixels: torch.full((len(pixels), 1), 2.0)  # noqa: E731 - every face at logit 2
    labels, pixels = torch.tensor([0.0, 1.0]), torch.zeros(2, 3, 8, 8)
    assert torch.equal(targets(labels, pixels, None, 0.5), labels)
    p = torch.sigmoid(torch.tensor(2.0))
    assert torch.allclose(targets(labels, pixels, teacher, 0.25), torch.stack([0.25 * p, 0.75 + 0.25 * p]))


def two_scored_right_two_wrong() -> tuple[torch.Tensor, torch.Tensor]:
    """Logits that ask for their gradient and their hard targets: the first two scored right, the last two wrong."""
    return torch.tensor([-4.0, 4.0, 3.0, -3.0], requires_grad=True), torch.tensor([0.0, 1.0, 0.0, 1.0])


def test_focal_loss_weighs_the_samples_scored_wrong_most_and_keeps_the_batchs_total_weight():
    logits, wanted = two_scored_right_two_wrong()
    plain = focal_bce(logits, wanted, 0.0)
    assert torch.equal(plain, torch.nn.BCEWithLogitsLoss()(logits, wanted))
    focal = focal_bce(logits, wanted, 2.0)
    assert focal > plain  # the wrong ones' larger losses now weigh more than a quarter each
    focal.backward()
    right, wrong = logits.grad[:2].abs(), logits.grad[2:].abs()
    assert (right < 1e-3 * wrong.min()).all()
    # Where every sample misses its target by as much, every weight is 1: plain BCE, soft targets included.
    even = torch.tensor([1.0, -1.0, 2.0])
    even_wanted = torch.sigmoid(even) + torch.tensor([-0.3, 0.3, -0.3])
    assert focal_bce(even, even_wanted, 2.0).item() == pytest.approx(focal_bce(even, even_wanted, 0.0).item())
    # A sample exactly at its soft target weighs nothing.
    assert focal_bce(torch.tensor([0.0, 2.0]), torch.tensor([0.5, 0.0]), 2.0).item() == pytest.approx(
        torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(2.0), torch.tensor(0.0)).item())


def test_the_mirror_weighs_the_samples_scored_wrong_least_and_still_pulls_each_towards_its_target():
    logits, wanted = two_scored_right_two_wrong()
    mirror = focal_bce(logits, wanted, -1.0)
    assert mirror < focal_bce(logits, wanted, 0.0)  # the wrong ones' larger losses now weigh less than a quarter each
    mirror.backward()
    probabilities = torch.sigmoid(logits.detach())
    weights = 1 - (wanted - probabilities).abs()
    # Each sample's gradient is plain BCE's times its weight's share of the batch: no term through the weights, which
    # would push the samples missed by most further from their targets.
    assert torch.allclose(logits.grad, weights / weights.sum() * (probabilities - wanted))
    plain_gradients = (probabilities - wanted) / len(wanted)
    assert (logits.grad * plain_gradients > 0).all()
    assert (logits.grad[2:].abs() < 0.2 * plain_gradients[2:].abs()).all()
    assert (logits.grad[:2].abs() > plain_gradients[:2].abs()).all()


@pytest.mark.parametrize("workers, threads_after", [(2, 1), (0, 4)])
def test_opencv_is_held_to_one_thread_before_loader_workers_fork(workers, threads_after):
    before = cv2.getNumThreads()
    try:
        cv2.setNumThreads(4)
        one_opencv_thread_if_forking(workers)
        assert cv2.getNumThreads() == threads_after
    finally:
        cv2.setNumThreads(before)


def test_training_faces_never_mix_the_splits_and_validation_is_capped(tmp_path):
    records = [FaceRecord(tmp_path / f"face{i}.jpg", {}, None) for i in range(400)]
    train, val = training_faces(records, 5)
    assert {split_of(r.file.name) for r in train} == {"train"} and {split_of(r.file.name) for r in val} == {"val"}
    assert len(val) == 5 and val == [r for r in records if split_of(r.file.name) == "val"][:5]


def test_the_three_splits_partition_the_records_in_harvest_order(tmp_path):
    records = [FaceRecord(tmp_path / f"face{i}.jpg", {}, None) for i in range(400)]
    splits = {split: in_split(records, split) for split in ("train", "val", "test")}
    assert all(splits.values()) and sum(len(faces) for faces in splits.values()) == len(records)
    for split, faces in splits.items():
        assert {split_of(r.file.name) for r in faces} == {split}
        assert faces == sorted(faces, key=records.index)


@pytest.mark.parametrize("options, reason", [
    (["--boundary-weight", "1", "--box-consistency", "1"], "--boundary-weight and --box-consistency or --views do not combine"),
    (["--views", "2", "--boundary-weight", "1"], "--boundary-weight and --box-consistency or --views do not combine"),
    (["--box-consistency", "1", "--views", "1"], "--box-consistency needs --views of at least 2"),
    (["--views", "-1"], "--views: at least 1"),
    (["--aligned-views"], "--aligned-views needs --box-consistency"),
    (["--views-own-delivery"], "--views-own-delivery needs --box-consistency"),
    (["--box-consistency", "1", "--aligned-views", "--views-own-delivery"], "--views-own-delivery and --aligned-views do not combine"),
    (["--view-spread", "2"], "--view-spread needs --box-consistency"),
    (["--box-consistency", "1", "--view-spread", "0"], "--view-spread: more than 0 and at most 5"),
    (["--box-consistency", "1", "--aligned-views", "--view-spread", "2"], "--view-spread and --aligned-views do not combine"),
    (["--opposite-mirrors"], "--opposite-mirrors needs --box-consistency"),
    (["--erase-share", "0.5"], "--erase-share needs --box-consistency"),
    (["--box-consistency", "1", "--erase-share", "1.5"], "--erase-share: a share, from 0 to 1"),
    (["--beauty-share", "-0.1"], "--beauty-share: a share, from 0 to 1"),
    (["--face-beauty-share", "1.5"], "--face-beauty-share: a share, from 0 to 1"),
    (["--face-beauty-fakes"], "--face-beauty-fakes needs --face-beauty-share"),
    (["--box-consistency", "1", "--aligned-views", "--opposite-mirrors"], "--opposite-mirrors combines with neither"),
    (["--box-consistency", "1", "--views-own-delivery", "--opposite-mirrors"], "--opposite-mirrors combines with neither"),
    (["--consistency-on", "real"], "--consistency-on needs --box-consistency"),
    (["--consistency-undropped"], "--consistency-undropped needs --box-consistency"),
    (["--arch", "mobilenetv3", "--box-consistency", "1", "--consistency-undropped"], "--consistency-undropped needs a FaceRes --arch"),
    (["--consistency-features"], "--consistency-features needs --box-consistency"),
    (["--arch", "mobilenetv3", "--box-consistency", "1", "--consistency-features"], "--consistency-features needs a FaceRes --arch"),
    (["--arch", "faceres-bn", "--box-consistency", "1", "--consistency-features", "--consistency-undropped"],
     "--consistency-features and --consistency-undropped do not combine"),
    (["--focal-gamma", "-6"], "--focal-gamma: from -5 to 5"),
    (["--steps", "100", "--average-from", "100"], "--average-from: a step from 0 (no average) to below --steps"),
    (["--average-from", "10", "--norm-samples", "0"], "--norm-samples: at least 1"),
    (["--frequency-shifts", "blur", "resize", "--sharpen-share", "0.5"], "--sharpen-share and --frequency-shifts do not combine"),
    (["--frequency-shifts", "sharpen", "blur", "--sharpen-share", "0.5"], "--sharpen-share and --frequency-shifts do not combine")])
def test_settings_that_cannot_work_are_refused_before_anything_is_written(tmp_path, capsys, options, reason):
    with pytest.raises(SystemExit):
        main(["--harvest", str(tmp_path / "none.jsonl"), "--images", str(tmp_path), "--out", str(tmp_path / "run"), *options])
    assert reason in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("choice, counted", [("all", [True, True, True]), ("real", [True, False, False]),
                                              ("unsharpened", [True, True, False])])
def test_the_spread_counts_only_the_chosen_items_and_keeps_each_ones_weight(choice, counted):
    # Three items of two views each: a real face whose views lie 2 apart (variance 1), a pseudo-fake 4 apart
    # (variance 4) and a sharpened pseudo-fake 6 apart (variance 9).
    logits = torch.tensor([[0.0], [2.0], [1.0], [5.0], [0.0], [6.0]], requires_grad=True)
    labels = torch.tensor([0.0, 0.0, 1.0, 1.0, 1.0, 1.0]).view(-1, 2)
    items = CONSISTENCY_ITEMS[choice](labels, torch.tensor([False, False, True]))
    assert items.tolist() == counted
    spread = views_spread(logits, 2, items)
    assert spread.item() == pytest.approx(sum(v for v, c in zip([1, 4, 9], counted) if c) / 3)
    spread.backward()
    assert [bool(g.abs().sum()) for g in logits.grad.view(3, 2)] == counted


def test_the_features_spread_is_a_share_of_the_batchs_that_no_scale_or_offset_moves():
    # Three items of two views each, four channels: the first item's views are alike, the others' differ.
    generator = torch.Generator().manual_seed(0)
    faces = torch.rand(3, 1, 4, generator=generator).repeat(1, 2, 1)
    faces[1:, 1] += 0.1 * torch.rand(2, 4, generator=generator)
    features = faces.view(6, 4).requires_grad_()
    everything = torch.ones(3)
    spread = features_spread(features, 2, everything)
    assert 0 < spread.item() < 1
    # Squeezing every feature, or moving them all, leaves the share where it was: the logits' spread would fall.
    assert features_spread(0.1 * features + 3, 2, everything).item() == pytest.approx(spread.item(), rel=1e-4)
    # Views further apart weigh more; an item whose views agree adds nothing; the items whose views differ are pulled together.
    further = faces.clone()
    further[1:, 1] += 0.1
    assert features_spread(further.view(6, 4), 2, everything) > spread
    only_first = features_spread(features, 2, torch.tensor([1.0, 0.0, 0.0]))
    assert only_first.item() == pytest.approx(0.0, abs=1e-12)
    spread.backward()
    assert features.grad.view(3, 2, 4)[1:].abs().sum() > 0


def test_the_running_average_is_the_plain_mean_of_the_weights_shown_and_resumes_from_its_state():
    model = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.BatchNorm1d(1))
    shown = [torch.tensor([[1.0, -2.0]]), torch.tensor([[3.0, 0.0]]), torch.tensor([[8.0, 5.0]])]
    average = RunningAverage(model)
    for weights in shown[:2]:
        model[0].weight.data.copy_(weights)
        average.add(model)
    resumed = RunningAverage(model)
    resumed.load_state_dict(average.state_dict())
    model[0].weight.data.copy_(shown[2])
    model[1].running_mean.fill_(7.0)
    resumed.add(model)
    averaged = resumed.network(model)
    assert torch.allclose(averaged[0].weight, torch.tensor([[4.0, 1.0]]))
    # The mean network keeps the live network's buffers (measured afresh later) and leaves the live network as it was.
    assert averaged[1].running_mean.item() == 7.0 and torch.equal(model[0].weight.data, shown[2])
