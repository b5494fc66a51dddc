"""Batch norms put back into a pretrained network whose norms were folded into its convolutions, and measured afresh
for a network whose weights were averaged."""
from __future__ import annotations

import torch
from torch import nn


@torch.no_grad()
def init_batch_norms_as_identity(net: nn.Module, pixels: torch.Tensor) -> None:
    """Sets every 2-d batch norm in `net` (not a head's BatchNorm1d, which normalises as usual) to pass on, in eval
    mode, what `pixels` (as `net` takes them) bring it, as the folded original did:
    its statistics and affine parameters from that input. One pass does it, each norm set as the input reaches it
    and its output replaced by its input exactly, so that later norms see the folded network's values."""

    def set_from(norm: nn.BatchNorm2d, inputs: tuple[torch.Tensor, ...]) -> None:
        x = inputs[0]
        mean, var = x.mean(dim=(0, 2, 3)), x.var(dim=(0, 2, 3), unbiased=False)
        norm.running_mean.copy_(mean)
        norm.running_var.copy_(var)
        norm.weight.copy_((var + norm.eps).sqrt())
        norm.bias.copy_(mean)

    norms = [module for module in net.modules() if isinstance(module, nn.BatchNorm2d)]
    hooks = [norm.register_forward_pre_hook(set_from) for norm in norms]
    hooks += [norm.register_forward_hook(lambda _norm, inputs, _output: inputs[0]) for norm in norms]
    training = net.training
    try:
        net.eval()(pixels)
    finally:
        for hook in hooks:
            hook.remove()
        net.train(training)


def refresh_batch_norms(model: torch.nn.Module, batches) -> None:
    """Sets every batch norm's running mean and variance to their plain average over `batches` (pixels as the
    model takes them), leaving the weights and everything else as they were; the model ends in eval mode."""
    norms = [module for module in model.modules() if isinstance(module, torch.nn.modules.batchnorm._BatchNorm)]
    momenta = [norm.momentum for norm in norms]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a cumulative average over all batches, not an exponential one
    model.eval()
    for norm in norms:
        norm.train()
    with torch.no_grad():
        for pixels in batches:
            model(pixels)
    for norm, momentum in zip(norms, momenta):
        norm.momentum = momentum
    model.eval()
