"""Trains the classifier on self-blended pseudo-fakes of real faces.

  cd training && /usr/bin/python3 -m sbi.train --harvest ~/.cache/deepfake-check/faces-utk.jsonl \
      --images ../../shared/data/faces-utk --out ~/.cache/deepfake-check/run --steps 3000

Resumable: rerun the same command and it continues from the last checkpoint
in --out, on the batches and dropout an uninterrupted run would have had next
(exactly so when the run stopped at one of the schedule's checkpoints);
`--stop-after N` ends a session at step N of the schedule.
`--init OTHER_RUN/model.pt` starts a new run (own schedule) from a finished
one, to train longer. Deterministic for a seed (up to PyTorch's CPU
kernels).
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from dataclasses import asdict, fields, replace
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, default_collate

from .blend import FREQUENCY_SHIFTS, MAX_BLUR, MIN_RESIZE
from .data import FaceRecord, Recipe, load_harvest, make_sample_views, make_sample_with_boundary, pick_donor, read_rgb, training_faces
from .face_mesh import load_meshes
from .metrics import roc_auc
from .faceres import has_all_blocks, keep_blocks, width_of
from .narrow import pick_channels
from .norms import init_batch_norms_as_identity, refresh_batch_norms
from .model import ARCHITECTURES, FACERES_LAYOUTS, FaceResDeepfakeNet, build_net, restores_batch_norms
from .onnx_weights import faceres_state_from_onnx, logits_net_from_onnx
from .sam import sharpness_aware_gradients
from .video import video_damage


# What a resumed run must share with the run it continues: each changes the network, the data stream or the arithmetic.
RESUME_KEYS = {"arch": None, **asdict(Recipe()), "distill": None, "distill_weight": None, "device": "cpu", "boundary_weight": None, "sam_rho": None,
               "box_consistency": None, "views": None, "consistency_on": None, "consistency_undropped": None,
               "consistency_features": None, "focal_gamma": None, "average_from": None}


#: --consistency-on's choices: which items' views box consistency asks to agree, from their labels (one per view)
#: and whether each is a sharpened pseudo-fake (one per item).
CONSISTENCY_ITEMS = {
    "all": lambda labels, sharpened: torch.ones_like(sharpened),
    "real": lambda labels, sharpened: labels[:, 0] == 0,
    "unsharpened": lambda labels, sharpened: ~sharpened,
}


def spread_over_views(logits: torch.Tensor, views: int) -> torch.Tensor:
    """Each item's variance of its logits over its views (not unbiased): what box consistency asks to vanish."""
    return logits.view(-1, views).var(dim=1, unbiased=False)


def views_spread(logits: torch.Tensor, views: int, counted: torch.Tensor) -> torch.Tensor:
    """Box consistency's loss: spread_over_views averaged over all items, where the items not `counted` add 0 but
    still count in the average, so each counted item is pulled exactly as hard as when every item counts."""
    return (spread_over_views(logits, views) * counted).mean()


def features_spread(features: torch.Tensor, views: int, counted: torch.Tensor) -> torch.Tensor:
    """--consistency-features' loss: each item's variance of its pooled features over its views, summed over the
    channels, as a share of the same sum over every crop of the batch, averaged as views_spread averages. A share
    cannot be lowered by shrinking every feature, as the logits' spread is lowered by squeezing their scale."""
    within = features.view(-1, views, features.shape[1]).var(dim=1, unbiased=False).sum(dim=1)
    return (within / features.var(dim=0, unbiased=False).sum().clamp_min(1e-8) * counted).mean()


class RunningAverage:
    """The plain mean of a network's weights over the steps it is shown (--average-from: stochastic weight averaging,
    Izmailov et al., UAI 2018, taken at every step as SWAD does, Cha et al., NeurIPS 2021, for data unlike the
    training data). Weights only: batch norms' statistics of the mean network are measured afresh (norms.refresh_batch_norms)."""

    def __init__(self, model: torch.nn.Module):
        self.count = 0
        self.weights = {name: weight.detach().clone() for name, weight in model.named_parameters()}

    @torch.no_grad()
    def add(self, model: torch.nn.Module) -> None:
        self.count += 1
        for name, weight in model.named_parameters():
            self.weights[name] += (weight - self.weights[name]) / self.count

    def state_dict(self) -> dict:
        return {"count": self.count, "weights": self.weights}

    def load_state_dict(self, state: dict) -> None:
        self.count, self.weights = state["count"], state["weights"]

    def network(self, model: torch.nn.Module) -> torch.nn.Module:
        """A copy of `model` holding the mean weights (its buffers still `model`'s)."""
        averaged = copy.deepcopy(model)
        averaged.load_state_dict(self.weights, strict=False)
        return averaged


def check_same_run(run_config: Path, config: dict) -> None:
    """Refuses to resume a run in --out with another architecture, data stream or device, which would mix two runs silently."""
    if not run_config.exists():
        return
    earlier = json.loads(run_config.read_text())
    # Compared as run.json writes them: JSON keeps a tuple as a list.
    config, defaults = json.loads(json.dumps(config)), json.loads(json.dumps(RESUME_KEYS))
    # A run written before one of these options existed lacks its key, which meant the default.
    changed = [f"--{key.replace('_', '-')} {earlier.get(key, default)} (not {config[key]})"
               for key, default in defaults.items() if earlier.get(key, default) != config[key]]
    if changed:
        raise SystemExit(f"{run_config.parent} holds a run with {', '.join(changed)}: resume it with the same values or choose another --out")


