import cv2
import numpy as np

from sbi.damage import REAL_PHOTO_CONDITIONS, face_skin_smoothed, sharpened, skin_smoothed


def laplacian_variance(image: np.ndarray) -> float:
    return float(cv2.Laplacian(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())


def skin_with_an_edge() -> np.ndarray:
    """A noisy skin-coloured left half (pores, grain) against a dark right half: texture and an outline."""
    image = np.zeros((96, 96, 3), np.uint8)
    image[:, :48] = (200, 150, 130)
    image[:, 48:] = (40, 30, 30)
    grain = np.random.default_rng(0).normal(0, 6, image.shape)
    return np.clip(image + grain, 0, 255).astype(np.uint8)


def test_every_condition_keeps_the_photo_s_size_and_type():
    photo = skin_with_an_edge()
    for name, damage in REAL_PHOTO_CONDITIONS.items():
        out = damage(photo)
        assert out.shape == photo.shape and out.dtype == np.uint8, name


def test_sharpening_adds_detail_and_leaves_a_flat_photo_flat():
    photo = skin_with_an_edge()
    assert laplacian_variance(sharpened(photo)) > 1.5 * laplacian_variance(photo)
    flat = np.full((32, 32, 3), 120, np.uint8)
    assert np.array_equal(sharpened(flat), flat)


def test_skin_smoothing_takes_the_grain_away_but_keeps_the_outline():
    photo = skin_with_an_edge()
    smooth = skin_smoothed(40, 6)(photo)
    skin = (slice(8, 88), slice(8, 40))
    assert smooth[skin].std(axis=(0, 1)).max() < 0.5 * photo[skin].std(axis=(0, 1)).min()
    # Across the outline the step stays as steep as it was: a blur as strong would spread it over several pixels.
    row = smooth[48, :, 0].astype(int)
    assert row[46] - row[49] > 0.8 * (200 - 40)
    blurred = cv2.GaussianBlur(photo, (0, 0), 2)[48, :, 0].astype(int)
    assert blurred[46] - blurred[49] < 0.8 * (200 - 40)


def test_the_face_alone_is_smoothed_and_the_photo_around_it_kept():
    # A grainy photo 200 px square with a face's keypoints in the middle (eyes, nose tip, mouth, ears).
    photo = np.clip(np.full((200, 200, 3), 160.0) + np.random.default_rng(1).normal(0, 8, (200, 200, 3)), 0, 255).astype(np.uint8)
    keypoints = np.array([[80, 85], [120, 85], [100, 105], [100, 125], [60, 95], [140, 95]], np.float32)
    out = face_skin_smoothed(photo, keypoints)
    assert out.shape == photo.shape and out.dtype == np.uint8
    cheek = (slice(95, 125), slice(70, 130))
    assert out[cheek].std(axis=(0, 1)).max() < 0.5 * photo[cheek].std(axis=(0, 1)).min()
    assert np.array_equal(out[:40], photo[:40]) and np.array_equal(out[170:], photo[170:])
    assert np.array_equal(face_skin_smoothed(photo, keypoints), out)
