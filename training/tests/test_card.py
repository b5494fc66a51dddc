from sbi.card import by_transform_across


def report(sharpen_auc: float, all_auc: float, dfdc_auc: float) -> dict:
    kind = {"fakes": 105, "auc": sharpen_auc, "auc_95": [sharpen_auc - 0.05, sharpen_auc + 0.05]}
    return {"sbi_heldout_by_transform": {"blur": {"fakes": 94, "auc": 0.9}, "sharpen": kind},
            "sbi_heldout": {"count": 2236, "auc": all_auc}, "dfdc_dev": {"count": 2000, "auc": dfdc_auc}}


def test_by_transform_across_puts_each_report_in_its_column():
    lines = by_transform_across({"old": report(0.779, 0.910, 0.621), "new": report(0.680, 0.880, 0.677)})
    assert lines[0] == "| held-out blends whose pasted face was changed by | fakes | old | new |"
    assert len(lines) == 2 + 2 + 2
    assert lines[2] == "| blur | 94 | 0.900 | 0.900 |"
    assert lines[3] == "| sharpen | 105 | 0.779 (0.729–0.829) | 0.680 (0.630–0.730) |"
    assert lines[4] == "| all held-out blends | 2236 real and fake | 0.910 | 0.880 |"
    assert lines[5] == "| dfdc-dev, all images | 2000 real and fake | 0.621 | 0.677 |"
