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


def panel(draw, *args, figsize=(6.5, 3.5), title: str | None = None, **kwargs):
    """A one-axis figure drawn by ``draw(ax, *args, **kwargs)`` -- one of the Chapter 1 helpers
    above -- with an optional title (medium size), laid out tightly. Returns the figure."""
    fig, ax = plt.subplots(figsize=figsize)
    draw(ax, *args, **kwargs)
    if title is not None:
        ax.set_title(title, fontsize="medium")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- Chapter 2 (lib.lsh)

def plot_pmf_comparison(ax: Axes, counts, n: int, theta0: float, label: str = "") -> Axes:
    """Empirical distribution of Hamming counts (bars) against ``Bin(n, theta0)`` (dots), Eq. 13."""
    counts = np.asarray(counts)
    support = np.arange(n + 1)
    freq = np.bincount(counts, minlength=n + 1) / counts.size
    ax.bar(support, freq, width=1.0, color="C0", alpha=0.5, label="measured")
    ax.plot(support, stats.binom.pmf(support, n, theta0), "o", ms=3, color="C3", label=r"Bin($n$, $\theta_0$)")
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


# chapter 3
def plot_growth_curves(ax, curves: dict, lambda1: dict, control, control_rate: float, *,
                       shown=((2, 2), (2, 10), (2, 1000), (10, 100), (100, 140)), control_label: str = "k=10, n=100"):
    """Chapter 3's training-vector growth figure: mean ``log ||w_l|| - log ||w_0||`` of the growth
    curves at the ``shown`` pairs (markers) against ``lambda_1 l`` (lines), and the random-row
    control (crosses) against its no-selection rate ``control_rate`` (dashed)."""
    layers = np.arange(np.asarray(control).shape[1])
    for (k, n), color in zip(shown, [f"C{i}" for i in range(len(shown))]):
        ax.plot(layers, curves[k, n].mean(axis=0), "o", ms=3, color=color, label=f"k={k}, n={n}")
        ax.plot(layers, lambda1[k, n] * layers, "-", color=color, lw=1)
    ax.plot(layers, np.asarray(control).mean(axis=0), "x", ms=4, color="grey", label=f"{control_label}, random rows")
    ax.plot(layers, control_rate * layers, "--", color="grey", lw=1)
    ax.set_xlabel("layer ℓ")
    ax.set_ylabel(r"$\log\|w_\ell\| - \log\|w_0\|$ (nats)")
    ax.set_title(r"Training-vector growth: markers measured, lines $\lambda_1\ell$ (theory)", fontsize="medium")
    ax.legend(fontsize="small", ncol=2)
    return ax


def plot_qr_gaps(ax, qr):
    """Chapter 3: Lyapunov gap measured by QR iteration (±2 s.e.) against theory, one column per row
    of the QR table ``qr`` (columns k, n, lambda_1 QR, se, theory, lambda_2 QR, se, theory)."""
    qr = np.asarray(qr, dtype=float)
    x = np.arange(len(qr))
    gap_se = np.hypot(qr[:, 3], qr[:, 6])
    ax.errorbar(x, qr[:, 2] - qr[:, 5], yerr=2 * gap_se, fmt="o", color="C0", label="QR iteration (±2 s.e.)")
    ax.plot(x, qr[:, 4] - qr[:, 7], "_", ms=20, mew=2, color="C3", label=r"theory $\lambda_1-\lambda_2$")
    ax.set_xticks(x, [f"k={int(k)}\nn={int(n)}" for k, n in qr[:, :2]], fontsize="small")
    ax.set_ylabel(r"Lyapunov gap $\lambda_1-\lambda_2$ (nats per layer)")
    ax.set_yscale("log")
    ax.legend(fontsize="small")
    return ax


