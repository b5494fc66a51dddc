"""Makes the committed test fixtures, all public domain or made here.

  /usr/bin/python3 training/make_fixtures.py            # step 1: photos
  node training/harvest/harvest.mjs --dir test/fixtures --out /tmp/fixture-faces.jsonl
  /usr/bin/python3 training/make_fixtures.py --faces /tmp/fixture-faces.jsonl   # step 2: the pseudo-fake

- astronaut.jpg: NASA's portrait of Eileen Collins (public domain), as
  shipped by Debian's python3-skimage, re-encoded as JPEG.
- astronaut-exif-rotated.jpg: the portrait stored turned 90 degrees
  counter-clockwise with EXIF Orientation 6, so it displays upright.
- no-face.png: a synthetic scene drawn here.
- astronaut-sbi.jpg: astronaut.jpg self-blended by our own SBI code, with the
  keypoints the app's face detector found, and a fixed seed.
- tight-face.jpg: the portrait's face cut at 0.7 of the detector's box, 160 px
  square: a face that overflows the frame, which BlazeFace's whole-image pass
  misses (src/faces/zoom.ts).

The video clips (face.mp4, face.webm, no-face.webm, unsupported-codec.mp4,
audio-only.m4a, truncated.mp4), animated.gif and the AVIF stills
(astronaut.avif, astronaut-irot.avif, portrait-29mp-irot.avif) are made from
these by test/fixtures/make-videos.sh.
"""
import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sbi.blend import self_blend  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "test" / "fixtures"
ASTRONAUT = Path("/usr/lib/python3/dist-packages/skimage/data/astronaut.png")


def write_jpeg(path: Path, rgb: np.ndarray, quality: int = 90) -> None:
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])


def with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    """Inserts a minimal EXIF APP1 segment (big-endian TIFF, one IFD0 entry: Orientation) after SOI."""
    tiff = b"MM\x00\x2a" + (8).to_bytes(4, "big")
    tiff += (1).to_bytes(2, "big") + (0x0112).to_bytes(2, "big") + (3).to_bytes(2, "big") + (1).to_bytes(4, "big")
    tiff += orientation.to_bytes(2, "big") + b"\x00\x00" + (0).to_bytes(4, "big")
    payload = b"Exif\x00\x00" + tiff
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + segment + jpeg[2:]


def no_face_scene(width: int = 480, height: int = 320) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    sky = np.stack([120 + 80 * y / height, 170 + 50 * y / height, 235 - 20 * y / height], -1)
    image = sky.astype(np.uint8)
    cv2.rectangle(image, (0, int(height * 0.65)), (width, height), (70, 140, 60), -1)
    cv2.circle(image, (int(width * 0.8), int(height * 0.2)), 30, (250, 220, 90), -1)
    cv2.rectangle(image, (60, 150), (180, 240), (150, 90, 60), -1)
    cv2.fillConvexPoly(image, np.array([[50, 150], [190, 150], [120, 100]], np.int32), (120, 40, 40))
    return image


def tight_crop(photo: np.ndarray, face: dict, fraction: float = 0.7, size: int = 160) -> np.ndarray:
    """A square of `fraction` times the face box's side around its centre, resized to `size`: the face overflows it."""
    side = int(face["width"] * fraction)
    left = int(face["x"] + face["width"] / 2) - side // 2
    top = int(face["y"] + face["height"] / 2) - side // 2
    return cv2.resize(photo[top:top + side, left:left + side], (size, size), interpolation=cv2.INTER_CUBIC)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--faces", type=Path, help="harvest JSONL of test/fixtures, for the self-blended fixture")
    args = parser.parse_args()
    astronaut = cv2.cvtColor(cv2.imread(str(ASTRONAUT), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    if not args.faces:
        write_jpeg(FIXTURES / "astronaut.jpg", astronaut)
        stored = cv2.rotate(astronaut, cv2.ROTATE_90_COUNTERCLOCKWISE)
        ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(stored, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
        assert ok
        (FIXTURES / "astronaut-exif-rotated.jpg").write_bytes(with_exif_orientation(encoded.tobytes(), 6))
        cv2.imwrite(str(FIXTURES / "no-face.png"), cv2.cvtColor(no_face_scene(), cv2.COLOR_RGB2BGR))
        return 0
    rows = {json.loads(line)["file"]: json.loads(line) for line in args.faces.read_text().splitlines()}
    face = rows["astronaut.jpg"]["faces"][0]
    keypoints = np.array([[p["x"], p["y"]] for p in face["keypoints"]], np.float32)
    photo = cv2.cvtColor(cv2.imread(str(FIXTURES / "astronaut.jpg")), cv2.COLOR_BGR2RGB)
    blended, _ = self_blend(photo, keypoints, np.random.default_rng(4))
    write_jpeg(FIXTURES / "astronaut-sbi.jpg", blended)
    write_jpeg(FIXTURES / "tight-face.jpg", tight_crop(photo, face))
    return 0


if __name__ == "__main__":
    sys.exit(main())