class SelfBlendedFaces(Dataset):
    """Item 2k is record k as it is, item 2k+1 its pseudo-fake; each epoch draws new blends and damage.
    Donor faces (the recipe's other_face_share) come from `records` alone. With a `boundary_side`, each item also
    holds its blend boundary at that side (make_sample_with_boundary), for --boundary-weight. With `views` > 1,
    an item's pixels are (views, 3, size, size): one sample cut from differently jittered boxes (make_sample_views),
    for --box-consistency, and the item also holds whether it is a pseudo-fake with a sharpened face or surroundings."""

    def __init__(self, records: list[FaceRecord], seed: int, augment: bool = True, recipe: Recipe = Recipe(), boundary_side: int = 0,
                 views: int = 1):
        self.records, self.seed, self.augment, self.recipe, self.epoch = records, seed, augment, recipe, 0
        self.boundary_side, self.views = boundary_side, views

    def __len__(self) -> int:
        return 2 * len(self.records)

    def __getitem__(self, index: int):
        record, fake = self.records[index // 2], index % 2 == 1
        rng = np.random.default_rng([self.seed, self.epoch, index])
        donor = self.donor_for(record, index) if fake else None
        if self.views > 1:
            applied: list[str] = []
            views = make_sample_views(read_rgb(record.file), record, fake, rng, self.views, self.recipe, donor, applied)
            pixels = torch.from_numpy(np.stack(views)).permute(0, 3, 1, 2).float()
            return pixels, torch.tensor(float(fake)), torch.tensor("sharpen" in applied)
        crop, boundary = make_sample_with_boundary(read_rgb(record.file), record, fake, rng, self.augment, self.recipe, donor,
                                                   self.boundary_side)
        item = torch.from_numpy(crop).permute(2, 0, 1).float(), torch.tensor(float(fake))
        return item if boundary is None else (*item, torch.from_numpy(boundary)[None])

    def donor_for(self, record: FaceRecord, index: int) -> tuple[np.ndarray, FaceRecord] | None:
        """Whether item `index`'s pseudo-fake pastes another face, and whose. Drawn from a stream of its own, so that
        every other draw of the sample, and every sample of a recipe without donors, stays as it was."""
        if not self.recipe.other_face_share:
            return None
        rng = np.random.default_rng([self.seed, self.epoch, index, 1])
        if rng.random() >= self.recipe.other_face_share:
            return None
        donor = pick_donor(self.records, record, rng)
        return read_rgb(donor.file), donor


def one_opencv_thread_if_forking(workers: int) -> None:
    """With loader workers, OpenCV runs on one thread from the start, in the main process too. The main process
    uses OpenCV before the workers fork (the batch-norm sample), and a forked worker inherits its thread pool in
    whatever state it was: on the lent GPU's OpenCV (pip's opencv-python-headless) every worker then hung at its
    first sample, and setting one thread inside the worker came too late. The workers already share the cores, so
    one thread each costs nothing; the samples do not depend on it. Without workers (the card's CPU commands) the
    main process keeps OpenCV's threads."""
    if workers > 0:
        cv2.setNumThreads(1)


def epoch_batches(size: int, batch: int, seed: int, epoch: int, done: int) -> list[list[int]]:
    """The batches of sample indices that epoch `epoch` trains on, less the first `done`, which a resumed run has
    trained on already. Drawn by a shuffled DataLoader over the bare indices, seeded as every run has been, so an
    uninterrupted run keeps its order and a resumed one goes on where it stopped instead of replaying the epoch."""
    generator = torch.Generator().manual_seed(seed * 1000 + epoch)
    indices = DataLoader(range(size), batch_size=batch, shuffle=True, generator=generator, drop_last=True)
    return [batch_indices.tolist() for batch_indices in indices][done:]


class EpochBatches(Dataset):
    """An epoch's batches as a loader's items, each made whole by whichever process takes it: its samples collated,
    their views laid out as samples of their own, then coded as video frames (with_video_damage, drawn per step, so a
    resumed run damages the same samples as an uninterrupted one). With loader workers the ffmpeg calls run there
    too, not in the process that trains: at about 0.2 s a step they would hold a GPU run to five steps a second
    (with them in the workers, a lent H200 ran 21). The batches are the same either way."""

    def __init__(self, data: SelfBlendedFaces, batches: list[list[int]], first_step: int, seed: int):
        self.data, self.batches, self.first_step, self.seed = data, batches, first_step, seed

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int):
        pixels, labels, *more = default_collate([self.data[i] for i in self.batches[index]])
        if self.data.views > 1:  # (items, views, 3, size, size): every view is a sample of its own to the labels' loss
            pixels, labels = pixels.flatten(0, 1), labels.repeat_interleave(self.data.views)
        rng = np.random.default_rng([self.seed, self.first_step + index])
        return with_video_damage(pixels, self.data.recipe.video_share, rng), labels, *more


def rng_states(device: torch.device) -> dict[str, torch.Tensor]:
    """The random state dropout draws from, saved with a checkpoint so that a resumed run drops the same units."""
    states = {"cpu": torch.get_rng_state()}
    if device.type == "cuda":
        states["cuda"] = torch.cuda.get_rng_state(device)
    return states


