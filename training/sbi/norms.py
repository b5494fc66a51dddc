"""Batch norms put back into a pretrained network whose norms were folded into its convolutions."""
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
