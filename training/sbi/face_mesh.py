"""468 face landmarks per training photo, for face-shaped blend masks (training only; the app never needs them).

  bash training/fetch_face_mesh.sh          # MediaPipe's face_landmark.tflite from the npm registry
  cd training && /usr/bin/python3 -m sbi.face_mesh --harvest ~/.cache/deepfake-check/faces-utk.jsonl \
      --images ../../shared/data/faces-utk --out ~/.cache/deepfake-check/faces-utk-mesh.npz

The model is MediaPipe's face landmark network (Apache-2.0, shipped in the npm
package @mediapipe/face_mesh), run in PyTorch by `sbi.tflite`. As in
MediaPipe's own pipeline, it looks at a 192 px square around the face the
app's detector found: 1.5 times the box's longer side, turned so that the eyes
lie level, pixel values in 0..1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

from .blend import LEFT_EYE, RIGHT_EYE
from .data import FaceRecord, load_harvest, read_rgb
from .tflite import TFLiteNet

MESH_INPUT = 192
MESH_POINTS = 468
CROP_SCALE = 1.5
DEFAULT_MODEL = Path.home() / ".cache" / "deepfake-check" / "face_mesh" / "face_landmark.tflite"


def mesh_crop_matrix(record: FaceRecord) -> np.ndarray:
    """2x3 affine map from photo pixels to the landmark network's 192 px input."""
    box = record.box
    center = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    eyes = record.keypoints[LEFT_EYE] - record.keypoints[RIGHT_EYE]
    angle = float(np.degrees(np.arctan2(eyes[1], eyes[0])))
    side = CROP_SCALE * max(box["width"], box["height"])
    matrix = cv2.getRotationMatrix2D(center, angle, MESH_INPUT / side)
    matrix[:, 2] += np.array([MESH_INPUT / 2, MESH_INPUT / 2]) - np.array(center)
    return matrix


class FaceMesh:
    def __init__(self, model: Path = DEFAULT_MODEL):
        if not Path(model).is_file():
            raise FileNotFoundError(f"{model} not found: run training/fetch_face_mesh.sh")
        self.net = TFLiteNet(model).eval()

    def __call__(self, images: list[np.ndarray], records: list[FaceRecord]) -> np.ndarray:
        """(N, 468, 2) float32 landmark positions in each photo's pixels."""
        matrices = [mesh_crop_matrix(record) for record in records]
        crops = np.stack([cv2.warpAffine(image, matrix, (MESH_INPUT, MESH_INPUT), flags=cv2.INTER_LINEAR,
                                         borderMode=cv2.BORDER_REPLICATE) for image, matrix in zip(images, matrices)])
        with torch.no_grad():
            points, _presence = self.net(torch.from_numpy(crops.astype(np.float32) / 255.0))
        points = points.reshape(len(records), MESH_POINTS, 3)[:, :, :2].numpy()
        return np.stack([to_photo(p, matrix) for p, matrix in zip(points, matrices)]).astype(np.float32)


def to_photo(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Points in the network's input back in photo pixels (the inverse of `matrix`)."""
    inverse = cv2.invertAffineTransform(matrix)
    return points @ inverse[:, :2].T + inverse[:, 2]


def load_meshes(path: Path) -> dict[str, np.ndarray]:
    """File name → (468, 2) landmarks, from a file `main` wrote."""
    with np.load(path) as data:
        return dict(zip(data["files"].tolist(), data["points"].astype(np.float32)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--harvest", type=Path, required=True)
    parser.add_argument("--images", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help=".npz with files and their (468, 2) landmarks")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    records, _ = load_harvest(args.harvest, args.images)
    if args.limit:
        records = records[: args.limit]
    mesh = FaceMesh(args.model)
    points = []
    for start in range(0, len(records), args.batch):
        batch = records[start : start + args.batch]
        points.append(mesh([read_rgb(record.file) for record in batch], batch))
        print(f"\r{start + len(batch)}/{len(records)} faces", end="", file=sys.stderr)
    print(file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, files=np.array([record.file.name for record in records]),
                        points=np.concatenate(points).astype(np.float16))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
