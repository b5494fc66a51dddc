"""sbi.dropout_share takes box consistency's loss apart into the framing's part and the head's dropout's."""
import pytest
import torch

from sbi.dropout_share import parts_report, spread_parts
from sbi.model import build_net
from sbi.train import views_spread


def test_the_parts_add_up_to_the_loss_that_training_draws_on_average():
    torch.manual_seed(0)
    model = build_net("faceres-bn-narrow-128")
    pixels = torch.rand(3, 2, 3, 160, 160) * 255  # three items of two views
    framing, dropout = spread_parts(model, pixels)
    with torch.no_grad():
        features = model.backbone(model.backbone_input(pixels.flatten(0, 1)))
        model.head.train()  # dropout on, as in training; the backbone's batch norms stay on their running statistics
        draws = torch.stack([views_spread(model.head(features), 2, torch.ones(1)) for _ in range(20000)])
    everything = torch.ones(3, dtype=torch.bool)
    assert views_spread(model.eval().head(features), 2, everything).item() == pytest.approx(framing.mean(), rel=1e-5)
    assert draws.mean().item() == pytest.approx(framing.mean() + dropout.mean(), rel=0.03)
    assert dropout.min() > 0


def test_the_share_is_dropouts_part_of_the_whole():
    report = parts_report(torch.tensor([1.0, 3.0]).numpy(), torch.tensor([2.0, 2.0]).numpy())
    assert report == {"faces": 2, "framing": 2.0, "dropout": 2.0, "dropout_share": 0.5}
