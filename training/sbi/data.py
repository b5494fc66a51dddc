"""Face records from the app's face harvest, the fixed split, and the SBI training samples."""
from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .blend import (FREQUENCY_SHIFTS, INNER_FACE, MAX_BLUR, MIN_RESIZE, aligned_donor, beauty_filtered, beauty_filtered_face, captured, degrade, delivery_damage,
                    mismatch, self_blend, similarity, to_uint8)
from .crop import CLASSIFIER_INPUT_SIZE, CropSquare, crop_square, resample_plane, resample_square
from .damage import as_it_is

#: Percent of images (by a hash of the file name, so the split never changes) held out for test and validation.
TEST_PERCENT = 5
VALIDATION_PERCENT = 5


@dataclass(frozen=True)
class FaceRecord:
    file: Path
    box: dict
    keypoints: np.ndarray  # (6, 2) pixels
    mesh: np.ndarray | None = None  # (468, 2) pixels, where sbi.face_mesh was run


def split_of(name: str) -> str:
    bucket = int(hashlib.md5(name.encode()).hexdigest(), 16) % 100
    if bucket < TEST_PERCENT:
        return "test"
    if bucket < TEST_PERCENT + VALIDATION_PERCENT:
        return "val"
    return "train"


def in_split(records: list[FaceRecord], split: str) -> list[FaceRecord]:
    """The records whose photo split_of puts in `split` ("train", "val" or "test"), in harvest order."""
    return [r for r in records if split_of(r.file.name) == split]


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """The data a measurement reads: the UTK harvest and photos (required), and dfdc-dev (optional: see dfdc_given)."""
    parser.add_argument("--utk-harvest", type=Path, required=True)
    parser.add_argument("--utk", type=Path, required=True)
    parser.add_argument("--dfdc-harvest", type=Path, help="folder with dfdc-real.jsonl and dfdc-fake.jsonl")
    parser.add_argument("--dfdc", type=Path, help="dfdc-dev folder with real/ and fake/")


def dfdc_given(args: argparse.Namespace) -> bool:
    """Whether add_data_arguments' dfdc-dev arguments name a folder that is there: where it is not (a checkout without
    ../shared), a measurement skips its dfdc-dev rows and says so."""
    return bool(args.dfdc and args.dfdc_harvest and (args.dfdc / "real").is_dir())


def training_faces(records: list[FaceRecord], val_limit: int) -> tuple[list[FaceRecord], list[FaceRecord]]:
    """The faces sbi.train learns from, and the first `val_limit` validation faces it checks at each checkpoint."""
    return in_split(records, "train"), in_split(records, "val")[:val_limit]


def prominence(face: dict) -> float:
    """Same ordering as selectFaces in src/faces/select.ts."""
    return face["width"] * face["height"] * face["score"]


#: The app leaves unjudged a face whose box lies more than this share past the picture's edge (MAX_SHARE_OUTSIDE
#: in src/faces/select.ts).
MAX_SHARE_OUTSIDE = 1 / 3


def share_outside(box: dict, width: int, height: int) -> float:
    """How much of `box` lies past the picture's edges, as a share of its side, on the worse axis (shareOutside in
    src/faces/select.ts)."""
    def beyond(start: float, length: float, limit: int) -> float:
        return (max(0.0, -start) + max(0.0, start + length - limit)) / length
    return max(beyond(box["x"], box["width"], width), beyond(box["y"], box["height"], height))


def eye_past_side(keypoints: np.ndarray, width: int) -> bool:
    """Whether either of BlazeFace's eye keypoints (its first two, x and y in pixels) lies past the picture's left or
    right edge (eyePastSide in src/faces/select.ts)."""
    eyes_x = np.asarray(keypoints)[:2, 0]
    return bool(((eyes_x < 0) | (eyes_x >= width)).any())


def judged_by_app(box: dict, keypoints: np.ndarray, width: int, height: int, max_outside: float = MAX_SHARE_OUTSIDE) -> bool:
    """Whether the app judges a face found with this box and these keypoints in a `width` x `height` picture, as far as
    the edge goes (selectFaces in src/faces/select.ts): its box no more than `max_outside` past the edge, and both eyes
    between the left and right edges."""
    return share_outside(box, width, height) <= max_outside and not eye_past_side(keypoints, width)


def load_harvest(harvest: Path, image_dir: Path) -> tuple[list[FaceRecord], int]:
    """Records of the most prominent face per image, and how many images had no face."""
    records, faceless = [], 0
    for line in harvest.read_text().splitlines():
        row = json.loads(line)
        faces = row.get("faces") or []
        if not faces:
            faceless += 1
            continue
        face = max(faces, key=prominence)
        records.append(FaceRecord(image_dir / row["file"], face, np.array([[p["x"], p["y"]] for p in face["keypoints"]], np.float32)))
    return records, faceless


