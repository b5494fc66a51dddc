"""Sharpness-aware minimisation: the gradient it leaves is the one at the perturbed weights, the weights come back,
and the second pass leaves batch norms' running statistics alone."""
import torch

from sbi.sam import sharpness_aware_gradients


def small_net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                               torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 1))


def batch():
    generator = torch.Generator().manual_seed(1)
    return torch.rand(8, 3, 10, 10, generator=generator), torch.tensor([0.0, 1.0] * 4)


def loss_of(net, pixels, labels):
    return lambda: torch.nn.functional.binary_cross_entropy_with_logits(net(pixels).squeeze(1), labels)


def test_the_gradient_is_taken_rho_along_the_first_and_the_weights_come_back():
    net, (pixels, labels), rho = small_net(), batch(), 0.05
    params = list(net.parameters())
    loss_of(net, pixels, labels)().backward()
    plain = [p.grad.clone() for p in params]
    before = [p.detach().clone() for p in params]

    sharpness_aware_gradients(net, params, rho, loss_of(net, pixels, labels))
    assert all(torch.equal(p, b) for p, b in zip(params, before))

    # The same by hand on a copy: move rho along the normalised plain gradient, take the gradient there.
    norm = torch.sqrt(sum((g ** 2).sum() for g in plain))
    by_hand = small_net()
    by_hand.load_state_dict(net.state_dict())
    with torch.no_grad():
        for p, g in zip(by_hand.parameters(), plain):
            p.add_(g * rho / norm)
    loss_of(by_hand, pixels, labels)().backward()
    for p, expected in zip(params, by_hand.parameters()):
        assert torch.allclose(p.grad, expected.grad, atol=1e-6)
    assert any(not torch.allclose(p.grad, g) for p, g in zip(params, plain))


def test_the_second_pass_leaves_the_running_statistics_alone():
    net, (pixels, labels) = small_net(), batch()
    norm = net[1]
    loss_of(net, pixels, labels)().backward()
    mean, var = norm.running_mean.clone(), norm.running_var.clone()
    sharpness_aware_gradients(net, list(net.parameters()), 0.05, loss_of(net, pixels, labels))
    assert torch.equal(norm.running_mean, mean) and torch.equal(norm.running_var, var)
    assert norm.momentum == 0.1  # restored for the next plain pass
