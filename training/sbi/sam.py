"""Sharpness-aware minimisation (SAM; Foret et al., ICLR 2021), as the SBI paper trains its detector.

SAM steps with the gradient taken at the worst nearby weights instead of at the weights themselves: it climbs
`rho` along the batch's gradient, takes the gradient there, and climbs back before the optimiser steps. Minima
whose neighbourhood is flat are thought to carry over to data unlike the training data, which is the whole
problem here: we train on self-blends and are judged on real face swaps. Each step costs two forward and
backward passes of the same batch.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import torch


@contextmanager
def batch_norm_statistics_frozen(model: torch.nn.Module):
    """The second pass sees the same batch at perturbed weights; its batch statistics must not count twice in the
    running averages that inference uses. Momentum 0 leaves them as they are while still normalising by the batch."""
    norms = [module for module in model.modules() if isinstance(module, torch.nn.modules.batchnorm._BatchNorm)]
    momenta = [norm.momentum for norm in norms]
    for norm in norms:
        norm.momentum = 0.0
    try:
        yield
    finally:
        for norm, momentum in zip(norms, momenta):
            norm.momentum = momentum


def sharpness_aware_gradients(model: torch.nn.Module, params: list[torch.nn.Parameter], rho: float,
                              batch_loss: Callable[[], torch.Tensor]) -> None:
    """Replaces the gradients in `params` (already computed by the caller at the current weights) with those at
    the weights moved `rho` (L2, over all of `params` together) along them, and puts the weights back.
    `batch_loss` computes the loss of the same batch with the same targets."""
    with_grad = [p for p in params if p.grad is not None]
    # Copied back rather than subtracted, which would not restore them bit for bit.
    weights = [p.detach().clone() for p in with_grad]
    with torch.no_grad():
        norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(p.grad) for p in with_grad]))
        for p in with_grad:
            p.add_(p.grad, alpha=float(rho / (norm + 1e-12)))
    for p in params:
        p.grad = None
    with batch_norm_statistics_frozen(model):
        batch_loss().backward()
    with torch.no_grad():
        for p, weight in zip(with_grad, weights):
            p.copy_(weight)
