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

def plot_binary_entropy(ax: Axes, theta0: float) -> Axes:
    """``H2(p)`` on [0, 1] with ``theta0`` marked (Chapter 1, the target of Eq. 8)."""
    from lib.likelihood import binary_entropy

    p = np.linspace(0, 1, 401)
    ax.plot(p, binary_entropy(p), color="C0", label=r"$H_2(p)$")
    h = float(binary_entropy(theta0))
    ax.plot([theta0], [h], "o", color="C3", label=rf"$\theta_0$ = {theta0:g}: $H_2$ = {h:.4f} bits")
    ax.set_xlabel(r"bit-difference probability $p$")
    ax.set_ylabel("entropy (bits)")
    ax.legend(loc="lower center")
    return ax


def plot_entropy_against_n(ax: Axes, theta0: float, n_max: int = 10_000) -> Axes:
    """Eq. 8's ``n H2(theta0)`` against the entropy of the count ``Bin(n, theta0)`` (Chapter 1)."""
    from lib.likelihood import binary_entropy, binomial_entropy_bits

    n_grid = np.unique(np.logspace(0, np.log10(n_max), 40).astype(int))
    ax.loglog(n_grid, n_grid * binary_entropy(theta0), color="C3", label=r"Eq. 8: $nH_2(\theta_0)$")
    ax.loglog(n_grid, [float(binomial_entropy_bits(int(m), theta0)) for m in n_grid], "o", ms=3,
              color="C0", label="true binomial NLL (entropy of the count)")
    ax.loglog(n_grid, 0.5 * np.log2(2 * np.pi * np.e * n_grid * theta0 * (1 - theta0)), "--", color="C0",
              label=r"$\frac{1}{2}\log_2(2\pi e\,n\theta_0(1-\theta_0))$")
    ax.set_xlabel("number of hash bits n")
    ax.set_ylabel("expected NLL (bits)")
    ax.set_title(rf"$\theta_0$ = {theta0:g}", fontsize="medium")
    ax.legend(fontsize="small")
    return ax


def plot_eq7_excess(ax: Axes, k: int, n: int, theta0: float, other_root: float) -> Axes:
    """Eq. 7's excess ``log2 ratio - log2 C(n, k)`` over theta, with its two roots (Chapter 1)."""
    from lib.likelihood import eq7_log2_excess

    theta_grid = np.linspace(0.005, 0.995, 500)
    ax.plot(theta_grid, eq7_log2_excess(k, n, theta0, theta_grid), color="C0",
            label=r"$\log_2\frac{f(k;\theta_0)}{f(k;\theta)} - \log_2\binom{n}{k}$")
    ax.axhline(0, color="k", lw=0.8)
    ax.plot([theta0], [0], "o", color="C2", ms=8, label=rf"$\theta = \theta_0$ = {theta0:g}")
    ax.plot([other_root], [0], "s", color="C3", ms=8, label=rf"second root $\theta$ = {other_root:.4f}")
    ax.set_ylim(-3, 8)
    ax.set_xlabel(r"inferred parameter $\theta$")
    ax.set_ylabel("excess (bits)")
    ax.set_title(rf"Eq. 7 for $n$={n}, $k$={k}, $\theta_0$={theta0:g}", fontsize="medium")
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

def plot_hash_bits(ax: Axes, bits: np.ndarray, theta0: float) -> Axes:
    """The two rows of hash bits ``h(w)``, ``h(w')`` with disagreements marked (Chapter 2, Eq. 12)."""
    ax.imshow(bits, cmap="Greys", aspect="auto", interpolation="nearest", vmin=-1.5, vmax=1.5)
    for i in np.flatnonzero(bits[0] != bits[1]):
        ax.axvline(i, color="C3", alpha=0.5, lw=3)
    ax.set_yticks([0, 1], ["h(w)", "h(w')"])
    ax.set_xlabel("hash bit index i")
    ax.grid(False)
    n = bits.shape[1]
    ax.set_title(f"Hamming count x = {int(np.count_nonzero(bits[0] != bits[1]))} of n = {n} "
                 f"(expected n*theta0 = {n * theta0:g})", fontsize="medium")
    return ax