def plot_gap_against_ratio(ax, ratios, monte_carlo: dict, formula: dict, qr):
    """Chapter 3: ``lambda_1 - lambda_2`` against ``n / k``: semi-closed form by Monte Carlo
    (``{k: gaps}``), large-k formula (``{k: gaps}``), and the QR measurements with ``k >= 10``."""
    qr = np.asarray(qr, dtype=float)
    colors = iter(f"C{i}" for i in range(len(monte_carlo) + len(formula)))
    for k, gaps in monte_carlo.items():
        ax.plot(ratios, gaps, "-", color=next(colors), label=f"k = {k} (semi-closed form, Monte Carlo)")
    for k, gaps in formula.items():
        ax.plot(ratios, gaps, "-", color=next(colors), label=f"k = {k} (large-k formula)")
    large = qr[:, 0] > 2
    ax.plot(qr[large, 1] / qr[large, 0], (qr[:, 2] - qr[:, 5])[large], "ko", label="QR measurements, k ≥ 10")
    ax.set_xscale("log")
    ax.set_xlabel("rows drawn per kept row, n / k")
    ax.set_ylabel(r"$\lambda_1-\lambda_2$ (nats per layer)")
    ax.legend(fontsize="small")
    return ax


def plot_sampler_ecdfs(axes, faithful: dict, others: dict, *, samplers=("fast", "joint")):
    """Chapter 3: empirical CDFs of the test/training cosine (``axes[0]``) and the test vector's
    log-growth (``axes[1]``) under the faithful sampler (solid) and ``samplers`` (dashed, dotted)."""
    curves = [("faithful", faithful, "-")] + [(name, others[name], s) for name, s in zip(samplers, ("--", ":", "-."))]
    for name, data, style in curves:
        for ax, stat in zip(axes, ("cos", "test_log_norm")):
            plot_ecdf(ax, data[stat], style, lw=2, label=name)
    axes[0].set_xlabel(r"cosine of test and training outputs at layer $L$")
    axes[1].set_xlabel(r"$\log(\|w'_L\| / \|w'_0\|)$ of the test vector (nats)")
    for ax in axes:
        ax.set_ylabel("empirical CDF")
        ax.legend(fontsize="small")
    return axes


# chapter 5
def spacetime_panels(train_embedded, test_embedded, anti, depths, *, title: str):
    """Chapter 5, Fig. 4 a-e: one 3-D :func:`plot_spacetime_panel` per depth in ``depths``, each
    trajectory cut at that depth (embedded arrays from :func:`lib.spacetime.embed_sample`)."""
    fig = plt.figure(figsize=(12, 3.2))
    for i, L in enumerate(depths):
        ax = fig.add_subplot(1, len(depths), i + 1, projection="3d")
        plot_spacetime_panel(ax, train_embedded[: L + 1], test_embedded[: L + 1], anti)
        ax.set_title(f"L = {L}", fontsize="medium")
        ax.view_init(elev=18, azim=-60)
        ax.tick_params(labelsize=6)
    fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    return fig


def spacetime_view(train_embedded, test_embedded, *, title: str):
    """Chapter 5's explorer: one 3-D view of the embedded trajectories, every test vector in red."""
    fig = plt.figure(figsize=(5, 4))
    ax = fig.add_subplot(projection="3d")
    plot_spacetime_panel(ax, train_embedded, test_embedded, np.ones(test_embedded.shape[1], bool))
    ax.set_title(title, fontsize="medium")
    return fig


def temporal_and_angles(train_embedded, test_embedded, angles, anti, predicted):
    """Chapter 5: left, the normalised temporal component of the training (blue) and test
    trajectories (red: anti-aligned at the end, orange: aligned) against the layer, with the
    Lyapunov prediction ``predicted`` for layers 1..L (dashed); right, the angles (degrees,
    :func:`lib.spacetime.angles_to_training`) between each test output and the training output."""
    layers = np.arange(train_embedded.shape[0])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
    for j in range(test_embedded.shape[1]):
        color = "C3" if anti[j] else "C1"
        ax1.semilogy(layers[1:], test_embedded[1:, j, 0], "-", color=color, lw=0.8, alpha=0.7)
        ax2.plot(layers, angles[:, j], "-", color=color, lw=0.8)
    ax1.semilogy(layers[1:], train_embedded[1:, 0], "o-", color="C0", lw=2, ms=3, label="training vector")
    ax1.semilogy(layers[1:], predicted, "k--", lw=1,
                 label=r"prediction $c\ell/\sqrt{(c\ell)^2+\|w_0\|^2e^{2\lambda_1\ell}}$")
    ax1.set_xlabel("layer ℓ")
    ax1.set_ylabel("normalised temporal component")
    ax1.legend(fontsize="small")
    ax2.set_xlabel("layer ℓ")
    ax2.set_ylabel("angle between test and training output (°)")
    ax2.set_yticks([0, 45, 90, 135, 180])
    fig.tight_layout()
    return fig


