"""Weight averaging of runs from one start (sbi.soup)."""
import json

import pytest
import torch

from sbi.data import Recipe
from sbi.norms import refresh_batch_norms
from sbi.soup import average_states, main, recipe_of


def test_floating_tensors_are_averaged_and_counters_kept():
    first = {"weight": torch.tensor([1.0, 2.0]), "norm.num_batches_tracked": torch.tensor(5)}
    second = {"weight": torch.tensor([3.0, 6.0]), "norm.num_batches_tracked": torch.tensor(9)}
    mean = average_states([first, second])
    assert torch.equal(mean["weight"], torch.tensor([2.0, 4.0]))
    assert mean["norm.num_batches_tracked"].item() == 5


def test_networks_of_different_shape_are_refused():
    with pytest.raises(ValueError, match="different tensors"):
        average_states([{"a": torch.zeros(1)}, {"b": torch.zeros(1)}])


def test_batch_norms_take_the_statistics_of_all_batches_and_nothing_else_moves():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.BatchNorm2d(2), torch.nn.Conv2d(2, 1, 1))
    conv_before = model[1].weight.clone()
    batches = [torch.randn(4, 2, 3, 3) * 3 + 1, torch.randn(4, 2, 3, 3) * 0.5 - 2]
    refresh_batch_norms(model, batches)
    every = torch.cat(batches)
    assert torch.allclose(model[0].running_mean, every.mean(dim=(0, 2, 3)), atol=1e-5)
    # Each batch's unbiased variance, averaged: not the pooled variance, which would include the batches' own spread.
    per_batch = torch.stack([batch.transpose(0, 1).reshape(2, -1).var(dim=1) for batch in batches]).mean(0)
    assert torch.allclose(model[0].running_var, per_batch, atol=1e-4)
    assert torch.equal(model[1].weight, conv_before)
    assert not model.training and model[0].momentum == 0.1


def test_a_run_json_that_predates_a_recipe_option_means_its_default():
    assert recipe_of({"arch": "faceres-bn", "target_share": 0.5}) == Recipe(target_share=0.5)


def test_runs_from_different_teachers_are_refused(tmp_path, capsys):
    runs = []
    for name, teacher in (("a", "stage5.onnx"), ("b", "stage4.onnx")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "run.json").write_text(json.dumps({"arch": "faceres-bn-narrow-128", "distill": teacher}))
        runs.append(str(tmp_path / name))
    with pytest.raises(SystemExit, match="differ in distill"):
        main(["--runs", *runs, "--harvest", "h.jsonl", "--images", "i", "--out", str(tmp_path / "soup")])
