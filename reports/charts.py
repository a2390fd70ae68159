"""Server-rendered SVG charts: no JS library, no CDN, no inline style attributes (strict CSP).

Colours come from classes in static/css/reports.css; sizes from SVG presentation attributes.
Horizontal bars only: on a 360 px phone a label above each bar stays readable at any count.
Every chart is drawn next to a table with the same numbers (see templates/reports/).
"""
from __future__ import annotations

from markupsafe import Markup, escape

from helpers.formats import format_number

# viewBox width. The SVG scales to its container (CSS width: 100%, max-width 444 px): on a 360 px
# phone a card leaves about 302 px, so 12-unit text draws at 12 px or more (302/296); the CSS cap
# keeps it at 18 px at most on a desktop.
WIDTH = 296
LABEL_H = 15         # label line above the bar
BAR_H = 14
GAP = 9
PAD = 4
VALUE_W = 48         # minimum room on the right for the value text


def _fmt(n) -> str:
    """1234 -> '1.234', 81.5 -> '81,5' (helpers.formats)."""
    return format_number(n, 1 if isinstance(n, float) else None)


def _open(height: int, title: str, css: str, width: int = WIDTH) -> str:
    return (f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
            f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>')


def hbar(rows: list[tuple[str, float]], title: str, *, value_text=None, css: str = "",
         max_value: float | None = None, bar_class: str = "bar", width: int = WIDTH) -> Markup:
    """A horizontal bar chart: label on its own line, bar below, value at the right. A narrower
    `width` keeps the 12 px text at 12 px or more in a narrow container (cases/charts.py)."""
    rows = list(rows)
    if not rows:
        return Markup(f'<p class="muted">Belum ada data untuk {escape(title.lower())}.</p>')
    top = max_value if max_value is not None else max((v or 0) for _, v in rows)
    top = top or 1
    texts = [value_text(i, v) if value_text else _fmt(v or 0) for i, (_, v) in enumerate(rows)]
    # room for the longest value text (about 8 px per character at 12 px bold)
    span = width - max(VALUE_W, 8 * max(len(t) for t in texts) + 14) - PAD
    step = LABEL_H + BAR_H + GAP
    height = PAD * 2 + step * len(rows)
    out = [_open(height, title, css, width)]
    for i, (label, value) in enumerate(rows):
        y = PAD + i * step
        w = max(0.0, (value or 0) / top * span)
        text = texts[i]
        out.append(f'<text class="lbl" x="{PAD}" y="{y + 11}" font-size="12">{escape(label)}</text>')
        out.append(f'<rect class="track" x="{PAD}" y="{y + LABEL_H}" width="{span:.1f}" '
                   f'height="{BAR_H}" rx="3"/>')
        out.append(f'<rect class="{bar_class}" x="{PAD}" y="{y + LABEL_H}" width="{w:.1f}" '
                   f'height="{BAR_H}" rx="3"/>')
        out.append(f'<text class="val" x="{width - PAD}" y="{y + LABEL_H + 11}" font-size="12" '
                   f'text-anchor="end">{escape(text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def stacked(rows: list[tuple[str, list[int]]], series: list[tuple[str, str]], title: str) -> Markup:
    """Stacked horizontal bars; series = [(css key, label)], each row's values in that order."""
    if not rows:
        return Markup('<p class="muted">Belum ada data.</p>')
    top = max(sum(v) for _, v in rows) or 1
    span = WIDTH - VALUE_W - PAD
    step = LABEL_H + BAR_H + GAP
    per_line = 2  # a legend label of 16 characters at 12 px fills about half of the width
    legend_rows = (len(series) + per_line - 1) // per_line
    legend_h = legend_rows * 18 + 6
    height = PAD * 2 + step * len(rows) + legend_h
    out = [_open(height, title, "chart-stacked")]
    for i, (key, label) in enumerate(series):
        x = PAD + (i % per_line) * (WIDTH // per_line)
        y = PAD + (i // per_line) * 18
        out.append(f'<rect class="seg-{escape(key)}" x="{x}" y="{y + 2}" width="11" height="11" rx="2"/>')
        out.append(f'<text class="lbl" x="{x + 15}" y="{y + 12}" font-size="12">{escape(label)}</text>')
    for i, (label, values) in enumerate(rows):
        y = PAD + legend_h + i * step
        out.append(f'<text class="lbl" x="{PAD}" y="{y + 11}" font-size="12">{escape(label)}</text>')
        out.append(f'<rect class="track" x="{PAD}" y="{y + LABEL_H}" width="{span:.1f}" '
                   f'height="{BAR_H}" rx="3"/>')
        x = float(PAD)
        for (key, _), v in zip(series, values):
            w = v / top * span
            if w > 0:
                out.append(f'<rect class="seg-{escape(key)}" x="{x:.1f}" y="{y + LABEL_H}" '
                           f'width="{w:.1f}" height="{BAR_H}"/>')
            x += w
        out.append(f'<text class="val" x="{WIDTH - PAD}" y="{y + LABEL_H + 11}" font-size="12" '
                   f'text-anchor="end">{_fmt(sum(values))}</text>')
    out.append("</svg>")
    return Markup("".join(out))