def eq26_pythagoras(temporal, one_minus_beta):
    """Chapter 5: the training vector's normalised temporal component ``d'/d`` (layers 1..L)
    against ``1 - v/c`` (:func:`lib.spacetime.one_minus_speed_ratio`), on the Eq. 26 curve."""
    grid = np.logspace(-22, 0, 200)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.loglog(one_minus_beta, temporal, "o", color="C0", ms=4, label=f"training vector, layers 1-{len(temporal)}")
    ax.loglog(grid, np.sqrt(grid * (2 - grid)), "-", color="C3", lw=1, label=r"Eq. 26: $d'/d=\sqrt{1-v^2/c^2}$")
    ax.set_xlabel("1 - v/c")
    ax.set_ylabel("d'/d  (normalised temporal component)")
    ax.set_title("Eq. 26 holds by construction (Pythagoras)", fontsize="medium")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def layers_against_c(result, *, title: str):
    """Chapter 5, Fig. 4f: layers to entangle against c from :func:`lib.spacetime.fig4f`, measured
    median with the 10-90 % band of models, the Eqs. 25-26 prediction and the angular collapse alone."""
    c_values = list(result.c_values)
    needed = np.array([result.layers_needed[c] for c in c_values])
    with np.errstate(invalid="ignore"):  # inf - inf when models never entangle: a gap in the line
        lo, med, hi = np.percentile(needed, [10, 50, 90], axis=1)
    predicted = [np.nan if result.predicted[c] is None else result.predicted[c] for c in c_values]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.fill_between(c_values, lo, hi, color="C0", alpha=0.2, label="10-90% of models")
    ax.semilogx(c_values, med, "o-", color="C0", label="measured median")
    ax.semilogx(c_values, predicted, "s--", color="C3",
                label=r"prediction (Eqs. 25-26, growth at $\lambda_1$, angular collapse)")
    ax.axhline(result.angular_layer, color="grey", ls=":", label="angular collapse alone (any c)")
    ax.set_xlabel("c (\"speed of light\")")
    ax.set_ylabel("layers to entangle")
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def temporal_controls(controls, *, n: int, k: int, weight_scale: float):
    """Chapter 5: median training temporal component (c = 1) against the layer for Algorithm 1,
    the same models with every ``G_l`` times ``weight_scale``, and no selection (``n = k``);
    ``controls`` from :func:`lib.spacetime.controls`."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    scaled_layers = np.arange(controls.temporal_scaled.shape[1])
    no_selection_layers = np.arange(controls.no_selection_temporal.shape[1])
    ax.semilogy(scaled_layers[1:], np.median(controls.temporal_unscaled, axis=0)[1:], "-", color="C0",
                label=f"Algorithm 1, n={n}")
    ax.semilogy(scaled_layers[1:], np.median(controls.temporal_scaled, axis=0)[1:], "-", color="C3",
                label=f"same models, every G_ℓ × {weight_scale:g}")
    ax.semilogy(no_selection_layers[1:], np.median(controls.no_selection_temporal, axis=0)[1:], "-", color="C2",
                label=f"no selection, n = k = {k}")
    ax.set_xlabel("layer ℓ")
    ax.set_ylabel("temporal component (median, c = 1)")
    ax.set_title("The losses collapse in all three cases; the 'length contraction' does not", fontsize="medium")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig

# chapter 4
def plot_loss_histogram(ax, loss, tolerance: float, label: str, *, fontsize: str = "small",
                        xlabel: bool = True, ylabel: str | None = None):
    """Histogram of Eq. 22 losses on ``ax``, titled ``label`` and the collapsed fraction (chapter 4, Fig. 2):
    losses within ``tolerance`` of 0 or 1, the rule of :func:`lib.convergence.is_collapsed` (not imported
    here, so that chapters without it do not depend on it)."""
    loss = np.asarray(loss, dtype=float)
    collapsed = (loss < tolerance) | (loss > 1.0 - tolerance)
    ax.hist(loss, bins=np.linspace(0, 1, 41), color="C0")
    ax.set_title(f"{label}: {collapsed.mean():.0%} collapsed", fontsize=fontsize)
    if xlabel:
        ax.set_xlabel("loss (Eq. 22)")
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    return ax


def loss_histogram_grid(losses: dict, depths, tolerance: float, *, title: str):
    """Chapter 4, Fig. 2 a-d: one row of loss histograms per width ``n`` (``losses[n]``: layers x
    test samples, from :func:`lib.convergence.loss_by_depth`), one column per depth in ``depths``."""
    fig, axes = plt.subplots(len(losses), len(depths), figsize=(10, 8), sharex=True, squeeze=False)
    for i, (n, loss) in enumerate(losses.items()):
        for j, L in enumerate(depths):
            plot_loss_histogram(axes[i, j], loss[L], tolerance, f"n={n}, L={L}", xlabel=i == len(losses) - 1)
            axes[i, j].set_yticks([])
    fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    return fig


def side_scatter(loss, *, title: str):
    """Chapter 4, Fig. 2e: final against initial Eq. 22 loss of each test sample (``loss``: layers
    x samples); red: samples that end on the other side of 0.5 than they started."""
    loss = np.asarray(loss, dtype=float)
    flipped = (loss[0] < 0.5) != (loss[-1] < 0.5)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(loss[0][~flipped], loss[-1][~flipped], ".", ms=2, color="C0", label="ends on its starting side")
    ax.plot(loss[0][flipped], loss[-1][flipped], ".", ms=4, color="C3", label=f"crosses 0.5 ({flipped.mean():.1%})")
    ax.axvline(0.5, color="k", lw=0.8)
    ax.set_xlabel("initial loss (L = 0)")
    ax.set_ylabel(f"final loss (L = {loss.shape[0] - 1})")
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small", loc="center right")
    fig.tight_layout()
    return fig


def collapse_against_depth(layers, curves: dict, predicted: dict, chain_fraction: dict, tolerance: float):
    """Chapter 4, k = 2: measured collapsed fraction per width (mean and 10-90% band over models),
    the Lyapunov-gap prediction (lines) and the exact chain (dotted); dicts keyed by ``n``."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for n, color in zip(curves, ["C0", "C1", "C2", "C3", "C4", "C5"]):
        plot_band(ax, layers, curves[n].fractions, color, label=f"n={n}: measured (mean, 10-90% of models)")
        ax.plot(layers, predicted[n], "-", color=color, lw=1.5)
        ax.plot(layers, chain_fraction[n], ":", color="k", lw=1)
    ax.plot([], [], "-", color="grey", label="prediction from the Lyapunov gap")
    ax.plot([], [], ":", color="k", label="exact one-dimensional chain")
    ax.set_xlabel("depth L")
    ax.set_ylabel(f"fraction collapsed (loss within {tolerance} of 0 or 1)")
    ax.set_xlim(0, layers[-1])
    ax.legend(fontsize="x-small", loc="lower right")
    fig.tight_layout()
    return fig


