"""sbi.cut_faces' pictures: the photo in the middle of the canvas, cut where the face's box says."""
import numpy as np

from sbi.cut_faces import CANVAS, GREY, cut_picture, cuts, eyes_inside, old_rule_square, placed
from sbi.data import eye_past_side, judged_by_app, share_outside

#: BlazeFace's six keypoints (eyes, nose, mouth, ears) of a face in the middle of a 100 px picture.
KEYPOINTS = np.array([[30, 40], [60, 40], [45, 55], [45, 70], [20, 45], [70, 45]], np.float32)


def test_places_the_photo_in_the_middle_of_a_grey_canvas():
    photo = np.full((20, 30, 3), 7, np.uint8)
    canvas, top, left = placed(photo)
    assert canvas.shape == (20 * CANVAS, 30 * CANVAS, 3)
    assert (top, left) == ((20 * CANVAS - 20) // 2, (30 * CANVAS - 30) // 2)
    assert (canvas[top:top + 20, left:left + 30] == 7).all()
    assert (canvas[:top] == GREY).all() and (canvas[:, :left] == GREY).all()


def test_cuts_through_the_given_share_of_the_box():
    canvas = np.arange(100 * 80 * 3, dtype=np.int64).reshape(100, 80, 3)
    box = {"x": 20, "y": 40, "width": 20, "height": 20}
    assert (cut_picture(canvas, box, "top", 0.25) == canvas[45:]).all()
    assert (cut_picture(canvas, box, "left", 0.5) == canvas[:, 30:]).all()
    assert (cut_picture(canvas, box, "right", 0.25) == canvas[:, :35]).all()
    assert (cut_picture(canvas, box, "bottom", 0.25) == canvas[:55]).all()
    assert cut_picture(canvas, box, "none", 0.0) is canvas


def test_the_rule_before_ignores_the_keypoints():
    keypoints = [{"x": 30, "y": 4}, {"x": 50, "y": 6}, {"x": 40, "y": 12}, {"x": 40, "y": 20}]
    box = {"x": 25, "y": 0, "width": 30, "height": 30, "keypoints": keypoints}
    square = old_rule_square(box, 200, 200)
    assert (square.x, square.y, square.side) == (25, 0, 30)


def test_measures_the_box_past_the_edge_as_the_app_does():
    # The cases of shareOutside's unit test (test/unit/select-score.test.ts).
    assert share_outside({"x": 100, "y": -40, "width": 100, "height": 100}, 1000, 500) == 0.4
    assert share_outside({"x": -10, "y": 450, "width": 100, "height": 100}, 1000, 500) == 0.5
    assert share_outside({"x": -20, "y": -20, "width": 400, "height": 1000}, 300, 900) == 0.25
    assert share_outside({"x": 100, "y": 10, "width": 100, "height": 100}, 1000, 500) == 0


def test_eyes_inside_needs_both_eyes_in_the_picture():
    assert eyes_inside(KEYPOINTS, 100, 100)
    assert not eyes_inside(KEYPOINTS - [0, 45], 100, 100)
    assert not eyes_inside(KEYPOINTS + [50, 0], 100, 100)
    assert eyes_inside(KEYPOINTS + [0, 40], 100, 100), "the mouth past the edge does not count"


def test_eye_past_side_looks_at_the_left_and_right_edges_only():
    assert not eye_past_side(KEYPOINTS, 100)
    assert eye_past_side(KEYPOINTS - [35, 0], 100), "the right eye past the left edge"
    assert eye_past_side(KEYPOINTS + [45, 0], 100), "the left eye past the right edge"
    assert not eye_past_side(KEYPOINTS - [0, 45], 100), "the eyes past the top edge do not count"
    assert not eye_past_side(KEYPOINTS - [25, 0], 100), "an ear past the edge does not count"


def test_cuts_start_uncut_then_go_deeper_at_each_edge():
    assert cuts(("left", "right")) == [("none", 0.0), ("left", 0.15), ("left", 0.3), ("left", 0.4), ("left", 0.5),
                                       ("right", 0.15), ("right", 0.3), ("right", 0.4), ("right", 0.5)]
    assert cuts(("top",), (0.3,)) == [("none", 0.0), ("top", 0.3)]


def test_the_app_judges_a_face_within_a_third_of_the_edge_with_its_eyes_between_the_sides():
    # The cases of selectFaces' unit test (test/unit/select-score.test.ts): eyes a third of the box in from its sides.
    keypoints = np.array([[30, 30], [60, 30], [45, 50], [45, 70], [5, 40], [85, 40]], np.float32)
    def face(x, y):
        return {"x": x, "y": y, "width": 90, "height": 90}, keypoints + [x, y]
    assert judged_by_app(*face(-29, 100), 1000, 500), "box 32% past the left edge, eye at x 1"
    box, points = face(-29, 100)
    assert not judged_by_app(box, points - [2, 0], 1000, 500), "the same box, the eye at x -1"
    assert judged_by_app(*face(935, 100), 1000, 500), "box 28% past the right edge, eye at x 995"
    assert not judged_by_app(*face(940, 100), 1000, 500), "the eye at x 1000"
    assert judged_by_app(*face(300, -29), 1000, 500), "box 32% past the top"
    assert not judged_by_app(*face(300, -31), 1000, 500), "box 34% past the top"
    box, points = face(300, -29)
    assert judged_by_app(box, points - [0, 6], 1000, 500), "the eyes past the top do not count"