def restore_rng_states(states: dict[str, torch.Tensor], device: torch.device) -> None:
    torch.set_rng_state(states["cpu"])
    if "cuda" in states:
        torch.cuda.set_rng_state(states["cuda"], device)


def predict(model: torch.nn.Module, loader: DataLoader, device: torch.device = torch.device("cpu")) -> tuple[np.ndarray, np.ndarray]:
    model.eval()
    logits, labels = [], []
    with torch.no_grad():
        for pixels, label in loader:
            logits.append(model(pixels.to(device)).squeeze(1).cpu().numpy())
            labels.append(label.numpy())
    model.train()
    return np.concatenate(logits), np.concatenate(labels)


def load_initial_weights(model: torch.nn.Module, path: Path, sample: torch.Tensor) -> bool:
    """--init: a finished run's model.pt, or a FaceRes classifier's ONNX file (see onnx_weights).

    A faceres run may start a faceres-bn one, and a full network a faceres-bn-lite one (its blocks
    picked out), and any network a narrower one (its most used channels, measured on `sample`, see narrow);
    returns whether batch norms were missing.
    """
    state = faceres_state_from_onnx(path) if path.suffix == ".onnx" else torch.load(path)
    if isinstance(model, FaceResDeepfakeNet):
        if has_all_blocks(state):
            state = keep_blocks(state, model.backbone.kept)  # a lite run may start from a full network
        if state["head.1.weight"].shape[1] > model.backbone.features:
            # Channels are picked by what they do on the input the narrow network will see. The wider network may
            # itself be narrow.
            full = FaceResDeepfakeNet("backbone.norms.0.weight" in state, model.backbone.kept,
                                      width=width_of(state["head.1.weight"].shape[1]), sees=model.sees,
                                      symmetric=model.backbone.symmetric)
            full.load_state_dict(state)
            state = pick_channels(full, model, sample)
    missing, unexpected = model.load_state_dict(state, strict=False)
    misfits = unexpected + [key for key in missing if not key.startswith("backbone.norms.")]
    if misfits:
        raise SystemExit(f"{path} does not fit --arch: {', '.join(misfits[:5])}")
    return bool(missing)


def targets(labels: torch.Tensor, pixels: torch.Tensor, teacher: torch.nn.Module | None, weight: float) -> torch.Tensor:
    """The labels, or with a teacher, their mix with its probabilities: BCE is linear in its target, so this
    is weight x the loss against the teacher plus (1 - weight) x the loss against the labels."""
    if teacher is None:
        return labels
    with torch.no_grad():
        return (1 - weight) * labels + weight * torch.sigmoid(teacher(pixels).squeeze(1))


def focal_bce(logits: torch.Tensor, wanted: torch.Tensor, gamma: float) -> torch.Tensor:
    """Binary cross-entropy in which each sample weighs by how far it lies from its target. Gamma above 0: it weighs
    |target - probability| ** gamma, focal loss (Lin et al., ICCV 2017) in the form that takes soft targets, as
    distillation's are (Li et al.'s quality focal loss, NeurIPS 2020), so the samples the network already gets right
    count less than those it misses. Gamma below 0, the mirror: it weighs (1 - |target - probability|) ** -gamma, so
    the samples it misses count less, as a loss robust to wrong labels does (the generalized cross-entropy of Zhang &
    Sabuncu, NeurIPS 2018, weighs each sample's gradient so): a pseudo-fake whose blend left no trace is such a label.
    The weights are scaled to average 1 over the batch, so the labels' loss keeps plain BCE's weight beside box
    consistency's; gamma 0 is plain BCE."""
    losses = torch.nn.functional.binary_cross_entropy_with_logits(logits, wanted, reduction="none")
    if not gamma:
        return losses.mean()
    distance = (wanted - torch.sigmoid(logits)).abs()
    # The mirror's weights are held fixed: a gradient through a weight that falls as a sample misses by more would
    # pay the network to miss further the samples it already misses by much (at -1 with a hard target, the weighted
    # loss falls again past a miss of 1 - 1/e).
    weights = distance.pow(gamma) if gamma > 0 else (1 - distance).pow(-gamma).detach()
    return (weights * losses).sum() / weights.detach().sum().clamp_min(1e-12)


def boundary_head(model: torch.nn.Module, sample: torch.Tensor, seed: int) -> tuple[torch.nn.Conv2d, int]:
    """A 1x1 convolution that reads the blend's boundary off the backbone's finest whole-face map (Face X-ray's
    auxiliary target: where the pasted face meets the photo, whoever's face it is), and that map's side for
    `sample`'s crops. Training only: export never sees it. Made on a random stream of its own, and the map measured
    in eval mode, so that dropout and batch norms are as in a run without it."""
    if not isinstance(model, FaceResDeepfakeNet):
        raise SystemExit("--boundary-weight needs a FaceRes architecture (--arch faceres*)")
    with torch.random.fork_rng(), torch.no_grad():
        torch.manual_seed(seed)
        side = model.eval().forward_with_map(sample[:1])[1].shape[-1]
        model.train()
        return torch.nn.Conv2d(model.backbone.tapped_channels(), 1, 1), side


