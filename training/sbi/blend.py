"""Self-blended images (after Shiohara & Yamasaki, CVPR 2022), our implementation.

A real face is turned into a pseudo-fake by blending a transformed copy of
itself (the "source") into itself (the "target") inside a deformed, blurred
face-region mask. Source and target differ in colour, sharpness and a small
geometric shift, which leaves the blending boundary and statistical mismatch
that face swaps share, without any deepfake data.

The mask comes from BlazeFace's six keypoints (eyes, nose tip, mouth, ears),
which the app's face pipeline gives for every training photo, or, where a
photo has them, from the hull of its 468 face-mesh landmarks (`sbi.face_mesh`),
which follows the face's real outline.

A pseudo-fake may also paste another person's face, aligned on the eyes, nose
and mouth (as Face X-ray's blended images do, Li et al., CVPR 2020): then the
pasted face differs from its photo in identity as well, as a real swap does.
"""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

RIGHT_EYE, LEFT_EYE, NOSE, MOUTH, RIGHT_EAR, LEFT_EAR = range(6)
# The keypoints a donor face is aligned on: BlazeFace's ear points sit on the face's edge and follow hair and pose.
INNER_FACE = [RIGHT_EYE, LEFT_EYE, NOSE, MOUTH]

# Smallest down-and-up resize of frequency_shift by default (the shipped model's stages 1-3 used it).
MIN_RESIZE = 0.5
# Strongest whole-photo blur (Gaussian sigma, pixels of the photo) of degrade by default.
MAX_BLUR = 1.2


