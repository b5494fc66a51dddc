"""Video-codec damage: real H.264 through Debian's ffmpeg, applied to a share of a batch whatever the labels."""
import os
import shutil

import numpy as np
import pytest
import torch

from sbi.video import h264, shifted, video_damage, video_frame
from sbi.data import Recipe
from sbi.train import EpochBatches, with_video_damage

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg (Debian's package) is not installed: video damage cannot be checked")


def textured(count=4, seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:64, 0:48]
    base = np.stack([(x * 5) % 256, (y * 3) % 256, ((x + y) * 2) % 256], -1).astype(np.float32)
    return np.stack([np.clip(base + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8) for _ in range(count)])


def test_h264_keeps_the_frames_shape_and_loses_more_at_a_higher_rate_factor():
    frames = textured()
    errors = []
    for crf in (18, 36):
        out = h264(frames, crf)
        assert out.shape == frames.shape and out.dtype == np.uint8
        errors.append(np.abs(out.astype(int) - frames).mean())
    assert 0 < errors[0] < errors[1] < 40  # damaged, not destroyed


def test_shifted_moves_the_picture_and_repeats_its_edge():
    image = textured(1)[0]
    moved = shifted(image, 2, -1)
    assert np.array_equal(moved[:-1, 2:], image[1:, :-2])
    assert np.array_equal(moved[:, 0], moved[:, 1])  # the gap on the left repeats the edge column


def test_video_damage_is_deterministic_for_a_seed():
    frames = textured()
    first = video_damage(frames, np.random.default_rng(3))
    assert np.array_equal(first, video_damage(frames, np.random.default_rng(3)))
    assert first.shape == frames.shape and not np.array_equal(first, frames)
    assert video_damage(frames[:0], np.random.default_rng(3)).shape == (0, 64, 48, 3)


def test_a_share_of_the_batch_is_damaged_and_the_rest_left_alone():
    pixels = torch.from_numpy(textured(16)).permute(0, 3, 1, 2).float()
    assert with_video_damage(pixels, 0.0, np.random.default_rng(0)) is pixels
    out = with_video_damage(pixels, 0.5, np.random.default_rng(0))
    changed = (out != pixels).flatten(1).any(1)
    assert changed.tolist() == (np.random.default_rng(0).random(16) < 0.5).tolist()
    assert torch.equal(out, out.round()) and out.min() >= 0 and out.max() <= 255  # still uint8 values
    assert with_video_damage(pixels, 1.0, np.random.default_rng(0)).ne(pixels).flatten(1).any(1).all()


def test_odd_sides_are_coded_and_cut_back():
    frames = textured(2)[:, :63, :47]
    assert h264(frames, 24).shape == frames.shape


def test_a_photo_as_a_video_frame_is_damaged_the_same_way_each_time():
    image = textured(1)[0]
    out = video_frame(image, 30)
    assert out.shape == image.shape and not np.array_equal(out, image)
    assert np.array_equal(out, video_frame(image, 30))


class TexturedViews:
    """Stands in for SelfBlendedFaces: item i is `views` textured crops of one sample, fake when i is odd."""

    def __init__(self, views: int, video_share: float):
        self.views, self.recipe = views, Recipe(video_share=video_share)
        self.crops = torch.from_numpy(textured(8 * views)).permute(0, 3, 1, 2).float().view(8, views, 3, 64, 48)

    def __getitem__(self, index):
        return self.crops[index].squeeze(0), torch.tensor(float(index % 2))  # one view: (3, H, W), as SelfBlendedFaces gives


def test_a_batch_lays_its_views_out_as_samples_and_is_coded_by_its_step():
    batches = [[0, 1, 2, 3], [4, 5, 6, 7]]
    whole = EpochBatches(TexturedViews(2, 0.5), batches, first_step=10, seed=3)
    pixels, labels = whole[1]
    assert pixels.shape == (8, 3, 64, 48) and labels.tolist() == [0, 0, 1, 1, 0, 0, 1, 1]
    picked = np.random.default_rng([3, 11]).random(8) < 0.5  # the draw of step 10 + 1
    assert (pixels != TexturedViews(2, 0.5).crops[4:].flatten(0, 1)).flatten(1).any(1).tolist() == picked.tolist()
    # A run resumed after the first batch starts its epoch one step later and codes the second batch alike.
    resumed = EpochBatches(TexturedViews(2, 0.5), batches[1:], first_step=11, seed=3)
    assert torch.equal(resumed[0][0], pixels)
    plain = EpochBatches(TexturedViews(1, 0.0), batches, first_step=0, seed=3)[0][0]
    assert torch.equal(plain, TexturedViews(1, 0.0).crops[:4].squeeze(1))


@pytest.mark.skipif(not os.environ.get("OTHER_FFMPEG"), reason="OTHER_FFMPEG (a folder holding another ffmpeg, e.g. the one carried to a lent GPU) is not set")
def test_another_ffmpeg_codes_frames_as_debians_does(monkeypatch):
    # A GPU run's video coding must be the recipe's: gpu_recipe.sh carries a static ffmpeg where the machine has none.
    frames = textured(6, seed=1)
    debian = [video_frame(frame, crf) for frame, crf in zip(frames, range(18, 37, 3))]
    monkeypatch.setenv("PATH", f"{os.environ['OTHER_FFMPEG']}{os.pathsep}{os.environ['PATH']}")
    assert shutil.which("ffmpeg") == os.path.join(os.environ["OTHER_FFMPEG"], "ffmpeg")
    assert all(np.array_equal(mine, video_frame(frame, crf)) for mine, frame, crf in zip(debian, frames, range(18, 37, 3)))