def plot_single_hashes(ax: Axes, angles, fractions, n: int, dim: int, inside: float) -> Axes:
    """Observed ``x/n`` of one hash per pair against ``theta0`` with the binomial 95% band (Eq. 11)."""
    grid = np.linspace(0, 1, 201)
    band = 1.96 * np.sqrt(grid * (1 - grid) / n)
    ax.fill_between(grid, grid - band, grid + band, color="C3", alpha=0.15, label="binomial 95% band")
    ax.plot(grid, grid, color="C3", lw=1, label=r"$x/n = \theta_0$ (Eq. 11 read literally)")
    ax.plot(angles, fractions, ".", color="C0", ms=4, label=f"one hash per pair (dim {dim})")
    ax.set_xlabel(r"$\theta_0 = \arccos(\hat w\cdot\hat w')/\pi$")
    ax.set_ylabel(r"observed fraction $x/n$")
    ax.set_title(f"{inside:.1%} of single hashes inside the 95% band", fontsize="medium")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def plot_gof_summary(ax1: Axes, ax2: Axes, table: dict, n: int, trials: int) -> None:
    """Top: ``theta_hat - theta0`` with +-2 standard errors (Eq. 11); bottom: chi-square p-values of
    the fit to ``Bin(n, theta0)`` (Eq. 13); one marker per dimension (Chapter 2)."""
    t_grid = np.linspace(0, 1, 200)
    se_grid = 2 * np.sqrt(t_grid * (1 - t_grid) / (n * trials))
    ax1.fill_between(t_grid, -se_grid, se_grid, color="grey", alpha=0.2, label="±2 standard errors")
    for dim, marker in zip(np.unique(table["dim"]), "os^Dv<>p"):
        sel = table["dim"] == dim
        ax1.plot(table["theta0"][sel], table["theta_hat"][sel] - table["theta0"][sel], marker, ls="none",
                 label=f"dim {dim}")
        ax2.plot(table["theta0"][sel], table["pvalue"][sel], marker, ls="none", label=f"dim {dim}")
    ax1.axhline(0, color="k", lw=0.8)
    ax1.set_ylabel(r"$\hat\theta - \theta_0$")
    ax1.set_title(r"Eq. 11: mean estimate $\hat\theta$ against $\theta_0$", fontsize="medium")
    ax1.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax2.axhline(0.05, color="C3", lw=1, ls="--", label="p = 0.05")
    ax2.set_yscale("log")
    ax2.set_ylim(1e-4, 1.5)
    ax2.set_xlim(0, 1)
    ax2.set_xlabel(r"$\theta_0$")
    ax2.set_ylabel("chi-square p-value")
    ax2.set_title("Eq. 13: goodness of fit to Bin(n, theta0)", fontsize="medium")
    ax2.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))


# ---------------------------------------------------------------- Chapter 9 (lib.uncertainty, lib.classifier)

def plot_quadrature_errors(ax: Axes, grid_sizes, grid_errors, mc_sizes, mc_errors, replicates: int) -> Axes:
    """Error of ``sigma_x sigma_p`` for the sech packet: trapezoid rule vs Monte Carlo (Chapter 9)."""
    ax.loglog(grid_sizes, np.maximum(grid_errors, 1e-16), "o-", label="trapezoid rule on a grid (floored at 1e-16)")
    ax.loglog(mc_sizes, mc_errors, "s-", label=f"Monte Carlo (uniform samples), mean of {replicates} runs")
    ax.loglog(mc_sizes, 0.3 / np.sqrt(np.asarray(mc_sizes, dtype=float)), "k:", label=r"$\propto 1/\sqrt{N}$")
    ax.set_xlabel("grid points / Monte Carlo samples")
    ax.set_ylabel(r"$|\sigma_x\sigma_p - \pi/6|$ (sech packet)")
    ax.set_ylim(1e-17, 1)
    ax.legend(fontsize="small")
    return ax


def plot_accuracy_history(ax: Axes, history: dict, labels: dict, learning_end: int | None = None) -> Axes:
    """Test and robust accuracy over epochs (the panel of Zhang & Meng's Fig. 2A; Chapter 9).
    ``labels`` maps history keys to legend labels; ``learning_end`` shades the learning phase."""
    for key, label in labels.items():
        ax.plot(history["epoch"], history[key], "-", label=label)
    if learning_end is not None:
        ax.axvspan(0, learning_end, color="grey", alpha=0.15, label=f"learning phase (epochs 0-{learning_end})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.legend(fontsize="small")
    return ax


def plot_dx_dp_history(ax: Axes, history: dict) -> Axes:
    """Delta X against Delta P over training, coloured by epoch (Zhang & Meng's Fig. 2B; Chapter 9)."""
    sc = ax.scatter(history["dX"][1:], history["dP"][1:], c=history["epoch"][1:], cmap="viridis", s=18)
    ax.plot(history["dX"][0], history["dP"][0], "rx", ms=9, label="untrained (epoch 0)")
    ax.set_xlabel(r"$\Delta X$ (class 8)")
    ax.set_ylabel(r"$\Delta P$ (class 8, $\|\psi'\|$ convention)")
    ax.legend(fontsize="small")
    ax.figure.colorbar(sc, ax=ax, label="epoch")
    return ax


def plot_controls(ax: Axes, history: dict, untrained, scaled: tuple[float, float], logit_scale: float) -> Axes:
    """Training path in the (Delta X, Delta P) plane against the two controls (Chapter 9): untrained
    networks at several weight scales (rows ``(scale, dX, dP, accuracy)``) and the final network
    with logits multiplied by ``logit_scale``."""
    epochs = int(history["epoch"][-1])
    ax.plot(history["dX"][1:], history["dP"][1:], "o-", ms=3, color="C0", label=f"training, epochs 1-{epochs}")
    u = np.asarray(untrained, dtype=float)
    ax.plot(u[:, 1], u[:, 2], "s--", color="C3", label=f"untrained, weight scale {u[0, 0]:g}-{u[-1, 0]:g}")
    ax.plot([scaled[0]], [scaled[1]], "*", ms=14, color="C2", label=f"final network, logits × {logit_scale:g}")
    ax.set_xlabel(r"$\Delta X$ (class 8)")
    ax.set_ylabel(r"$\Delta P$ (class 8, $\|\psi'\|$ convention)")
    ax.set_yscale("log")
    ax.legend(fontsize="small")
    return ax
