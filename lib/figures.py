"""Figure style and plotting helpers shared by the chapters (no science here).

Every chapter opens with :func:`use_style`. Helpers for a chapter live in that chapter's
section below; they draw, they do not compute results.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
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
