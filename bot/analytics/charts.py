"""Dashboard charts drawn on the server with matplotlib, as SVG (text kept as text, so Vietnamese renders)."""

from __future__ import annotations

import io
import threading

from bot.analytics.dashboard import Table

_LOCK = threading.Lock()  # pyplot's state is global: one chart at a time per process
COLOURS = ["#9b1c1c", "#1f5f99", "#3f7f3f", "#b7791f", "#6b46c1", "#718096"]
# Chart fonts have no emoji: legends say it in words.
LEGEND_WORDS = {"Đúng 👍": "Đúng", "Sai 👎": "Sai"}


def _pyplot():  # noqa: ANN202
    import matplotlib

    matplotlib.use("Agg")  # no display on servers
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["font.size"] = 11
    return plt


def _finish(fig, ax, *, grid: str, legend: str) -> str:  # noqa: ANN001
    """The common look (light grid, no top/right frame, optional legend), as SVG text."""
    ax.grid(axis=grid, alpha=0.3)
    if legend:
        ax.legend(loc=legend, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return buf.getvalue()


def line_chart(table: Table, *, x: int = 0, series: tuple[int, ...] = (1, 2)) -> str:
    """Columns ``series`` of the table against column ``x`` (e.g. messages and conversations per day)."""
    with _LOCK:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(6.4, 2.6))
        try:
            labels = [str(r[x]) for r in table.rows]
            for n, col in enumerate(series):
                ax.plot(range(len(labels)), [float(r[col]) for r in table.rows], marker="o", markersize=3,
                        color=COLOURS[n % len(COLOURS)], label=table.header[col])
            step = max(1, len(labels) // 10)
            ax.set_xticks(range(0, len(labels), step))
            ax.set_xticklabels([labels[i][:5] for i in range(0, len(labels), step)])
            ax.set_ylim(bottom=0)
            return _finish(fig, ax, grid="y", legend="upper left")
        finally:
            plt.close(fig)


def bar_chart(table: Table, *, label: int = 0, value: int = 1, stacked: tuple[int, ...] = ()) -> str:
    """Horizontal bars, first row on top; ``stacked`` draws several columns end to end (👍 then 👎)."""
    columns = stacked or (value,)
    rows = table.rows[:10]
    with _LOCK:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(6.4, 0.4 * max(3, len(rows)) + 0.6))
        try:
            names = [_short(str(r[label])) for r in rows]
            left = [0.0] * len(rows)
            for n, col in enumerate(columns):
                values = [float(r[col]) for r in rows]
                header = table.header[col]
                ax.barh(range(len(rows)), values, left=left, color=COLOURS[n % len(COLOURS)],
                        label=LEGEND_WORDS.get(header, header))
                left = [a + b for a, b in zip(left, values, strict=True)]
            ax.set_yticks(range(len(rows)))
            ax.set_yticklabels(names)
            ax.invert_yaxis()
            return _finish(fig, ax, grid="x", legend="lower right" if len(columns) > 1 else "")
        finally:
            plt.close(fig)


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