def read_rgb(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise OSError(f"cannot decode {path}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def crop(image: np.ndarray, box: dict) -> np.ndarray:
    height, width = image.shape[:2]
    return resample_square(image, crop_square(box, width, height), CLASSIFIER_INPUT_SIZE)


def dfdc_faces(harvest: Path, folder: Path, name: str) -> tuple[list[FaceRecord], int]:
    """The app's faces in one dfdc-dev class ('real' or 'fake': `harvest`/dfdc-NAME.jsonl over `folder`/NAME),
    and how many of its images had no face. Evaluation only."""
    return load_harvest(harvest / f"dfdc-{name}.jsonl", folder / name)


def dfdc_crops(harvest: Path, folder: Path, name: str,
               photo: Callable[[np.ndarray], np.ndarray] = as_it_is) -> tuple[list[np.ndarray], int]:
    """The app's crops of those faces (dfdc_faces), and how many images had none. Evaluation only. Each crop is cut
    from `photo` of its image (the image as it is unless asked), at the box found in the image as it is."""
    faces, faceless = dfdc_faces(harvest, folder, name)
    return [crop(photo(read_rgb(record.file)), record.box) for record in faces], faceless


#: How far jitter moves a box: its size by up to this share each way, its centre by up to this share of its side.
JITTER_SCALE, JITTER_SHIFT = 0.06, 0.04


def jitter(box: dict, rng: np.random.Generator, spread: float = 1.0) -> dict:
    """Detector boxes move a little from frame to frame; train on that spread (`spread` times as far, for
    make_sample_views' later views)."""
    scale = rng.uniform(1 - JITTER_SCALE * spread, 1 + JITTER_SCALE * spread)
    shift = JITTER_SHIFT * spread
    cx = box["x"] + box["width"] / 2 + rng.uniform(-shift, shift) * box["width"]
    cy = box["y"] + box["height"] / 2 + rng.uniform(-shift, shift) * box["height"]
    width, height = box["width"] * scale, box["height"] * scale
    return {"x": cx - width / 2, "y": cy - height / 2, "width": width, "height": height}


#: First entry of every moved box's seed: a stream apart from the held-out blends' and damage's (7, 8, 9 in sbi.evaluate).
MOVE_SEED = 11


def moved_boxes(box: dict, face: int, count: int) -> list[dict]:
    """`count` boxes moved from `box` as jitter moves them, the same for the same `face` index: the boxes
    BlazeFace might have drawn around the face in another framing, for measuring how far scores follow them."""
    return [jitter(box, np.random.default_rng([MOVE_SEED, face, view])) for view in range(count)]


@dataclass(frozen=True)
class Recipe:
    """How training samples are made. Validation and evaluation keep the defaults, so their figures compare across runs.

    `target_share`: how often a pseudo-fake's target is the transformed side
    (see self_blend); real samples get the same transforms on the whole photo
    as often, so that only the mismatch between face and surroundings tells
    the classes apart. `min_resize`: see frequency_shift; `max_blur`: see degrade.
    `mesh_masks`: blend inside the face mesh's hull where a record has a mesh (see blend_mask).
    `warp_share`: how often a pseudo-fake's eyes and mouth are reshaped (see feature_warp).
    `video_share`: how often a sample, real or fake, is coded as a video frame; sbi.train applies it
    to whole batches at once (see sbi.video), since one ffmpeg call per crop would cost more than the network.
    `colour_match_share`: how often a pseudo-fake's pasted face takes its surroundings' colour statistics
    (see match_colour), as swap pipelines correct it, so that texture alone tells it apart.
    `other_face_share`: how often a pseudo-fake pastes another training face instead of its own copy (see pick_donor).
    `sharpen_share`: how often the frequency transform sharpens, for fakes and for real samples' whole photos
    alike (see frequency_shift); 0 keeps `frequency_shifts`' equal shares.
    `frequency_shifts`: the frequency transforms drawn, in equal shares, for fakes and real samples' whole photos alike
    (FREQUENCY_SHIFTS' names; see frequency_shift).
    `aligned_views`: a sample's views (make_sample_views) differ only by a shift of whole crop pixels, not by a
    box of another size or another mirror draw, so that nothing between them is resampled (see aligned_cuts).
    `views_own_delivery`: each of a sample's views gets its own draw of degrade's delivery damage (a resize, a JPEG
    quality: delivery_damage), after the blur and noise they share (see make_sample_views).
    `view_spread`: a sample's views after the first are cut from boxes jittered this many times as far (see jitter);
    the first keeps the jitter of BlazeFace's own moves.
    `opposite_mirrors`: a sample's views after the first are mirrored against the first, never drawn alike, so that
    box consistency asks every pair of views to agree across the mirror as the page's two views must (see
    make_sample_views).
    `erase_share`: how often each of a sample's views has one rectangle of it filled with its mean colour (see erased).
    `beauty_share`: how often the photo, real or to be blended, has its skin smoothed first, as a beauty filter does at
    capture (see beauty_filtered): a smoothed face inside sharp outlines is what a pseudo-fake looks like too, and the
    shipped model flags a quarter of real faces so smoothed (sbi.damage's skin_smoothed_strong).
    `face_beauty_share`: how often a real sample's face alone is smoothed (beauty_filtered_face), as a beauty filter's
    skin mask smooths it: the harder question, since a pseudo-fake is a face changed inside such a region.
    `face_beauty_fakes`: pseudo-fakes draw `face_beauty_share` too, their photo's face smoothed before it is blended, so
    that a smoothed face is no cue either way (on real samples alone it also says "smoothed, so real"). Its screen
    (EXPERIMENTS.md, seed 64) kept half the beauty rows' gain and won back none of dfdc-dev's ranking.
    """

    target_share: float = 0.0
    min_resize: float = MIN_RESIZE
    max_blur: float = MAX_BLUR
    mesh_masks: bool = False
    warp_share: float = 0.0
    video_share: float = 0.0
    colour_match_share: float = 0.0
    other_face_share: float = 0.0
    sharpen_share: float = 0.0
    frequency_shifts: tuple[str, ...] = FREQUENCY_SHIFTS
    aligned_views: bool = False
    views_own_delivery: bool = False
    view_spread: float = 1.0
    opposite_mirrors: bool = False
    erase_share: float = 0.0
    beauty_share: float = 0.0
    face_beauty_share: float = 0.0
    face_beauty_fakes: bool = False


#: How many faces pick_donor chooses among.
DONOR_CANDIDATES = 8


def pick_donor(records: list[FaceRecord], record: FaceRecord, rng: np.random.Generator) -> FaceRecord:
    """Of a few faces drawn from `records` (never `record`'s own photo), the one whose eyes, nose and mouth a similarity
    transform fits best onto `record`'s: as Face X-ray picks a donor of like pose, so that the pasted face is another
    person's, not another angle's. `records` are the training faces, so a held-out photo is never pasted into anything."""
    # Drawn without replacement, the candidates hold `record` itself at most once: others remain wherever records has two.
    drawn = rng.choice(len(records), size=min(DONOR_CANDIDATES, len(records)), replace=False)
    candidates = [records[k] for k in drawn if records[k].file != record.file]
    points = record.keypoints[INNER_FACE]
    return min(candidates, key=lambda other: similarity(other.keypoints[INNER_FACE], points)[1])


def make_sample(image: np.ndarray, record: FaceRecord, fake: bool, rng: np.random.Generator, augment: bool = True,
                recipe: Recipe = Recipe(), donor: tuple[np.ndarray, FaceRecord] | None = None) -> np.ndarray:
    """A (160, 160, 3) uint8 crop: the photo itself, or its pseudo-fake: self-blended, or with `donor`'s face
    (its photo and record, from pick_donor) pasted in, colour-matched always, since a skin tone unlike the
    photo's would be a cue no swap pipeline leaves."""
    return make_sample_with_boundary(image, record, fake, rng, augment, recipe, donor)[0]


def make_sample_with_boundary(image: np.ndarray, record: FaceRecord, fake: bool, rng: np.random.Generator, augment: bool = True,
                              recipe: Recipe = Recipe(), donor: tuple[np.ndarray, FaceRecord] | None = None,
                              boundary_side: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """make_sample's crop and, for a `boundary_side` > 0, where the blend's edge lies in it: (side, side) float32 of
    4 m (1 - m) for the blend mask m (Face X-ray's boundary: 1 where face and photo mix half and half, 0 where
    either is untouched; all 0 for a real face), filtered down over the same crop and flipped with it.
    Draws nothing more from `rng`, so the crops are make_sample's."""
    image, mask = blended_and_damaged(image, record, fake, rng, augment, recipe, donor)
    return cut(image, mask, record.box, rng, augment, boundary_side)


def make_sample_views(image: np.ndarray, record: FaceRecord, fake: bool, rng: np.random.Generator, views: int,
                      recipe: Recipe = Recipe(), donor: tuple[np.ndarray, FaceRecord] | None = None,
                      applied: list[str] | None = None) -> list[np.ndarray]:
    """`views` augmented crops of one sample: one blend and one damage, each crop with a box jittered and a mirror
    drawn of its own, as the same photo framed by BlazeFace a little differently; with `recipe.aligned_views`, the
    first crop shifted instead (aligned_cuts); with `recipe.views_own_delivery`, each crop also resized and recompressed
    anew; the crops after the first from boxes jittered `recipe.view_spread` times as far; with
    `recipe.opposite_mirrors`, the crops after the first mirrored against the first, which of the two faces the first
    shows drawn once after the cuts; with `recipe.erase_share`, each crop then erased on its own (erased). The first
    is make_sample's crop (but for views_own_delivery, opposite_mirrors and erase_share); the others are drawn after it.
    `applied`, where given, gets the names of a pseudo-fake's transforms (self_blend's), drawing nothing."""
    crops = uncovered_views(image, record, fake, rng, views, recipe, donor, applied)
    return [erased(crop, rng, recipe.erase_share) for crop in crops]


def uncovered_views(image: np.ndarray, record: FaceRecord, fake: bool, rng: np.random.Generator, views: int,
                    recipe: Recipe, donor: tuple[np.ndarray, FaceRecord] | None, applied: list[str] | None) -> list[np.ndarray]:
    """make_sample_views' crops before any is erased."""
    if recipe.views_own_delivery:
        # As two copies of one photo reach a page: one capture, each copy resized and recompressed on its own way.
        image = captured(blended_and_damaged(image, record, fake, rng, False, recipe, donor, applied)[0], rng, recipe.max_blur)
        return [cut(delivery_damage(image, rng), None, record.box, rng, True, 0, view_spread(recipe, view))[0]
                for view in range(views)]
    image, _ = blended_and_damaged(image, record, fake, rng, True, recipe, donor, applied)
    if recipe.aligned_views:
        return aligned_cuts(image, record.box, rng, views)
    crops = [cut(image, None, record.box, rng, True, 0, view_spread(recipe, view),
                 mirror=view > 0 if recipe.opposite_mirrors else None)[0] for view in range(views)]
    if recipe.opposite_mirrors and rng.random() < 0.5:  # which way the first faces, drawn only for this recipe
        crops = [np.ascontiguousarray(crop[:, ::-1]) for crop in crops]
    return crops


#: Random erasing's bounds (Zhong et al., AAAI 2020): the share of a crop one rectangle covers, and its height over its
#: width (drawn on a log scale). At most a quarter of the crop, so that most of a pseudo-fake's blend edge stays.
ERASE_AREA = (0.02, 0.25)
ERASE_ASPECT = (1 / 3, 3.0)


def erased(crop: np.ndarray, rng: np.random.Generator, share: float) -> np.ndarray:
    """`crop`, `share` of the time with one rectangle filled with its mean colour (random erasing): so that no single
    region of a face, the blend's edge at one place included, decides its score alone, as RFM (Wang & Deng, CVPR 2021)
    erases the regions a detector leans on. Real and pseudo-fake crops alike, so a patch tells nothing of the label.
    Draws nothing from `rng` when `share` is 0, so recipes without it make the samples they always made."""
    if not share or rng.random() >= share:
        return crop
    height, width = crop.shape[:2]
    area = rng.uniform(*ERASE_AREA) * height * width
    aspect = np.exp(rng.uniform(*np.log(ERASE_ASPECT)))
    tall, wide = min(height, round(np.sqrt(area * aspect))), min(width, round(np.sqrt(area / aspect)))
    top, left = rng.integers(0, height - tall + 1), rng.integers(0, width - wide + 1)
    covered = crop.copy()
    covered[top:top + tall, left:left + wide] = crop.reshape(-1, crop.shape[2]).mean(axis=0).round().astype(crop.dtype)
    return covered


def view_spread(recipe: Recipe, view: int) -> float:
    """How far the box of a sample's `view` (0 first) is jittered, in multiples of BlazeFace's own moves."""
    return recipe.view_spread if view else 1.0


#: How far aligned_cuts shifts a view, in crop pixels each way. Two jittered boxes' centres lie up to 8% of the box
#: apart along an axis, 12.8 pixels of the 160 px crop (the crop is the box), 4.3 on average; a uniform shift of up
#: to 8 moves a view 4.2 on average.
ALIGNED_SHIFT = 8


def aligned_cuts(image: np.ndarray, box: dict, rng: np.random.Generator, views: int) -> list[np.ndarray]:
    """`views` crops of one jittered box at one scale and one mirror draw: the first is cut's, each other one the
    same grid of samples shifted by whole pixels (up to ALIGNED_SHIFT each way), so two views share their pixels
    where they overlap. It asks whether box consistency's cost on sharpened pastes comes from resampling a face
    at another scale (MODEL_CARD.md, Next steps)."""
    height, width = image.shape[:2]
    square, mirror = framing(box, width, height, rng)
    size, pad = CLASSIFIER_INPUT_SIZE, ALIGNED_SHIFT
    step = square.side / size
    # One resample of a square wider by `pad` pixels each way: its inner window is cut's crop, sample for sample.
    wide = resample_square(image, CropSquare(square.x - pad * step, square.y - pad * step, square.side + 2 * pad * step),
                           size + 2 * pad)
    shifts = [(0, 0)] + [tuple(rng.integers(-pad, pad + 1, size=2)) for _ in range(views - 1)]
    crops = [wide[pad + dy: pad + dy + size, pad + dx: pad + dx + size] for dy, dx in shifts]
    return [np.ascontiguousarray(crop[:, ::-1] if mirror else crop) for crop in crops]


def blended_and_damaged(image: np.ndarray, record: FaceRecord, fake: bool, rng: np.random.Generator, augment: bool,
                        recipe: Recipe, donor: tuple[np.ndarray, FaceRecord] | None,
                        applied: list[str] | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """The whole photo a sample is cut from, and its blend mask (None for a real face); a pseudo-fake's transforms'
    names go to `applied` where given (self_blend)."""
    mask = None
    # Drawn only when asked for, as the next draw, so the recipes from before these options keep their random streams.
    if recipe.beauty_share and rng.random() < recipe.beauty_share:
        image = beauty_filtered(image, rng)
    if (not fake or recipe.face_beauty_fakes) and recipe.face_beauty_share and rng.random() < recipe.face_beauty_share:
        image = beauty_filtered_face(image, record.keypoints, rng)
    if fake:
        colour_match = bool(recipe.colour_match_share) and rng.random() < recipe.colour_match_share
        source = None if donor is None else aligned_donor(donor[0], donor[1].keypoints, record.keypoints, image.shape[:2])
        image, mask = self_blend(image, record.keypoints, rng, recipe.target_share, recipe.min_resize,
                                 record.mesh if recipe.mesh_masks else None, recipe.warp_share,
                                 colour_match or source is not None, source, applied, recipe.sharpen_share,
                                 recipe.frequency_shifts)
    elif recipe.target_share and rng.random() < recipe.target_share:
        image = to_uint8(mismatch(image.astype(np.float32), rng, recipe.min_resize, sharpen_share=recipe.sharpen_share,
                                  shifts=recipe.frequency_shifts))
    if augment:
        image = degrade(image, rng, recipe.max_blur)
    return image, mask


def framing(box: dict, width: int, height: int, rng: np.random.Generator, spread: float = 1.0,
            mirror: bool | None = None) -> tuple[CropSquare, bool]:
    """A training crop's square around `box` jittered (`spread` times as far), and whether the crop is mirrored: the
    draws of cut and aligned_cuts, in that order, so that both cut the same first crop from the same stream. A `mirror`
    given overrides the mirror's draw, which is still made so that the stream keeps its place."""
    square, drawn = crop_square(jitter(box, rng, spread), width, height), bool(rng.random() < 0.5)
    return square, drawn if mirror is None else mirror


def cut(image: np.ndarray, mask: np.ndarray | None, box: dict, rng: np.random.Generator, augment: bool,
        boundary_side: int, spread: float = 1.0, mirror: bool | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """The classifier's crop of `image` around `box` (jittered, `spread` times as far, and perhaps mirrored when
    augmenting, or as `mirror` says), and the blend boundary over the same crop where `boundary_side` asks for it (see
    make_sample_with_boundary)."""
    height, width = image.shape[:2]
    square, mirror = framing(box, width, height, rng, spread, mirror) if augment else (crop_square(box, width, height), False)
    out = resample_square(image, square, CLASSIFIER_INPUT_SIZE)
    boundary = None
    if boundary_side:
        boundary = (np.zeros((boundary_side, boundary_side)) if mask is None
                    else resample_plane(4 * mask * (1 - mask), square, boundary_side)).astype(np.float32)
    if mirror:
        out = out[:, ::-1]
        boundary = None if boundary is None else boundary[:, ::-1]
    return np.ascontiguousarray(out), None if boundary is None else np.ascontiguousarray(boundary)
