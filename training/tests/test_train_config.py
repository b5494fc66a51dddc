"""A resumed run must continue the same network on the same data stream."""
import json

import pytest

from sbi.train import check_same_run


def write(tmp_path, config):
    path = tmp_path / "run.json"
    path.write_text(json.dumps(config))
    return path


def test_a_new_run_or_the_same_settings_go_on(tmp_path):
    config = {"arch": "faceres-bn", "pretrained": None, "target_share": 0.5}
    check_same_run(tmp_path / "run.json", config)  # nothing to resume yet
    check_same_run(write(tmp_path, config), dict(config))


@pytest.mark.parametrize("change", [{"arch": "faceres"}, {"target_share": 0.0}])
def test_another_arch_or_target_share_is_refused(tmp_path, change):
    earlier = {"arch": "faceres-bn", "pretrained": None, "target_share": 0.5}
    with pytest.raises(SystemExit, match="--" + next(iter(change)).replace("_", "-")):
        check_same_run(write(tmp_path, earlier), {**earlier, **change})


def test_runs_from_before_target_share_count_as_zero(tmp_path):
    path = write(tmp_path, {"arch": "faceres", "pretrained": None})
    check_same_run(path, {"arch": "faceres", "pretrained": None, "target_share": 0.0})
    with pytest.raises(SystemExit, match="target-share 0.0 \\(not 0.5\\)"):
        check_same_run(path, {"arch": "faceres", "pretrained": None, "target_share": 0.5})
