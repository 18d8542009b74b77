"""The book's one matplotlib style and its plotting helpers.

Science modules (``lib.likelihood``, ``lib.lsh``, ...) never import matplotlib; the chapters
call :func:`use_style` once and draw with the helpers below, one section per chapter.

Examples
--------
>>> from lib import figures
>>> figures.STYLE["axes.grid"]
True
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from scipy import stats

#: The settings every chapter used to open with.
STYLE = {"figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3}


def use_style() -> None:
    """Apply the book's matplotlib settings (:data:`STYLE`)."""
    plt.rcParams.update(STYLE)


# ---------------------------------------------------------------- Chapter 1 (lib.likelihood)

def plot_nll_histogram(ax: Axes, nll_bits: np.ndarray, n: int, theta0: float) -> Axes:
    """Histogram of per-sample NLLs with the Eq. 8 value ``n H2(theta0)`` marked (Chapter 1)."""
    from lib.likelihood import binary_entropy

    ax.hist(nll_bits, bins=40, color="C0", alpha=0.75, label="per-sample NLL (Eq. 5)")
    target = n * float(binary_entropy(theta0))
    ax.axvline(target, color="C3", lw=2, label=rf"Eq. 8: $nH_2(\theta_0)$ = {target:.1f} bits")
    ax.axvline(np.mean(nll_bits), color="k", ls="--", label=f"sample mean = {np.mean(nll_bits):.1f} bits")
    ax.set_xlabel("negative log-likelihood of one sample (bits)")
    ax.set_ylabel("number of samples")
    ax.legend(fontsize="small")
    return ax


def plot_eq9_convergence(ax: Axes, N_values, mean_abs_errors, predicted) -> Axes:
    """Log-log plot of Eq. 9's mean absolute error against ``N`` with the CLT prediction (Chapter 1)."""
    ax.loglog(N_values, mean_abs_errors, "o", color="C0", label="measured mean |error|")
    ax.loglog(N_values, predicted, "-", color="C3", label=r"prediction $\sqrt{2/\pi}\,\sigma/(n\sqrt{N})$")
    ax.set_xlabel("number of samples N")
    ax.set_ylabel(r"$|-\frac{1}{nN}\log_2\mathcal{L} - H_2(\theta_0)|$ (bits per bit)")
    ax.legend(fontsize="small")
    return ax


# ---------------------------------------------------------------- Chapter 2 (lib.lsh)

def plot_pmf_comparison(ax: Axes, counts, n: int, theta0: float, label: str = "") -> Axes:
    """Empirical distribution of Hamming counts (bars) against ``Bin(n, theta0)`` (dots), Eq. 13."""
    counts = np.asarray(counts)
    support = np.arange(n + 1)
    freq = np.bincount(counts, minlength=n + 1) / counts.size
    ax.bar(support, freq, width=1.0, color="C0", alpha=0.5, label="measured")
    ax.plot(support, stats.binom.pmf(support, n, theta0), "o", ms=3, color="C3", label=rf"Bin($n$, $\theta_0$)")
    lo, hi = stats.binom.ppf([1e-4, 1 - 1e-4], n, theta0)
    ax.set_xlim(lo - 1, hi + 1)
    ax.set_xlabel("Hamming count x")
    ax.set_ylabel("probability")
    ax.set_title(label or rf"$n$={n}, $\theta_0$={theta0:g}", fontsize="medium")
    ax.legend(fontsize="small")
    return ax
