"""The profile's charts, as inline SVG from matplotlib, drawn to read well on a demo screen:

- no title of their own (the section's heading is the one title);
- both axes labelled, each with its unit;
- horizontal tick labels, thinned until no two touch;
- a bin much thinner than the rest shows its count, so a dip it makes is not read as a trend;
- incident labels placed where they collide with no other label;
- text stays text (svg.fonttype none), so the page's words are selectable and searchable.
"""

from __future__ import annotations

import io
import itertools
import re
from typing import Any

from acme_gen.profile.queries import ProfileQuery
from acme_gen.time_labels import day_tick, hour_tick

# A bin holding under this share of the fullest bin's rows shows its count (n=...).
SPARSE_SHARE = 0.01
BLUE, RED, AMBER = "#3b6ea8", "#b5432f", "#e8a33d"
TICK_PT = 8
_STEPS = (1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 168, 336, 720)


# The chart's own marks: classes on the page (a chart has several incident labels and
# sparse counts, and every chart has axis labels), so that no id repeats.
MARKS = ("x-label", "y-label", "y2-label", "sparse-count", "incident-label")


def svg(query: ProfileQuery, data: dict[str, Any], incidents: list[dict[str, Any]],
        scope: str = "chart") -> str:  # fmt: skip
    """The chart of one query's result (rows non-empty; the page shows "no data" otherwise),
    with the incidents numbered as in the page's incident table; its element ids start with
    `scope` (the page's charts each have their own)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "acme"  # stable element ids: same data, same page
    plt.rcParams["svg.fonttype"] = "none"
    rows = data["rows"]
    height = max(3.6, 0.2 * len(rows) + 1.2) if query.kind == "barh" else 3.6
    fig, ax = plt.subplots(figsize=(8, height))
    ax.tick_params(labelsize=TICK_PT)
    if query.kind == "stacked":
        _stacked(ax, rows)
    elif query.kind == "barh":
        names = [str(r[1]) if len(r) > 2 else str(r[0]) for r in rows][::-1]
        ax.barh(names, [r[-1] for r in rows][::-1], color=BLUE)
    elif query.kind == "timeline":
        _timeline(ax, rows, query.y2, incidents)
    elif query.kind == "line":
        _sparse_line(ax, rows)
    else:
        rows = _with_empty_bins(rows)
        ax.bar(range(len(rows)), [r[-1] for r in rows], color=BLUE)
        ax.set_xticks(range(len(rows)), [str(r[0]) for r in rows])
    counts = [ax.xaxis] if query.kind == "barh" else [a.yaxis for a in fig.axes]
    for axis in counts:  # the measured axes (a barh's y axis holds names)
        axis.set_major_formatter(_readable)
    ax.set_xlabel(query.x, gid="x-label")
    ax.set_ylabel(query.y, gid="y-label")
    ax.spines[["top", "right"]].set_visible(query.kind == "timeline" and bool(query.y2))
    fig.tight_layout()
    if query.kind != "barh":
        timeline = [str(r[0]) for r in rows] if query.kind == "timeline" else None
        _thin_ticks(fig, ax, timeline)
        fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return _scoped(text[text.index("<svg") :], scope)


def _scoped(chart: str, scope: str) -> str:
    """Ids unique on a page of many charts: matplotlib names every figure's elements alike
    (figure_1, axes_1, xtick_1; clip paths by their rectangle), so each chart's ids and the
    references to them get its scope, and the MARKS become classes."""
    chart = re.sub(r'\bid="({})"'.format("|".join(MARKS)), r'class="\1"', chart)
    chart = re.sub(r'\bid="([^"]+)"', rf'id="{scope}-\1"', chart)
    chart = re.sub(r"url\(#([^)]+)\)", rf"url(#{scope}-\1)", chart)
    return re.sub(r'href="#([^"]+)"', rf'href="#{scope}-\1"', chart)


def _with_empty_bins(rows: list[list[Any]]) -> list[list[Any]]:
    """Numeric bins with the empty ones between them as zeros: a histogram's axis must not
    run 200, 230 where 210 and 220 held nothing."""
    starts = [r[0] for r in rows]
    if len(starts) < 3 or not all(isinstance(x, int) for x in starts):
        return rows
    step = min(b - a for a, b in itertools.pairwise(starts))
    if step <= 0 or any((x - starts[0]) % step for x in starts):
        return rows
    have = {r[0]: r for r in rows}
    return [have.get(x, [x, 0]) for x in range(starts[0], starts[-1] + step, step)]


def _readable(value: float, _position: float) -> str:
    """12,500 not 12500; 0.5 not 0.50."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"


