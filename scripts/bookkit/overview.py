"""The scorecard's overview figure: per claim, where the seed values fall relative to the threshold.

For each claim with a condition, the *main quantity* is the first ordering comparison of the
condition (:func:`bookkit.condition.first_margin`): its left side against a constant right side,
or left minus right against 0. Each seed's value (and the committed run's) is drawn as the
signed distance from the threshold, positive where the comparison holds, divided by the larger
of ``|threshold|`` and the row's largest distance, so that every row fits one axis and a value
close to its threshold (relative to the threshold's size) sits close to the line. Claims without an ordering comparison
(equality tests only), without a condition, or whose values were not swept are listed instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from bookkit import condition as conditions
from bookkit import scorecard


@dataclass(frozen=True)
class Strip:
    """One claim's row of the figure."""

    claim: str
    comparison: str
    committed: float | None
    seeds: dict[str, float]  # seed -> quantity
    threshold: float
    op: str

    def distance(self, x: float) -> float:
        """Signed distance from the threshold, positive where the comparison holds."""
        return (x - self.threshold) if self.op in (">", ">=") else (self.threshold - x)


def strips(spec: list[dict], verdicts: dict[str, dict[str, str]],
           robustness: dict) -> tuple[list[Strip], list[tuple[str, str]]]:
    """The plottable claims, and ``(claim, reason)`` for the others."""
    plotted, skipped = [], []
    for row in spec:
        text = row.get("condition")
        if not text:
            skipped.append((row["claim"], "no condition"))
            continue
        margin = conditions.first_margin(text)
        if margin is None:
            skipped.append((row["claim"], "the condition has no <, <=, > or >= comparison"))
            continue
        columns = {key: scorecard.seed_values(robustness, key) for key in conditions.keys(text)}
        if any(col is None for col in columns.values()):
            skipped.append((row["claim"], "a value it reads is not in the seed sweep"))
            continue
        seeds = {}
        for seed in sorted(set.intersection(*(set(c) for c in columns.values())), key=scorecard._seed_order):
            try:
                seeds[seed] = margin.value({k: c[seed] for k, c in columns.items()}, text)
            except (conditions.ConditionError, KeyError):
                continue
        if not seeds:
            skipped.append((row["claim"], "no seed has a numeric value of its main quantity"))
            continue
        try:
            committed = margin.value(scorecard.values_for(row, verdicts), text)
        except (conditions.ConditionError, scorecard.ScorecardError):
            committed = None
        plotted.append(Strip(row["claim"], margin.text, committed, seeds, margin.threshold, margin.op))
    return plotted, skipped


def plot(rows: list[Strip], path: Path) -> Path:
    """Draw the figure to ``path`` (PNG) and return it."""
    height = 0.9 + 0.42 * max(len(rows), 1)
    fig = Figure(figsize=(9.5, height), layout="constrained")
    ax = fig.add_subplot()
    ax.axvspan(0, 1.08, color="#2a9d8f", alpha=0.12, lw=0)
    ax.axvline(0, color="0.25", lw=1)
    for i, row in enumerate(rows):
        y = len(rows) - 1 - i
        distances = [row.distance(x) for x in row.seeds.values()]
        if row.committed is not None:
            distances_all = distances + [row.distance(row.committed)]
        else:
            distances_all = distances
        scale = max(abs(row.threshold), *(abs(d) for d in distances_all), 1e-300)
        failing = [d < 0 or (d == 0 and row.op in ("<", ">")) for d in distances]
        ax.scatter([d / scale for d in distances], [y] * len(distances), s=16, zorder=3,
                   c=["#c0392b" if f else "#1d3557" for f in failing], alpha=0.75, lw=0)
        if row.committed is not None:
            ax.scatter([row.distance(row.committed) / scale], [y], marker="D", s=30, zorder=4,
                       facecolor="none", edgecolor="#e76f51", lw=1.4)
        values = sorted(row.seeds.values())
        ax.text(1.02, y, f"{_fmt(values[0])} … {_fmt(values[-1])}  (holds if {row.op} {_fmt(row.threshold)})",
                va="center", fontsize=7, transform=ax.get_yaxis_transform())
    ax.set_yticks(range(len(rows)), [_short(r.claim) for r in reversed(rows)], fontsize=7.5)
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("signed distance from the threshold / max(|threshold|, largest distance of the row)   (right: holds)")
    ax.set_title("Seed values of each claim's main quantity (dots: seeds, red where it fails; ◇: committed run)",
                 fontsize=9)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130, bbox_inches="tight")
    return path


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