def with_video_damage(pixels: torch.Tensor, share: float, rng: np.random.Generator) -> torch.Tensor:
    """A batch of uint8-valued crops in which each, whatever its label, is coded as a video frame with probability `share`."""
    picked = torch.from_numpy(rng.random(len(pixels)) < share)
    if not picked.any():
        return pixels
    frames = pixels[picked].permute(0, 2, 3, 1).to(torch.uint8).numpy()
    out = pixels.clone()
    out[picked] = torch.from_numpy(video_damage(frames, rng)).permute(0, 3, 1, 2).float()
    return out


def batch_norm_loader(train: list[FaceRecord], recipes: list[Recipe], samples: int, seed: int, workers: int) -> DataLoader:
    """`samples` training samples (half pseudo-fakes), spread over the training faces and made by each recipe in turn,
    in batches of 64: what an averaged network's batch norms are measured on, so that their statistics are those of
    what it was trained on. Video coding, which training applies to whole batches, is left out (a quarter of the
    samples at most)."""
    picks = np.random.default_rng(seed).choice(2 * len(train), size=min(samples, 2 * len(train)), replace=False)
    datasets = [SelfBlendedFaces(train, seed, recipe=recipe) for recipe in recipes]
    parts = torch.utils.data.ConcatDataset([torch.utils.data.Subset(data, part.tolist())
                                            for data, part in zip(datasets, np.array_split(picks, len(datasets)))])
    return DataLoader(parts, batch_size=64, num_workers=workers)