def face_hull(keypoints: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Polygon around the face region, extrapolated from the 6 keypoints.

    Eyes to mouth gives the face's vertical axis; brows sit above the eyes
    and the chin below the mouth along that axis. Random proportions pick
    anything from the inner face (eyes, nose, mouth) to the full face out to
    the ears, as face-swap methods differ in how much they replace.
    """
    brow_lift = rng.uniform(0.35, 0.8)
    chin_drop = rng.uniform(0.35, 0.75)
    reach = rng.uniform(0.55, 1.0)  # 1.0: out to the ears
    return face_polygon(keypoints, brow_lift, chin_drop, reach)


def face_polygon(keypoints: np.ndarray, brow_lift: float, chin_drop: float, reach: float) -> np.ndarray:
    """face_hull's polygon at given proportions: brows `brow_lift` and chin `chin_drop` of the eyes-to-mouth
    distance beyond the eyes and the mouth, sides `reach` of the way out to the ears."""
    eyes = (keypoints[RIGHT_EYE] + keypoints[LEFT_EYE]) / 2
    down = keypoints[MOUTH] - eyes
    across = keypoints[LEFT_EYE] - keypoints[RIGHT_EYE]
    center = (keypoints[RIGHT_EAR] + keypoints[LEFT_EAR]) / 2
    right_side = center + (keypoints[RIGHT_EAR] - center) * reach
    left_side = center + (keypoints[LEFT_EAR] - center) * reach
    points = np.array(
        [
            keypoints[RIGHT_EYE] - down * brow_lift - across * 0.15,
            keypoints[LEFT_EYE] - down * brow_lift + across * 0.15,
            left_side,
            left_side + down * 0.6,
            keypoints[MOUTH] + down * chin_drop + across * 0.25,
            keypoints[MOUTH] + down * chin_drop - across * 0.25,
            right_side + down * 0.6,
            right_side,
        ],
        dtype=np.float32,
    )
    return cv2.convexHull(points).reshape(-1, 2)


def mesh_hull(mesh: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Polygon around the face mesh: its hull (hairline to chin, ear to ear) drawn towards its centre by up to a
    quarter, so that, as with face_hull, anything from the inner face to the whole face is replaced."""
    hull = cv2.convexHull(mesh.astype(np.float32)).reshape(-1, 2)
    center = mesh.mean(axis=0)
    return center + (hull - center) * rng.uniform(0.75, 1.0)


def blend_mask(shape: tuple[int, int], keypoints: np.ndarray, rng: np.random.Generator,
               mesh: np.ndarray | None = None) -> np.ndarray:
    """Soft mask in [0, 1] (float32, HxW): hull, elastic deformation, erosion or dilation, blur, blend ratio.

    The hull is the face mesh's where one is given (N x 2 points), else the one extrapolated from the keypoints.
    """
    height, width = shape
    mask = np.zeros((height, width), np.float32)
    hull = face_hull(keypoints, rng) if mesh is None else mesh_hull(mesh, rng)
    cv2.fillConvexPoly(mask, np.round(hull).astype(np.int32), 1.0)
    mask = elastic(mask, rng, amplitude=rng.uniform(0.0, 0.04) * max(height, width))
    size = max(1, int(rng.uniform(0.0, 0.06) * max(height, width)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * size + 1, 2 * size + 1))
    mask = cv2.erode(mask, kernel) if rng.random() < 0.5 else cv2.dilate(mask, kernel)
    blur = int(rng.uniform(0.02, 0.12) * max(height, width)) * 2 + 1
    mask = cv2.GaussianBlur(mask, (blur, blur), 0)
    ratio = rng.choice([0.25, 0.5, 0.75, 1.0, 1.0, 1.0])
    return np.clip(mask * ratio, 0.0, 1.0)


def elastic(mask: np.ndarray, rng: np.random.Generator, amplitude: float) -> np.ndarray:
    """Warps the mask with a smooth random displacement field."""
    height, width = mask.shape
    if amplitude <= 0:
        return mask
    coarse = rng.uniform(-1, 1, size=(2, 4, 4)).astype(np.float32) * amplitude
    dx = cv2.resize(coarse[0], (width, height), interpolation=cv2.INTER_CUBIC)
    dy = cv2.resize(coarse[1], (width, height), interpolation=cv2.INTER_CUBIC)
    grid_y, grid_x = np.mgrid[0:height, 0:width].astype(np.float32)
    return cv2.remap(mask, grid_x + dx, grid_y + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)


def colour_shift(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Brightness, contrast, per-channel shift and saturation changes (float32 RGB in 0..255)."""
    out = image * rng.uniform(0.85, 1.15) + rng.uniform(-20, 20)
    out = out + rng.uniform(-12, 12, size=3)
    gray = out.mean(axis=2, keepdims=True)
    out = gray + (out - gray) * rng.uniform(0.75, 1.25)
    mean = out.mean()
    return (out - mean) * rng.uniform(0.85, 1.15) + mean


#: frequency_shift's transforms, in the order its draw numbers them.
FREQUENCY_SHIFTS = ("blur", "sharpen", "resize")


def unsharp(image: np.ndarray, sigma: float, amount: float) -> np.ndarray:
    """An unsharp mask on a float image, unclipped: the image plus `amount` times what a Gaussian of `sigma` px takes
    away from it, as cameras and photo apps sharpen."""
    return image + (image - cv2.GaussianBlur(image, (0, 0), sigma)) * amount


def frequency_shift(image: np.ndarray, rng: np.random.Generator, min_resize: float = MIN_RESIZE,
                    applied: list[str] | None = None, sharpen_share: float = 0.0,
                    shifts: Sequence[str] = FREQUENCY_SHIFTS) -> np.ndarray:
    """Blur, sharpen, or a down-and-up resize by min_resize..0.9: the texture mismatch of a swapped face.

    Face-swap models render the face at a fixed, often low resolution and
    scale it up into the frame; a lower min_resize imitates the larger gaps.
    Each of `shifts` (FREQUENCY_SHIFTS' names, all three by default) is an equal share of the draws; a
    `sharpen_share` instead makes sharpening that share and splits the rest between the other two.
    The name of the one chosen is appended to `applied` where given.
    """
    if sharpen_share:
        name = "sharpen" if rng.random() < sharpen_share else ("blur", "resize")[rng.integers(2)]
    else:
        name = shifts[rng.integers(len(shifts))]
    if applied is not None:
        applied.append(name)
    if name == "blur":
        sigma = rng.uniform(0.5, 1.6)
        return cv2.GaussianBlur(image, (0, 0), sigma)
    if name == "sharpen":
        return unsharp(image, rng.uniform(0.8, 2.0), rng.uniform(0.3, 1.2))
    height, width = image.shape[:2]
    factor = rng.uniform(min_resize, 0.9)
    small = cv2.resize(image, (max(1, int(width * factor)), max(1, int(height * factor))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def geometric_shift(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A small scale and translation, so the blended face is slightly misaligned like a swap."""
    height, width = image.shape[:2]
    scale = rng.uniform(0.95, 1.05)
    shift = rng.uniform(-0.03, 0.03, size=2) * (width, height)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 0.0, scale)
    matrix[:, 2] += shift
    return cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)


def feature_warp(image: np.ndarray, keypoints: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Reshapes the eyes and the mouth a little, each on its own: scaled by 0.9-1.1 and moved by up to 4% of the
    eye distance about its keypoint, fading out over about half the eye distance. The pasted face then has
    features of slightly different size and place than the photo's, as another person's face rendered in would."""
    height, width = image.shape[:2]
    eye_distance = float(np.linalg.norm(keypoints[LEFT_EYE] - keypoints[RIGHT_EYE]))
    grid_y, grid_x = np.mgrid[0:height, 0:width].astype(np.float32)
    map_x, map_y = grid_x.copy(), grid_y.copy()
    for part in (RIGHT_EYE, LEFT_EYE, MOUTH):
        center_x, center_y = keypoints[part]
        scale = rng.uniform(0.9, 1.1)
        shift = rng.uniform(-0.04, 0.04, size=2) * eye_distance
        weight = np.exp(-((grid_x - center_x) ** 2 + (grid_y - center_y) ** 2) / (2 * (0.45 * eye_distance) ** 2))
        # remap reads the source at each output pixel: (p - c) / scale + c - shift, blended in by weight.
        map_x += weight * ((grid_x - center_x) * (1 / scale - 1) - shift[0])
        map_y += weight * ((grid_y - center_y) * (1 / scale - 1) - shift[1])
    return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def similarity(source: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, float]:
    """The least-squares rotation, uniform scale and shift taking the N x 2 points `source` onto `target`, as a
    2 x 3 matrix for cv2.warpAffine, and the root-mean-square distance left between them (pixels of `target`)."""
    source_mean, target_mean = source.mean(0), target.mean(0)
    # As complex numbers a similarity is one multiplication: target - its mean = z (source - its mean).
    s = (source - source_mean) @ [1, 1j]
    t = (target - target_mean) @ [1, 1j]
    z = np.vdot(s, t) / max(np.vdot(s, s).real, 1e-12)
    rotation = np.array([[z.real, -z.imag], [z.imag, z.real]])
    matrix = np.hstack([rotation, (target_mean - rotation @ source_mean)[:, None]])
    return matrix.astype(np.float32), float(np.sqrt(np.mean(np.abs(z * s - t) ** 2)))


def aligned_donor(donor: np.ndarray, donor_keypoints: np.ndarray, keypoints: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Another person's face photo moved onto a photo of `shape` (height, width) so that its eyes, nose and mouth fall
    on `keypoints`' (float32 RGB in 0..255), ready to paste as the source of self_blend."""
    matrix, _ = similarity(donor_keypoints[INNER_FACE], keypoints[INNER_FACE])
    return cv2.warpAffine(donor, matrix, (shape[1], shape[0]), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT).astype(np.float32)


def mismatch(image: np.ndarray, rng: np.random.Generator, min_resize: float = MIN_RESIZE,
             applied: list[str] | None = None, sharpen_share: float = 0.0,
             shifts: Sequence[str] = FREQUENCY_SHIFTS) -> np.ndarray:
    """Colour shift, frequency shift (one of `shifts`) or both, in random order (float32 RGB in 0..255); the names
    of the transforms done ("colour" and FREQUENCY_SHIFTS) are appended to `applied` where given."""
    for index in rng.permutation(2)[: rng.integers(1, 3)]:
        if index == 0:
            image = colour_shift(image, rng)
            if applied is not None:
                applied.append("colour")
        else:
            image = frequency_shift(image, rng, min_resize, applied, sharpen_share, shifts)
    return image


def match_colour(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`source` with each channel's mean and spread where the mask is over half its peak set to `target`'s there.

    Face-swap pipelines correct the pasted face's colour to its surroundings;
    a pseudo-fake treated the same way differs from its photo in texture only.
    """
    inside = mask > 0.5 * mask.max()
    if inside.sum() < 2:
        return source
    pasted, around = source[inside], target[inside]
    scale = around.std(0) / np.maximum(pasted.std(0), 1e-3)
    return (source - pasted.mean(0)) * scale + around.mean(0)


def self_blend(image: np.ndarray, keypoints: np.ndarray, rng: np.random.Generator, target_share: float = 0.0,
               min_resize: float = MIN_RESIZE, mesh: np.ndarray | None = None,
               warp_share: float = 0.0, colour_match: bool = False,
               donor: np.ndarray | None = None, applied: list[str] | None = None,
               sharpen_share: float = 0.0, shifts: Sequence[str] = FREQUENCY_SHIFTS) -> tuple[np.ndarray, np.ndarray]:
    """Pseudo-fake of an RGB uint8 face photo; returns (blended uint8 image, mask in [0, 1]).

    Usually the source (the face pasted in) is transformed and the rest of the
    photo stays untouched, as around a real swapped face. With probability
    `target_share` the target (the photo around the face) is transformed
    instead, as the SBI paper does: then the face is the photo's own and its
    surroundings are recoloured or blurred. Train real samples with the same
    share of whole-photo transforms (make_sample does), or a blurred or tinted
    photo becomes a sign of fakery by itself. With probability `warp_share` the
    pasted face's eyes and mouth are also reshaped a little (feature_warp).
    `colour_match` gives the pasted face its surroundings' colour statistics
    (match_colour) without drawing from `rng`, so the blend is otherwise the same.
    `donor` (from aligned_donor) is pasted instead of the photo's own copy, through the same transforms and mask.
    `applied`, where given, gets the names of mismatch's transforms (sbi.evaluate ranks the blends by them);
    it draws nothing, so the blend is the same with or without it. `sharpen_share`, `shifts`: see frequency_shift.
    """
    target = image.astype(np.float32)
    source = target.copy() if donor is None else donor
    if target_share and rng.random() < target_share:
        target = mismatch(target, rng, min_resize, applied, sharpen_share, shifts)
    else:
        source = mismatch(source, rng, min_resize, applied, sharpen_share, shifts)
    if warp_share and rng.random() < warp_share:
        source = feature_warp(source, keypoints, rng)
    source = geometric_shift(source, rng)
    mask = blend_mask(image.shape[:2], keypoints, rng, mesh)
    if colour_match:
        source = match_colour(source, target, mask)
    return blend(source, target, mask), mask


def to_uint8(image: np.ndarray) -> np.ndarray:
    """A float image in 0..255 rounded and clipped to uint8."""
    return np.clip(image + 0.5, 0, 255).astype(np.uint8)


def blend(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """source inside the mask, target outside, mixed where it is soft; rounded to uint8."""
    alpha = mask[..., None]
    return to_uint8(source * alpha + target * (1 - alpha))


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    """Re-encodes an RGB uint8 image as JPEG at `quality` and decodes it again."""
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    assert ok
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def degrade(image: np.ndarray, rng: np.random.Generator, max_blur: float = MAX_BLUR) -> np.ndarray:
    """Capture and delivery damage applied alike to real and fake samples, so neither class owns it.

    `max_blur` bounds the whole-photo blur: out-of-focus and motion-soft real
    photos are common, and a model that never saw them blurred takes their
    softness for a pasted face's.
    """
    return recompressed(captured(downscaled(image, rng), rng, max_blur), rng)


def delivery_damage(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The part of degrade that each copy of a photo gets anew on its way to a page (a resize, a JPEG quality);
    the blur and noise it was captured with (`captured`) it keeps."""
    return recompressed(downscaled(image, rng), rng)


def downscaled(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """30% of the time, the photo shrunk to 35-90% and brought back: delivered at a lower resolution."""
    if rng.random() >= 0.3:
        return image
    height, width = image.shape[:2]
    factor = rng.uniform(0.35, 0.9)
    small = cv2.resize(image, (max(8, int(width * factor)), max(8, int(height * factor))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def captured(image: np.ndarray, rng: np.random.Generator, max_blur: float = MAX_BLUR) -> np.ndarray:
    """Each 20% of the time, a whole-photo blur up to `max_blur` and sensor noise: damage of the capture itself."""
    out = image
    if rng.random() < 0.2:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, max_blur))
    if rng.random() < 0.2:
        noise = rng.normal(0, rng.uniform(1, 6), size=out.shape)
        out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return out


#: A beauty filter's range (bilateral: colour σ in grey levels, space σ in pixels of the ~200 px face photos): from
#: pores softened to wrinkles gone. sbi.damage's two held-out settings, (20, 3) and (40, 6), lie inside it.
BEAUTY_COLOUR_SIGMA = (10.0, 50.0)
BEAUTY_SPACE_SIGMA = (2.0, 7.0)


def beauty_filtered(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The photo with its skin smoothed as a camera's or app's beauty filter does, at a strength drawn from its range."""
    return cv2.bilateralFilter(image, 0, rng.uniform(*BEAUTY_COLOUR_SIGMA), rng.uniform(*BEAUTY_SPACE_SIGMA))


def beauty_filtered_face(image: np.ndarray, keypoints: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The photo with the face alone smoothed, as a beauty filter's skin mask smooths it: beauty_filtered inside a
    region drawn as a pseudo-fake's (blend_mask: its hull, deformation, soft edge and strength), the photo untouched
    outside. On a real sample it says that a smoothed face inside sharp outlines is no blend by itself."""
    mask = blend_mask(image.shape[:2], keypoints, rng)
    return blend(beauty_filtered(image, rng), image, mask)


def recompressed(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """80% of the time, the photo saved again as JPEG at a quality of 30-95."""
    return jpeg(image, rng.integers(30, 96)) if rng.random() < 0.8 else image
