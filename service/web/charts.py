"""Charts drawn on the server as inline SVG (no script, nothing fetched from elsewhere)."""

from collections import Counter
from dataclasses import dataclass, field

PALETTE = (
    "#1f6feb",
    "#d1242f",
    "#1a7f37",
    "#9a6700",
    "#8250df",
    "#bf3989",
    "#0a7ea4",
    "#6e7781",
    "#fb8500",
    "#2da44e",
    "#5a32a3",
    "#b35900",
    "#116329",
    "#a40e26",
)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass
class StackedBars:
    """A stacked bar chart, laid out: the template only draws what is here."""

    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)  # (x, month) under the bars
    ticks: list[tuple[float, int]] = field(default_factory=list)  # (y, value) on the left axis
    legend: list[tuple[str, str]] = field(default_factory=list)  # (color, series name)
    plot_top: int = 10
    plot_left: int = 36
    plot_bottom: int = 0


def stacked_bars(
    months: list[str],
    counts: Counter,
    series: list[str],
    names: dict[str, str],
    *,
    colour_keys: list[str] | None = None,
    width: int = 560,
    height: int = 240,
) -> StackedBars:
    """Bars per month stacked by ``series`` from ``counts[(month, series)]``. A series' colour
    follows its place in ``colour_keys`` (all the series there may be), so it stays the same
    whichever of them a chart shows; by default its place in ``series``."""
    left, top, bottom = 36, 10, height - 28
    chart = StackedBars(width, height, plot_top=top, plot_left=left, plot_bottom=bottom)
    totals = [sum(counts.get((m, s), 0) for s in series) for m in months]
    peak = max(totals, default=0) or 1
    step = (width - left - 8) / max(len(months), 1)
    scale = (bottom - top) / peak
    keys = colour_keys or series
    colors = {s: PALETTE[keys.index(s) % len(PALETTE)] if s in keys else PALETTE[-1] for s in series}
    label_every = -(-len(months) // 12)  # at most a dozen month labels
    for i, month in enumerate(months):
        x, y = left + i * step + step * 0.15, float(bottom)
        for s in series:
            value = counts.get((month, s), 0)
            if value:
                h = value * scale
                y -= h
                chart.bars.append(
                    Bar(
                        round(x, 1),
                        round(y, 1),
                        round(step * 0.7, 1),
                        round(h, 1),
                        colors[s],
                        f"{month} · {names.get(s, s)}: {value}",
                    )
                )
        if i % label_every == 0:
            chart.labels.append((round(left + i * step + step / 2, 1), month[2:]))
    for value in sorted({0, peak // 2, peak}):
        chart.ticks.append((round(bottom - value * scale, 1), value))
    chart.legend = [(colors[s], names.get(s, s)) for s in series]
    return chart