def save_average(average: RunningAverage, model: torch.nn.Module, out: Path, config: dict, first_step: int,
                 norms_from: DataLoader, val_loader: DataLoader, device: torch.device) -> None:
    """The averaged network as a run folder of its own (out/averaged: model.pt and run.json, which sbi.export reads),
    its batch norms measured on `norms_from`, with its validation AUC in the folder's metrics.jsonl."""
    averaged = average.network(model)
    refresh_batch_norms(averaged, (pixels.to(device) for pixels, _ in norms_from))
    logits, truth = predict(averaged, val_loader, device)
    entry = {"averaged_steps": [first_step, first_step + average.count - 1], "val_sbi_auc": roc_auc(truth, logits)}
    print(json.dumps(entry), file=sys.stderr)
    folder = out / "averaged"
    folder.mkdir(exist_ok=True)
    (folder / "metrics.jsonl").write_text(json.dumps(entry) + "\n")
    torch.save({name: value.cpu() for name, value in averaged.state_dict().items()}, folder / "model.pt")
    (folder / "run.json").write_text(json.dumps({**config, "averaged_steps": entry["averaged_steps"]}) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--harvest", type=Path, required=True, help="JSONL from training/harvest/harvest.mjs")
    parser.add_argument("--images", type=Path, required=True, help="folder of the harvested images")
    parser.add_argument("--out", type=Path, required=True, help="run folder: checkpoints and metrics")
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="processes making samples")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch threads for the network")
    parser.add_argument("--device", default="cpu", help="where the network trains (cpu, cuda): a GPU run is for judging recipes "
                        "quickly; its numbers differ from a CPU run's with the same seed, and shipped models are trained on the CPU")
    parser.add_argument("--limit", type=int, default=0, help="use only this many training faces (smoke tests)")
    parser.add_argument("--val-limit", type=int, default=400, help="validation faces checked at each checkpoint")
    parser.add_argument("--checkpoint-every", type=int, default=250)
    parser.add_argument("--init", type=Path, help="start from these weights, with a fresh schedule: continued training. A run's model.pt, or "
                        "a shipped FaceRes classifier (deepfake.onnx) for a --arch faceres*")
    parser.add_argument("--stop-after", type=int, help="end this session at this step of the --steps schedule "
                        "(checkpoint and model.pt saved); rerun with a larger value to go on")
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="mobilenetv3", help="faceres-bn: faceres with its batch norms restored "
                        "(started as the identity), for a higher --backbone-lr")
    parser.add_argument("--pretrained", type=Path, help="FaceRes' model.json (--arch faceres*) or MobileFaceNet's (--arch mobilefacenet*): start from face-identification weights")
    parser.add_argument("--backbone-lr", type=float, default=1.0, help="the backbone's learning rate as a fraction of --lr; --arch faceres has no batch norm left "
                        "to steady it, and at 0.25 of 1e-3 its features died (all zero) within 400 steps, so fine-tune it at 0.05; faceres-bn took 0.25")
    parser.add_argument("--target-share", type=float, default=0.0, help="how often the photo around the face, not the face, gets the colour and "
                        "frequency transforms (in pseudo-fakes, and on whole real photos alike); validation keeps 0 so its AUC compares across runs")
    parser.add_argument("--min-resize", type=float, default=MIN_RESIZE, help="smallest down-and-up resize factor of the frequency transform "
                        "(0.5 reproduces the shipped model's first three stages; lower imitates faces rendered at low resolution); validation keeps 0.5")
    parser.add_argument("--max-blur", type=float, default=MAX_BLUR, help="strongest whole-photo Gaussian blur (sigma) among the damage "
                        "applied alike to real and fake samples; validation keeps the default")
    parser.add_argument("--distill", type=Path, help="a shipped FaceRes classifier (deepfake.onnx) whose scores the network also "
                        "learns to match, on the same samples: a smaller network keeps more of a larger one's ranking that way; a file that "
                        "averages each face with its mirror image (sbi.export --mirror) teaches that average")
    parser.add_argument("--distill-weight", type=float, default=0.5, help="share of the loss that is against the --distill teacher")
    parser.add_argument("--warp-share", type=float, default=0.0, help="how often a pseudo-fake's eyes and mouth are "
                        "reshaped a little (scaled and moved on their own), as another person's features would be; validation keeps 0")
    parser.add_argument("--mesh-masks", type=Path, metavar="MESH_FILE", help="face landmarks from sbi.face_mesh: pseudo-fakes blend inside the face mesh's hull "
                        "(for training faces that have one) instead of the hull extrapolated from 6 keypoints; validation keeps the keypoints")
    parser.add_argument("--video-share", type=float, default=0.0, help="how often a training sample, real or fake, is coded as an "
                        "H.264 video frame (sbi.video: a predicted frame at a random quality) after the rest of its damage; validation keeps 0")
    parser.add_argument("--colour-match-share", type=float, default=0.0, help="how often a pseudo-fake's pasted face is given its "
                        "surroundings' colour mean and spread before the blend (match_colour), as swap pipelines do; validation keeps 0")
    parser.add_argument("--boundary-weight", type=float, default=0.0, help="weight of a second loss, on where the pseudo-fake's "
                        "blend boundary lies (boundary_head; 0 on real faces), beside the label's: the network is told where to "
                        "look, not only what to answer; the shipped network is the same size and graph either way")
    parser.add_argument("--other-face-share", type=float, default=0.0, help="how often a pseudo-fake pastes another training face, "
                        "aligned on eyes, nose and mouth and colour-matched, instead of its own transformed copy (identity "
                        "mismatch, as Face X-ray's blends); validation keeps 0")
    parser.add_argument("--sharpen-share", type=float, default=0.0, help="how often the frequency transform sharpens the pasted "
                        "face (or, as often, a real sample's whole photo) instead of a third of the time; the shipped model misses "
                        "sharpened pseudo-fakes most (MODEL_CARD.md, Metrics); validation keeps the thirds")
    parser.add_argument("--beauty-share", type=float, default=0.0, help="how often a sample's photo, real or to be "
                        "blended, first has its skin smoothed as a beauty filter does (a bilateral filter of random strength); "
                        "the shipped model flags a quarter of held-out real faces smoothed hard (MODEL_CARD.md, Where it fails); validation keeps 0")
    parser.add_argument("--face-beauty-share", type=float, default=0.0, help="how often a real sample's face alone is "
                        "smoothed as a beauty filter's skin mask smooths it (a bilateral filter inside a region drawn as a "
                        "pseudo-fake's mask); --beauty-share smooths the whole photo of either class; validation keeps 0")
    parser.add_argument("--face-beauty-fakes", action="store_true", help="pseudo-fakes take --face-beauty-share too, "
                        "their photo's face smoothed before it is blended, so that a smoothed face means neither class. Its screen "
                        "(EXPERIMENTS.md, seed 64) flagged 16.5%% of hard-smoothed reals (stage 13 9.7%%) and ranked dfdc-dev no higher")
    parser.add_argument("--frequency-shifts", nargs="+", choices=FREQUENCY_SHIFTS, default=list(FREQUENCY_SHIFTS),
                        help="the frequency transforms drawn, in equal shares, for pasted faces and real samples' whole photos "
                        "alike; `blur resize` leaves sharpened pastes out, as real swaps, rendered small and scaled up, are "
                        "softer than their frame, not sharper. Its screen (EXPERIMENTS.md, seed 57) ranked dfdc-dev 0.0053 "
                        "under the shipped file and the held-out sharpened pastes no lower; validation keeps all three")
    parser.add_argument("--sam-rho", type=float, default=0.0, help="sharpness-aware minimisation (sbi.sam) with this radius, "
                        "0.05 in the SBI paper; 0 trains plainly. Each step then costs two passes of its batch")
    parser.add_argument("--box-consistency", type=float, default=0.0, help="weight of a loss on how far the logits of one sample cut "
                        "from two differently jittered boxes lie apart (their variance), beside the labels' loss on both: BlazeFace's box "
                        "moves a few percent between framings of one face, and the score should not follow it (sbi.box_moves). Each "
                        "item of --batch then holds two crops, so a step passes 2 x --batch crops; 0 trains plainly")
    parser.add_argument("--views", type=int, help="cut each item from this many differently jittered boxes (one blend, one "
                        "damage), each a sample of its own to the labels' loss; default 2 with --box-consistency, else 1. "
                        "--views 2 alone gives a run the box-consistency run's crops without the loss on their spread")
    parser.add_argument("--aligned-views", action="store_true", help="the views of an item differ only by a shift of whole "
                        "crop pixels (one box size, one mirror draw: sbi.data.aligned_cuts), so nothing between them is "
                        "resampled; whether box consistency's cost on sharpened pseudo-fakes is the resampling's (MODEL_CARD.md, Next steps)")
    parser.add_argument("--views-own-delivery", action="store_true", help="each view of an item also gets its own draw of "
                        "the delivery damage (a resize, a JPEG quality: sbi.blend.delivery_damage) after the blur and noise they "
                        "share, as two copies of one photo reach two pages; with --box-consistency the loss then asks a score "
                        "to hold under recompression as well as under framing. Its screen lost dfdc-dev (EXPERIMENTS.md, seed 50)")
    parser.add_argument("--view-spread", type=float, default=1.0, help="an item's views after the first are cut from boxes "
                        "jittered this many times as far as BlazeFace's box moves (its centre up to 4%% of its side, its size up to "
                        "6%%, each times this), the first as usual; with --box-consistency the loss then asks a score to hold over "
                        "wider framings. Box consistency's gain on dfdc-dev comes from views cut at other scales (EXPERIMENTS.md, "
                        "seed 46); 1 keeps the usual jitter. Its screen at 2 ranked dfdc-dev no better (EXPERIMENTS.md, seed 51)")
    parser.add_argument("--opposite-mirrors", action="store_true", help="an item's views after the first are mirrored against "
                        "the first (otherwise each view draws its mirror alone, alike half of the time); with --box-consistency the "
                        "loss then asks every pair of views to agree across the mirror, as the page's two views of a face must. "
                        "Its screen: one view did not learn what the mirror adds, which still added as much (EXPERIMENTS.md, seed 52)")
    parser.add_argument("--erase-share", type=float, default=0.0, help="how often each of an item's views has one rectangle "
                        "(2-25%% of it) filled with its mean colour, each view on its own draw (random erasing); with "
                        "--box-consistency the loss then asks a score to hold whichever part of the face is hidden, so that no one "
                        "region decides it. Its screen at 0.5 ranked dfdc-dev no better (EXPERIMENTS.md, seed 54)")
    parser.add_argument("--consistency-on", choices=tuple(CONSISTENCY_ITEMS), default="all", help="whose views --box-consistency "
                        "asks to agree: every item's, only real faces' (the pseudo-fakes' views then differ freely), or every item's "
                        "but the pseudo-fakes whose face or surroundings were sharpened; box consistency costs sharpened "
                        "pseudo-fakes most (MODEL_CARD.md, Next steps 2)")
    parser.add_argument("--consistency-undropped", action="store_true", help="--box-consistency weighs the spread of the views' "
                        "logits computed without the head's dropout (FaceRes networks only); otherwise two views differ by two "
                        "dropout draws besides their framing, and the loss also penalises dropout's noise (sbi.dropout_share). "
                        "Its screen kept the sharpened pastes' cost (EXPERIMENTS.md, seed 49)")
    parser.add_argument("--consistency-features", action="store_true", help="--box-consistency weighs how far the views' "
                        "pooled features lie apart (features_spread: their spread over an item's views as a share of their "
                        "spread over the batch) instead of their logits (FaceRes networks only); the logits' spread can be "
                        "lowered by squeezing their scale, a share cannot. Its screen lost all of box consistency's gain on dfdc-dev "
                        "(EXPERIMENTS.md, seed 53)")
    parser.add_argument("--focal-gamma", type=float, default=0.0, help="weigh each sample's loss against its target by "
                        "|target - probability| to this power (sbi.train.focal_bce: focal loss), so the pseudo-fakes and real "
                        "faces the network already scores right count less than those it misses; 2 in Lin et al.; 0 trains plainly; "
                        "below 0, the mirror: each weighs (1 - |target - probability|) to minus this power, so those it misses count "
                        "less. Its screen at 2 won our own blends back (held-out 0.908) and lost dfdc-dev (EXPERIMENTS.md, seed 55); at -1 "
                        "it moved neither (seed 56)")
    parser.add_argument("--average-from", type=int, default=0, metavar="STEP", help="also keep the mean of the weights after "
                        "each step past this one (sbi.train.RunningAverage) and, at the schedule's end, save it with its batch "
                        "norms measured afresh as OUT/averaged, a run of its own for sbi.export; the live network (OUT/model.pt) "
                        "trains as without it. 0: no average. Its screen, the second half's mean, ranked dfdc-dev 0.0019 under its "
                        "own live network (EXPERIMENTS.md, seed 59)")
    parser.add_argument("--norm-samples", type=int, default=4096, help="training samples the averaged network's batch norms are measured on")
    args = parser.parse_args(argv)
    if not 0 <= args.average_from < args.steps:
        parser.error("--average-from: a step from 0 (no average) to below --steps")
    if args.norm_samples < 1:
        parser.error("--norm-samples: at least 1 (no sample would leave the average's batch norms unmeasured)")
    implied_views = 2 if args.box_consistency else 1
    if args.views is not None and args.views < 1:
        parser.error("--views: at least 1")
    views = args.views or implied_views
    if args.box_consistency and views < 2:
        parser.error("--box-consistency needs --views of at least 2: it weighs how far one sample's views lie apart")
    # The options that say what box consistency weighs, each asked for or not, why it needs the loss, and, for those
    # that read the network's insides, why only a FaceRes network will do.
    consistency_options = {
        "--consistency-on": (args.consistency_on != "all", "it says whose views the loss weighs", None),
        "--consistency-undropped": (args.consistency_undropped, "it says which logits the loss weighs",
                                    "only their head's dropout can be left out"),
        "--consistency-features": (args.consistency_features, "it says what the loss weighs", "only their pooled features are exposed")}
    for option, (asked, why, faceres_only) in consistency_options.items():
        if asked and not args.box_consistency:
            parser.error(f"{option} needs --box-consistency: {why}")
        if asked and faceres_only and args.arch not in FACERES_LAYOUTS:
            parser.error(f"{option} needs a FaceRes --arch: {faceres_only}")
    if args.consistency_features and args.consistency_undropped:
        parser.error("--consistency-features and --consistency-undropped do not combine: the features come before the dropout")
    if not 0 < args.view_spread <= 5:
        parser.error("--view-spread: more than 0 and at most 5 (a box's size then moves by up to 30%)")
    if not 0 <= args.erase_share <= 1:
        parser.error("--erase-share: a share, from 0 to 1")
    if not 0 <= args.beauty_share <= 1:
        parser.error("--beauty-share: a share, from 0 to 1")
    if not 0 <= args.face_beauty_share <= 1:
        parser.error("--face-beauty-share: a share, from 0 to 1")
    if args.face_beauty_fakes and not args.face_beauty_share:
        parser.error("--face-beauty-fakes needs --face-beauty-share")
    if not -5 <= args.focal_gamma <= 5:
        parser.error("--focal-gamma: from -5 to 5")
    args.frequency_shifts = tuple(name for name in FREQUENCY_SHIFTS if name in args.frequency_shifts)
    if args.sharpen_share and args.frequency_shifts != FREQUENCY_SHIFTS:
        parser.error("--sharpen-share and --frequency-shifts do not combine: a sharpen share splits the rest between blur and resize")
    # The options that say how an item's views differ, each asked for or not.
    view_options = {"--aligned-views": args.aligned_views, "--views-own-delivery": args.views_own_delivery,
                    "--view-spread": args.view_spread != 1, "--opposite-mirrors": args.opposite_mirrors,
                    "--erase-share": args.erase_share != 0}
    for option, asked in view_options.items():
        if asked and views < 2:
            parser.error(f"{option} needs --box-consistency or --views of at least 2: it says how views differ")
    if args.views_own_delivery and args.aligned_views:
        parser.error("--views-own-delivery and --aligned-views do not combine: views damaged apart share no pixels")
    if args.view_spread != 1 and args.aligned_views:
        parser.error("--view-spread and --aligned-views do not combine: aligned views share one box")
    if args.opposite_mirrors and (args.aligned_views or args.views_own_delivery):
        parser.error("--opposite-mirrors combines with neither --aligned-views (one mirror draw) nor --views-own-delivery")
    if args.boundary_weight and views > 1:
        parser.error("--boundary-weight and --box-consistency or --views do not combine: the views carry no boundary")

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    one_opencv_thread_if_forking(args.workers)
    records, faceless = load_harvest(args.harvest, args.images)
    train, val = training_faces(records, args.val_limit)
    if args.limit:
        train = train[: args.limit]
    if args.mesh_masks:
        meshes = load_meshes(args.mesh_masks)
        train = [replace(record, mesh=meshes.get(record.file.name)) for record in train]
        print(f"{sum(record.mesh is not None for record in train)} of {len(train)} training faces have a face mesh", file=sys.stderr)
    print(f"{len(train)} training faces, {len(val)} validation faces, {faceless} images without a face skipped", file=sys.stderr)

    args.out.mkdir(parents=True, exist_ok=True)
    run_config = args.out / "run.json"
    # Each of the recipe's fields is the option of its name, but --mesh-masks, which names the meshes' file.
    recipe = Recipe(**{field.name: getattr(args, field.name) for field in fields(Recipe) if field.name != "mesh_masks"},
                    mesh_masks=args.mesh_masks is not None)
    config = {"arch": args.arch, "pretrained": str(args.pretrained) if args.pretrained else None, **asdict(recipe),
              "distill": str(args.distill) if args.distill else None, "distill_weight": args.distill_weight if args.distill else None,
              "device": args.device, "boundary_weight": args.boundary_weight or None, "sam_rho": args.sam_rho or None,
              "box_consistency": args.box_consistency or None,
              # Recorded only where it differs from what --box-consistency implies, as runs written before it existed meant.
              "views": views if views != implied_views else None,
              # Recorded only where some views are left out, as runs written before it existed meant all.
              "consistency_on": args.consistency_on if args.consistency_on != "all" else None,
              "consistency_undropped": args.consistency_undropped or None,
              "consistency_features": args.consistency_features or None, "focal_gamma": args.focal_gamma or None,
              "average_from": args.average_from or None}
    check_same_run(run_config, config)
    run_config.write_text(json.dumps(config) + "\n")
    data = SelfBlendedFaces(train, args.seed, recipe=recipe)
    # 64 faces spread over the training set, each with its pseudo-fake: what batch norms and channel picks are set up on.
    picks = [i for k in np.linspace(0, len(train) - 1, 64).astype(int) for i in (2 * k, 2 * k + 1)]
    sample = torch.stack([data[i][0] for i in picks])
    model = build_net(args.arch, args.pretrained)
    boundary = None
    if args.boundary_weight:
        boundary, data.boundary_side = boundary_head(model, sample, args.seed)
    data.views = views
    norms_unset = restores_batch_norms(args.arch)
    if args.init:
        norms_unset = load_initial_weights(model, args.init, sample)
        print(f"initialised from {args.init}", file=sys.stderr)
    checkpoint = args.out / "checkpoint.pt"
    resumed = torch.load(checkpoint, map_location="cpu") if checkpoint.exists() else None
    if resumed:
        model.load_state_dict(resumed["model"])
        if boundary:
            boundary.load_state_dict(resumed["boundary_head"])
    elif norms_unset:
        init_batch_norms_as_identity(model, sample)
    device = torch.device(args.device)
    model.to(device)  # before the optimizer is made, so that its state lives beside the weights
    backbone = [p for name, p in model.named_parameters() if name.startswith("backbone.")]
    head = [p for name, p in model.named_parameters() if not name.startswith("backbone.")]
    if boundary:
        head += list(boundary.to(device).parameters())
    groups = [{"params": params, "lr": rate} for params, rate in ((backbone, args.lr * args.backbone_lr), (head, args.lr)) if params]
    optimizer = torch.optim.AdamW(groups, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=[group["lr"] for group in groups], total_steps=args.steps, pct_start=0.1)
    step, epoch = 0, 0
    if resumed:
        optimizer.load_state_dict(resumed["optimizer"])
        schedule.load_state_dict(resumed["schedule"])
        step, epoch = resumed["step"], resumed["epoch"]
        print(f"resumed at step {step}", file=sys.stderr)
    average = RunningAverage(model) if args.average_from else None
    if average and step > args.average_from:
        average.load_state_dict(resumed["average"])

    val_loader = DataLoader(SelfBlendedFaces(val, args.seed + 1000), batch_size=128, num_workers=args.workers)
    teacher = logits_net_from_onnx(args.distill).eval().requires_grad_(False).to(device) if args.distill else None
    log = (args.out / "metrics.jsonl").open("a")
    started, seen, running = time.time(), 0, 0.0
    last_step = min(args.steps, args.stop_after or args.steps)
    steps_per_epoch = len(data) // args.batch
    if resumed and "rng" in resumed:  # checkpoints from before it was saved resume with a fresh dropout stream
        restore_rng_states(resumed["rng"], device)
    while step < last_step:
        data.epoch = epoch
        batches = EpochBatches(data, epoch_batches(len(data), args.batch, args.seed, epoch, done=step - epoch * steps_per_epoch), step, args.seed)
        # Its own generator only seeds workers; left out, the loader would draw that seed from dropout's stream.
        loader = DataLoader(batches, batch_size=None, num_workers=args.workers, generator=torch.Generator().manual_seed(epoch))
        # The loader's third part, where there is one, is the blend boundaries (--boundary-weight) or which items are
        # sharpened pseudo-fakes (views); the two never come together.
        for pixels, labels, *more in loader:
            pixels, labels = pixels.to(device), labels.to(device)
            wanted = targets(labels, pixels, teacher, args.distill_weight)

            def batch_loss() -> torch.Tensor:
                if boundary:
                    logits, tapped = model.forward_with_map(pixels)
                    extra = args.boundary_weight * torch.nn.functional.binary_cross_entropy_with_logits(boundary(tapped), more[0].to(device))
                elif args.consistency_undropped:
                    (logits, agreeing), extra = model.forward_undropped(pixels), 0.0
                elif args.consistency_features:
                    (logits, features), extra = model.forward_with_features(pixels), 0.0
                else:
                    logits, extra = model(pixels), 0.0
                if args.box_consistency:
                    counted = CONSISTENCY_ITEMS[args.consistency_on](labels.view(-1, data.views), more[0].to(device))
                    spread = (features_spread(features, data.views, counted) if args.consistency_features else
                              views_spread(agreeing if args.consistency_undropped else logits, data.views, counted))
                    extra = args.box_consistency * spread
                return focal_bce(logits.squeeze(1), wanted, args.focal_gamma) + extra

            loss = batch_loss()
            optimizer.zero_grad()
            loss.backward()
            if args.sam_rho:
                sharpness_aware_gradients(model, backbone + head, args.sam_rho, batch_loss)
            optimizer.step()
            schedule.step()
            step += 1
            if average and step > args.average_from:
                average.add(model)
            seen += len(labels)
            running = 0.98 * running + 0.02 * loss.item() if seen > len(labels) else loss.item()
            rate = seen / (time.time() - started)
            print(f"\rstep {step}/{args.steps} loss {running:.4f} {rate:.0f} img/s", end="", file=sys.stderr, flush=True)
            if step % args.checkpoint_every == 0 or step == last_step:
                logits, truth = predict(model, val_loader, device)
                entry = {"step": step, "epoch": epoch, "loss": running, "val_sbi_auc": roc_auc(truth, logits), "images_per_s": rate}
                log.write(json.dumps(entry) + "\n")
                log.flush()
                print(f"\n{json.dumps(entry)}", file=sys.stderr)
                state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(), "step": step, "epoch": epoch,
                         "rng": rng_states(device), **({"boundary_head": boundary.state_dict()} if boundary else {}),
                         **({"average": average.state_dict()} if average else {})}
                torch.save(state, checkpoint.with_suffix(".tmp"))
                checkpoint.with_suffix(".tmp").replace(checkpoint)
            if step >= last_step:
                break
        epoch += 1
    torch.save({name: value.cpu() for name, value in model.state_dict().items()}, args.out / "model.pt")
    print(f"\nsaved {args.out / 'model.pt'}", file=sys.stderr)
    # Only a finished schedule's: the mean of part of the steps is no network the recipe makes.
    if average and step == args.steps:
        save_average(average, model, args.out, config, args.average_from + 1,
                     batch_norm_loader(train, [recipe], args.norm_samples, args.seed, args.workers), val_loader, device)
        print(f"saved {args.out / 'averaged' / 'model.pt'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
