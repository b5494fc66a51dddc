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