def _stacked(ax: Any, rows: list[list[Any]]) -> None:
    groups = sorted({r[0] for r in rows})
    bottom = [0] * len(groups)
    for quality in sorted({r[1] for r in rows}):
        values = [sum(r[2] for r in rows if r[0] == g and r[1] == quality) for g in groups]
        ax.bar(groups, values, bottom=bottom, label=quality)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.legend(title="starting quality", fontsize=TICK_PT)


def _sparse_line(ax: Any, rows: list[list[Any]]) -> None:
    """Mean per bin (rows: bin start, mean, rows in the bin); thin bins hollow, with n."""
    xs, ys, ns = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    ax.plot(xs, ys, color=RED)
    full = max(ns)
    for x, y, n in zip(xs, ys, ns, strict=True):
        sparse = n < SPARSE_SHARE * full
        ax.plot([x], [y], marker="o", color=RED, markerfacecolor="white" if sparse else RED)
        if sparse:
            ax.annotate(f"n={n:,}", (x, y), xytext=(0, 7), textcoords="offset points", ha="center",
                        fontsize=TICK_PT, color="#555", gid="sparse-count")  # fmt: skip
    ax.set_xscale("log", base=2)
    ax.set_xticks(xs, [f"{x:g}" for x in xs])
    ax.minorticks_off()


def _timeline(ax: Any, rows: list[list[Any]], y2: str, incidents: list[dict[str, Any]]) -> None:
    """Bars per period (a day or an hour), the second column as bars and a third as a line on
    the right-hand axis; on hourly charts each declared incident is shaded over the hours it
    overlaps (on a daily chart an hour-long incident would shade a whole day)."""
    ax.bar(range(len(rows)), [r[1] for r in rows], color=BLUE)
    if y2:
        twin = ax.twinx()
        twin.plot(range(len(rows)), [r[2] for r in rows], color=RED)
        twin.set_ylabel(y2, color=RED, gid="y2-label")
        twin.tick_params(labelsize=TICK_PT)
    ax.set_xlim(-0.5, len(rows) - 0.5)
    labels = [str(r[0]) for r in rows]
    if not labels or len(labels[0]) != 13:
        return
    placed: list[Any] = []
    for number, incident in enumerate(incidents, 1):
        start, end = incident["start"].rstrip("Z"), incident["end"].rstrip("Z")
        # an hour overlaps [start, end) if it begins before the end and ends after the start
        hit = [i for i, label in enumerate(labels)
               if label + ":00" < end and label + ":60" > start]  # fmt: skip
        if hit:
            ax.axvspan(hit[0] - 0.5, hit[-1] + 0.5, color=AMBER, alpha=0.3, lw=0)
            placed.append(_incident_label(ax, f"{number} {incident['type']}",
                                          (hit[0] + hit[-1]) / 2, placed))  # fmt: skip


def _incident_label(ax: Any, text: str, x: float, placed: list[Any]) -> Any:
    """The label at the top of its shading, moved down a row while it touches another."""
    renderer = ax.figure.canvas.get_renderer()
    label = None
    for row in range(len(placed) + 1):
        if label is not None:
            label.remove()
        label = ax.annotate(text, (x, 1), xycoords=("data", "axes fraction"),
                            xytext=(0, -3 - 12 * row), textcoords="offset points",
                            ha="center", va="top", fontsize=TICK_PT, gid="incident-label",
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": AMBER,
                                  "lw": 0.6})  # fmt: skip
        box = label.get_window_extent(renderer).padded(3)  # with its frame
        if not any(box.overlaps(p.get_window_extent(renderer).padded(3)) for p in placed):
            break
    return label


def _thin_ticks(fig: Any, ax: Any, periods: list[str] | None) -> None:
    """Label every step-th x tick, the smallest step at which no two labels touch. A
    timeline's `periods` (2026-01-15, or 2026-01-15T20) read 'Thu 15 Jan', or '20:00' with
    the day under the first hour shown and under each midnight."""
    renderer = fig.canvas.get_renderer()
    if periods is None:
        values = [float(t) for t in ax.get_xticks()]
        labels = [t.get_text() for t in ax.get_xticklabels()]
    else:
        values, labels = [float(i) for i in range(len(periods))], periods
    for step in _STEPS:
        shown = list(range(0, len(labels), step))
        texts = [labels[i] if periods is None else _period_tick(labels, i, shown) for i in shown]
        ax.set_xticks([values[i] for i in shown], texts)
        boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
        if not any(a.x1 + 4 > b.x0 for a, b in itertools.pairwise(boxes)):
            return


def _period_tick(periods: list[str], i: int, shown: list[int]) -> str:
    label = periods[i]
    if len(label) == 10:
        return day_tick(label)
    if len(label) != 13:
        return label
    return hour_tick(label, with_day=i == shown[0] or label[11:13] == "00")
