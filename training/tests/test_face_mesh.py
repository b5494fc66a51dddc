"""The face-mesh crop geometry and the TFLite reader's padding rule (the network itself: test_smoke)."""
from pathlib import Path

import numpy as np
import pytest

from sbi.data import FaceRecord
from sbi.face_mesh import MESH_INPUT, mesh_crop_matrix, to_photo
from sbi.tflite import same_padding


def record(right_eye, left_eye, box=(40.0, 50.0, 100.0, 120.0)):
    keypoints = np.zeros((6, 2), np.float32)
    keypoints[0], keypoints[1] = right_eye, left_eye
    x, y, width, height = box
    return FaceRecord(Path("face.jpg"), {"x": x, "y": y, "width": width, "height": height}, keypoints)


@pytest.mark.parametrize("tilt", [0.0, 20.0, -35.0])
def test_the_mesh_crop_levels_the_eyes_and_centres_the_face(tilt):
    angle = np.radians(tilt)
    center = np.array([90.0, 110.0])
    across = 30 * np.array([np.cos(angle), np.sin(angle)])
    face = record(center - across, center + across)
    matrix = mesh_crop_matrix(face)
    eyes = np.array([face.keypoints[0], face.keypoints[1]]) @ matrix[:, :2].T + matrix[:, 2]
    assert abs(eyes[0, 1] - eyes[1, 1]) < 1e-3 and eyes[0, 0] < eyes[1, 0]
    assert np.allclose(center @ matrix[:, :2].T + matrix[:, 2], MESH_INPUT / 2)
    # 1.5 times the box's longer side fills the input
    assert np.isclose(np.hypot(*matrix[:, 0]), MESH_INPUT / (1.5 * 120))


def test_points_go_back_to_the_photo():
    matrix = mesh_crop_matrix(record((60, 90), (120, 100)))
    points = np.random.default_rng(0).uniform(0, 200, (468, 2))
    assert np.allclose(to_photo(points @ matrix[:, :2].T + matrix[:, 2], matrix), points, atol=1e-4)


@pytest.mark.parametrize("size, kernel, stride, expected", [(192, 3, 2, (0, 1)), (96, 3, 1, (1, 1)), (6, 3, 2, (0, 1)),
                                                            (7, 3, 2, (1, 1)), (12, 2, 2, (0, 0)), (5, 5, 1, (2, 2))])
def test_same_padding_is_tensorflows(size, kernel, stride, expected):
    top, bottom = same_padding(size, kernel, stride)
    assert (top, bottom) == expected
    assert (size + top + bottom - kernel) // stride + 1 == -(-size // stride)  # output size ceil(size / stride)
