"""Figure style and plotting helpers shared by the chapters (no science here).

Every chapter opens with :func:`use_style`. Helpers for a chapter live in that chapter's
section below; they draw, they do not compute results.
"""

from __future__ import annotations

import numpy as np

#: The matplotlib settings every chapter uses.
STYLE = {"figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3}


def use_style() -> None:
    """Apply :data:`STYLE` to matplotlib (all chapters)."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(STYLE)


# ---------------------------------------------------------------- chapters 3-5 (g-ml)
def plot_ecdf(ax, values, style: str = "-", label: str | None = None, **kwargs):
    """Empirical CDF of ``values`` on ``ax`` (chapter 3's sampler comparison)."""
    values = np.sort(np.asarray(values, dtype=float))
    return ax.plot(values, np.arange(1, values.size + 1) / values.size, style, label=label, **kwargs)


def plot_band(ax, x, rows, color: str, label: str | None = None, q=(10, 90), **kwargs):
    """Mean of ``rows`` (models x points) as markers with a shaded percentile band ``q``."""
    rows = np.asarray(rows, dtype=float)
    lo, hi = np.percentile(rows, q, axis=0)
    ax.fill_between(x, lo, hi, color=color, alpha=0.15)
    return ax.plot(x, rows.mean(axis=0), "o", ms=3, color=color, label=label, **kwargs)


def plot_trajectory_3d(ax, embedded: np.ndarray, *, color: str = "C0", label: str | None = None,
                       lw: float = 1.5, alpha: float = 1.0):
    """Draw one embedded trajectory (shape (L + 1, 3), k = 2) on a 3-D axis: x, y, and c t' up (chapter 5)."""
    ax.plot(embedded[:, 1], embedded[:, 2], embedded[:, 0], "-", color=color, lw=lw, alpha=alpha, label=label)
    ax.plot(embedded[-1:, 1], embedded[-1:, 2], embedded[-1:, 0], "o", color=color, ms=4, alpha=alpha)
    ax.set_xlabel("x / ‖·‖")
    ax.set_ylabel("y / ‖·‖")
    ax.set_zlabel("c t' / ‖·‖")
    return ax


def plot_spacetime_panel(ax, train_embedded, test_embedded, anti, *, lw: float = 0.8):
    """Fig. 4 a-e panel: test trajectories (red: anti-aligned at the end, orange: aligned) and
    the training trajectory (blue) on a 3-D axis (chapter 5)."""
    for j in range(test_embedded.shape[1]):
        plot_trajectory_3d(ax, test_embedded[:, j], color="C3" if anti[j] else "C1", lw=lw, alpha=0.7)
    plot_trajectory_3d(ax, train_embedded, color="C0", lw=2.5)
    return ax