def large_k_collapse(layers, table: dict, control: dict, *, sampler: str):
    """Chapter 4, k > 2: mean measured collapsed fraction (markers) and the Lyapunov-gap prediction
    (lines) per ``(k, n)`` row of :func:`lib.convergence.large_k_table`, and the measured ``n = k``
    controls of :func:`lib.convergence.no_selection_table` (grey)."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for ((kk, nn), row), color in zip(table.items(), ["C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7"]):
        ax.plot(layers, row["curves"].mean, "o", ms=2, color=color, label=f"k={kk}, n={nn}")
        ax.plot(layers, row["predicted"], "-", color=color, lw=1.2)
    for (kk, row), style in zip(control.items(), ["--", "-.", ":", "--"]):
        ax.plot(layers, row["curves"].mean, style, color="grey", lw=1.2, label=f"k={kk}, n=k (no selection)")
    ax.set_xlabel("depth L")
    ax.set_ylabel("fraction collapsed")
    ax.set_title(f"k > 2: markers measured ({sampler} sampler), lines Lyapunov-gap prediction", fontsize="medium")
    ax.legend(fontsize="x-small", ncol=2)
    fig.tight_layout()
    return fig


# --- chapters 6-8 (gradient descent, reconciliation, adversarial examples) ---------------------
def loss_histograms(rows, *, title: str):
    """Chapter 6, Fig. 6: Eq. 34 test-loss histograms, one row of panels per sweep.

    ``rows`` is a list of sweeps, each a list of ``((lambda, eta), result)`` with ``result`` from
    :func:`lib.gradient_descent.collapse_fractions`; each row gets its own colour.
    """
    cols = max(len(row) for row in rows)
    fig, axes = plt.subplots(len(rows), cols, figsize=(2.75 * cols, 2.5 * len(rows)), sharex=True, squeeze=False)
    for i, row in enumerate(rows):
        for ax, ((lam, eta), res) in zip(axes[i], row):
            ax.hist(res["loss"], bins=np.linspace(0, 1, 41), color=f"C{i}")
            ax.set_title(f"λ={lam:g}, η={eta:g}: {res['angle']:.0%} collapsed", fontsize="small")
            ax.set_yticks([])
        for ax in axes[i, len(row):]:
            ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("test loss (Eq. 34)")
    fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    return fig


def collapse_map(grid, kappa, lambdas, etas, prediction_curve, *, saturation: float = 25.0,
                 divergence: float = 50.0):
    """Chapter 6: collapsed fraction over the lambda-eta grid (left) and against kappa (right).

    ``prediction_curve`` is ``(kappa_values, predicted_fractions)`` for the beta << 1 line.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    im = ax1.imshow(grid, origin="lower", cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax1.set_xticks(range(len(etas)), [f"{e:g}" for e in etas], fontsize="small")
    ax1.set_yticks(range(len(lambdas)), [f"{v:g}" for v in lambdas])
    ax1.contour(np.log10(np.abs(kappa)), levels=[0, 1, 2, 3], colors="w", linewidths=1)
    ax1.set_xlabel("learning rate η")
    ax1.set_ylabel("target scale λ")
    ax1.set_title("collapsed fraction; white: log10 κ = 0, 1, 2, 3", fontsize="medium")
    fig.colorbar(im, ax=ax1)
    for j, eta in enumerate(etas):
        marker = "o" if eta < saturation else ("s" if eta <= divergence else "x")
        ax2.semilogx(np.abs(kappa[:, j]), grid[:, j], marker, ms=5, label=f"η={eta:g}")
    ax2.semilogx(*prediction_curve, "k-", lw=1.5, label="prediction (β ≪ 1)")
    ax2.set_xlabel("κ = λ β(η) / ‖w0‖")
    ax2.set_ylabel("collapsed fraction")
    ax2.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def fraction_lines(x, fractions, labels, *, xlabel: str, ylabel: str, title: str, logx: bool = True):
    """Chapter 6: one line of collapsed fractions per row of ``fractions`` against ``x`` (NaN: gap)."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for row, label in zip(np.atleast_2d(fractions), labels):
        (ax.semilogx if logx else ax.plot)(x, row, "o-", ms=4, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def ber_against_depth(layers, bob, eve_model, eve_own, predicted, *, title: str, level: float = 0.01):
    """Chapter 7: BER against depth for Bob (median and 10-90 %), the two eavesdroppers and the prediction.

    ``bob``, ``eve_model`` and ``eve_own`` have shape ``(L + 1, receivers)``.
    """
    fig, ax = plt.subplots(figsize=(7, 4.2))
    lo, hi = np.percentile(bob, [10, 90], axis=1)
    ax.fill_between(layers, lo, hi, color="C0", alpha=0.2, label="Bob, 10-90%")
    ax.semilogy(layers, np.median(bob, axis=1), "o", ms=3, color="C0", label="Bob, median")
    ax.semilogy(layers, predicted, "-", color="C0", lw=1.5, label="Bob, Lyapunov-gap prediction")
    ax.semilogy(layers, np.median(eve_model, axis=1), "x", ms=4, color="C3", label="Eve with the model, median")
    ax.semilogy(layers, np.median(eve_own, axis=1), "s", ms=3, color="C2", label="Eve with her own model, median")
    ax.axhline(level, color="k", ls=":", lw=1)
    ax.set_ylim(1e-4, 0.7)
    ax.set_xlabel("depth L")
    ax.set_ylabel("bit error rate, min(BER, 1 - BER)")
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small", loc="lower left")
    fig.tight_layout()
    return fig


def image_grid(rows, titles, *, shape=(50, 50), cmap="gray_r", clip=True, size=(1.45, 1.5)):
    """Chapters 7-8: a grid of flat images (``rows[i][j]``), column titles over the first row."""
    n_rows, n_cols = len(rows), len(rows[0])
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(size[0] * n_cols, size[1] * n_rows), squeeze=False)
    for i, row in enumerate(rows):
        for j, img in enumerate(row):
            img = np.reshape(img, shape)
            axes[i, j].imshow(np.clip(img, 0, 1) if clip else img, cmap=cmap, interpolation="nearest",
                              **({"vmin": 0, "vmax": 1} if clip else {}))
            axes[i, j].set_xticks([])
            axes[i, j].set_yticks([])
            title = titles[i][j] if isinstance(titles[0], (list, tuple)) else (titles[j] if i == 0 else None)
            if title:
                axes[i, j].set_title(title, fontsize="x-small")
    fig.tight_layout()
    return fig


def depth_against_width(n_values, measured, predicted, *, k: int):
    """Chapter 7: first depth with median BER < 1 % against the width ``n``, measured and predicted."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.semilogx(n_values, measured, "o", color="C0", ms=6, label="measured")
    ax.semilogx(n_values, predicted, "s--", color="C3", label="prediction from the Lyapunov gap")
    ax.set_xlabel(f"rows drawn per layer, n (k = {k})")
    ax.set_ylabel("first depth with median BER < 1%")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def psnr_against_depth(layers, measured: dict, predicted: dict, alphas, *, models: int, level: float = 20.0):
    """Chapter 8: median recovered PSNR against depth (dots) with the prediction (lines), one panel per case."""
    fig, axes = plt.subplots(1, len(measured), figsize=(5.5 * len(measured), 4.2), sharey=True, squeeze=False)
    for ax, case in zip(axes[0], measured):
        for a, alpha in enumerate(alphas):
            color = f"C{a}"
            ax.plot(layers, measured[case][a], "o", ms=2.5, color=color, label=f"α = {alpha:g}")
            ax.plot(layers, predicted[case][a], "-", color=color, lw=1.2)
        ax.axhline(level, color="k", ls=":", lw=1)
        ax.set_ylim(-40, 80)
        ax.set_xlabel("depth L")
        ax.set_title(f"{case}: median over {models} models (lines: prediction)", fontsize="small")
    axes[0, 0].set_ylabel("PSNR of the recovered Panda (dB)")
    axes[0, 0].legend(fontsize="small")
    fig.tight_layout()
    return fig


def adversarial_grid(message, key_input, ys, alphas, recovered, layers, psnrs, *, shape=(50, 50)):
    """Chapter 8, Fig. 8: top, the message and the adversarial examples ``ys`` (one per alpha, own
    grey scale); bottom, the key input and the recoveries at ``layers`` (clipped to [0, 1]) with their PSNR."""
    fig, axes = plt.subplots(2, 1 + max(len(ys), len(recovered)), figsize=(10, 4.6))
    axes[0, 0].imshow(np.reshape(message, shape), cmap="gray", vmin=0, vmax=1)
    axes[0, 0].set_title("message m (Panda)", fontsize="small")
    for ax, alpha, y in zip(axes[0, 1:], alphas, ys):
        ax.imshow(np.reshape(y, shape), cmap="gray")
        ax.set_title(f"y, α = {alpha:g}", fontsize="small")
    axes[1, 0].imshow(np.reshape(key_input, shape), cmap="gray", vmin=0, vmax=1)
    axes[1, 0].set_title("key input (Gibbon)", fontsize="small")
    for ax, L, m_hat, value in zip(axes[1, 1:], layers, recovered, psnrs):
        ax.imshow(np.clip(np.reshape(m_hat, shape), 0, 1), cmap="gray", vmin=0, vmax=1)
        ax.set_title(f"L = {L}: {value:.1f} dB", fontsize="small")
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


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
    ``labels`` maps history keys to legend labels; ``learning_end`` (the first epoch after the learning
    phase, :func:`lib.classifier.learning_phase_end`) shades epochs 0 to ``learning_end - 1``."""
    for key, label in labels.items():
        ax.plot(history["epoch"], history[key], "-", label=label)
    if learning_end:
        ax.axvspan(0, learning_end, color="grey", alpha=0.15, label=f"learning phase (epochs 0-{learning_end - 1})")
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


def plot_dx_dp_estimators(ax: Axes, history: dict, space: str, label: int = 8) -> Axes:
    """Delta X against Delta P over training for one ``space`` of a :func:`lib.cnn.train_history`
    record, with the book's grid estimator (circles joined in epoch order, coloured by epoch) and
    the paper's Monte Carlo estimator (crosses) side by side (Zhang & Meng's Fig. 2B/F; Chapter 10)."""
    epochs = history["epoch"]
    ax.plot(history[space + "_dX"], history[space + "_dP"], "-", color="0.7", lw=0.8, zorder=1)
    sc = ax.scatter(history[space + "_dX"], history[space + "_dP"], c=epochs, cmap="viridis", s=26, zorder=2,
                    label="grid (trapezoid), this book")
    ax.scatter(history[space + "_dX_mc"], history[space + "_dP_mc"], c=epochs, cmap="viridis", marker="x", s=30,
               zorder=2, label="Monte Carlo, the paper's estimator")
    ax.plot(history[space + "_dX"][0], history[space + "_dP"][0], "o", mfc="none", mec="r", ms=11,
            label="untrained (epoch 0)")
    ax.set_xlabel(rf"$\Delta X$ (class {label}, {space}s)")
    ax.set_ylabel(rf"$\Delta P$ (class {label}, $\|\psi'\|$ convention)")
    ax.legend(fontsize="small")
    ax.figure.colorbar(sc, ax=ax, label="epoch")
    return ax


# ---------------------------------------------------------------- Chapter 10 (lib.cnn, lib.class_map)

def plot_class_regions(ax: Axes, extent, votes: np.ndarray, points: np.ndarray, labels, *, title: str,
                       marker: str = "o") -> Axes:
    """Zhang & Meng's Fig. 1A/B: a map's class regions (``votes``: a :func:`lib.class_map.region_grid`
    of one-hot predicted classes; the shade is the winning class, paler where the vote is split) and
    ``points`` coloured by their true ``labels``."""
    cmap = plt.get_cmap("tab10")
    winner = votes.argmax(axis=-1)
    rgb = cmap(winner)[..., :3]
    strength = votes.max(axis=-1)[..., None]
    ax.imshow(1 - 0.45 * strength * (1 - rgb), extent=extent, origin="lower", aspect="auto", interpolation="nearest")
    ax.scatter(points[:, 0], points[:, 1], c=cmap(np.asarray(labels)), s=9, marker=marker, linewidths=0.6 if marker
               == "x" else 0.2, edgecolors=None if marker == "x" else "k")
    ax.set_title(title, fontsize="medium")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for c in range(10):
        ax.scatter([], [], color=cmap(c), s=12, label=str(c))
    return ax


def plot_label_region(ax: Axes, extent, probability: np.ndarray, points: np.ndarray, attacked_kept: np.ndarray, *,
                      title: str, label: int = 8):
    """Zhang & Meng's Fig. 1C/D at one epoch: the map shaded by the mean probability of ``label``
    (a :func:`lib.class_map.region_grid`), the true-``label`` test images as circles, crossed in red
    where PGD against that epoch's network moves them out of ``label``."""
    im = ax.imshow(probability, extent=extent, origin="lower", aspect="auto", cmap="Greens", vmin=0, vmax=1,
                   interpolation="nearest")
    ax.scatter(points[:, 0], points[:, 1], s=12, facecolors="none", edgecolors="k", linewidths=0.6,
               label=f"true {label}")
    lost = ~np.asarray(attacked_kept, dtype=bool)
    ax.scatter(points[lost, 0], points[lost, 1], s=14, marker="x", color="r", linewidths=0.8,
               label=f"attacked: no longer {label}")
    ax.set_title(title, fontsize="medium")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return im
