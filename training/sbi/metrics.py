"""Metrics without scikit-learn (not in Debian's default install here)."""
import numpy as np


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U, ties counted half)."""
    labels = np.asarray(labels).astype(bool)
    scores = np.asarray(scores, dtype=np.float64)
    positives, negatives = labels.sum(), (~labels).sum()
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # Average ranks over ties.
    unique, start, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = start + (counts + 1) / 2.0
    ranks[order] = np.repeat(average, counts)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def auc_interval(labels: np.ndarray, scores: np.ndarray, resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% bootstrap interval of the AUC, reals and fakes resampled apart so that each resample keeps their counts.

    It counts the test images' noise only: seeds of one recipe differ by more (MODEL_CARD.md).
    """
    labels = np.asarray(labels).astype(bool)
    scores = np.asarray(scores, dtype=np.float64)
    positives, negatives = np.flatnonzero(labels), np.flatnonzero(~labels)
    rng = np.random.default_rng(seed)
    aucs = []
    for _ in range(resamples):
        pick = np.concatenate([rng.choice(positives, len(positives)), rng.choice(negatives, len(negatives))])
        aucs.append(roc_auc(labels[pick], scores[pick]))
    low, high = np.percentile(aucs, [2.5, 97.5])
    return float(low), float(high)


def rate_interval(hits: int, count: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval of the rate hits / count: unlike the normal approximation it stays inside
    [0, 1] and is honest for the few hits of small groups (4 of 162 children flagged is 1.0% to 6.2%)."""
    if count == 0:
        return float("nan"), float("nan")
    rate = hits / count
    centre = (rate + z * z / (2 * count)) / (1 + z * z / count)
    half = z * np.sqrt(rate * (1 - rate) / count + z * z / (4 * count * count)) / (1 + z * z / count)
    # Exact bounds at the ends, where rounding would leave 1e-17 off 0 or 1.
    return (0.0 if hits == 0 else float(centre - half)), (1.0 if hits == count else float(centre + half))


def paired_auc_difference(labels: np.ndarray, scores_a: np.ndarray, scores_b: np.ndarray, resamples: int = 1000,
                          seed: int = 0) -> tuple[float, float, float]:
    """AUC(b) - AUC(a) on the same images, with a 95% bootstrap interval (images resampled, both models alike).

    Paired, so the images' own difficulty cancels out: on 2,000 images it tells apart
    differences that unpaired intervals (about +-0.025 each) cannot.
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    differences = []
    for _ in range(resamples):
        pick = rng.integers(0, len(labels), len(labels))
        differences.append(roc_auc(labels[pick], scores_b[pick]) - roc_auc(labels[pick], scores_a[pick]))
    low, high = np.percentile(differences, [2.5, 97.5])
    return roc_auc(labels, scores_b) - roc_auc(labels, scores_a), float(low), float(high)


def score_moves(before: np.ndarray, after: np.ndarray, threshold: float) -> dict:
    """How far scores moved from `before` to `after` (the same faces, changed a little), and how often they crossed `threshold`."""
    moved = np.abs(after - before)
    return {
        "mean_abs_change": float(moved.mean()),
        "p95_abs_change": float(np.percentile(moved, 95)),
        "flipped_to_fake": float(((before < threshold) & (after >= threshold)).mean()),
        "flipped_to_real": float(((before >= threshold) & (after < threshold)).mean()),
    }


def visible_change(originals: np.ndarray, altered: np.ndarray) -> np.ndarray:
    """Per pair of aligned crops, the mean absolute difference of their pixels in grey levels (0..255)."""
    difference = np.abs(np.asarray(altered, np.float32) - np.asarray(originals, np.float32))
    return difference.reshape(len(difference), -1).mean(axis=1)


def quantile_groups(measure: np.ndarray, groups: int = 4) -> list[np.ndarray]:
    """The indices of `measure`'s items in `groups` equal groups, lowest values first (ties in their order)."""
    return np.array_split(np.argsort(measure, kind="mergesort"), groups)


def within_strata(labels: np.ndarray, scores: np.ndarray, measure: np.ndarray, groups: int = 4) -> list[dict]:
    """The AUC of `scores` among items alike in `measure`: all items (both classes together) split into `groups`
    strata at the quantiles of `measure`, lowest first. Where the classes differ in `measure` (dfdc-dev's fakes
    are softer), the overall AUC mixes that cue with everything else; within a stratum the cue is nearly gone."""
    labels = np.asarray(labels)
    strata = np.digitize(measure, np.quantile(measure, np.linspace(0, 1, groups + 1)[1:-1]))
    rows = []
    for k in range(groups):
        inside = strata == k
        rows.append({
            "from": float(measure[inside].min()),
            "to": float(measure[inside].max()),
            "reals": int((labels[inside] == 0).sum()),
            "fakes": int((labels[inside] == 1).sum()),
            "auc": roc_auc(labels[inside], scores[inside]),
        })
    return rows
