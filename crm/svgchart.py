"""Hand-built SVG charts for the printed report: horizontal bars, stacked bars, funnel. Pure, no deps.

Horizontal bars read well with long Chinese category labels. Every text is XML-escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

PALETTE = ("#123b6d", "#2f7ec1", "#7fb3e0", "#c8102e", "#9aa5b1", "#e0a100")
ROW, LABEL_W, WIDTH, PAD = 20, 190, 620, 8


def bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    unit: str = "",
    stacked: bool = False,
) -> str:
    """Horizontal bars: one group per category, side by side or stacked; values printed at the end."""
    n_series = 1 if stacked else len(series)
    totals = [sum(v[i] for _, v in series) for i in range(len(categories))]
    peak = max(
        (max(totals, default=0) if stacked else max((max(v, default=0) for _, v in series), default=0)), 1
    )
    band = ROW * n_series + 6
    height = PAD * 2 + band * len(categories) + (ROW if len(series) > 1 else 0)
    plot = WIDTH - LABEL_W - 70
    out = [_open(height)]
    for i, cat in enumerate(categories):
        y0 = PAD + i * band
        out.append(_text(LABEL_W - 6, y0 + band / 2, _short(cat), anchor="end"))
        x: float = LABEL_W
        for j, (_, values) in enumerate(series):
            w = plot * values[i] / peak
            y = y0 + (0 if stacked else j * ROW)
            out.append(
                f'<rect x="{x:.1f}" y="{y + 2:.1f}" width="{max(w, 0):.1f}" height="{ROW - 4}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            )
            if not stacked:
                out.append(_text(x + w + 4, y + ROW / 2, _num(values[i], unit)))
            else:
                x += w
        if stacked:
            out.append(_text(x + 4, y0 + ROW / 2, _num(totals[i], unit)))
    if len(series) > 1:
        out.append(_legend([name for name, _ in series], height - ROW + 4))
    out.append("</svg>")
    return "".join(out)


def funnel(categories: Sequence[str], values: Sequence[float], *, unit: str = "") -> str:
    """A centred funnel: each stage's bar as wide as its count, with the share of the first stage."""
    peak = max(max(values, default=0), 1)
    height = PAD * 2 + (ROW + 4) * len(categories)
    plot, centre = WIDTH - LABEL_W - 120, LABEL_W + (WIDTH - LABEL_W - 120) / 2
    out = [_open(height)]
    for i, (cat, value) in enumerate(zip(categories, values, strict=True)):
        y = PAD + i * (ROW + 4)
        w = plot * value / peak
        share = f"（{value / values[0]:.0%}）" if values and values[0] else ""
        out.append(_text(LABEL_W - 6, y + ROW / 2, _short(cat), anchor="end"))
        out.append(
            f'<rect x="{centre - w / 2:.1f}" y="{y:.1f}" width="{w:.1f}" height="{ROW}" '
            f'fill="{PALETTE[min(i, 2)]}"/>'
        )
        out.append(_text(LABEL_W + plot + 8, y + ROW / 2, _num(value, unit) + share))
    out.append("</svg>")
    return "".join(out)


def _open(height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" font-family="Huiqi Sans" font-size="11">'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="central" '
        f'fill="#1f2933">{escape(text)}</text>'
    )


def _legend(names: Sequence[str], y: float) -> str:
    parts, x = [], LABEL_W
    for j, name in enumerate(names):
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>')
        parts.append(_text(x + 14, y + 5, name))
        x += 14 + 12 * len(name) + 16
    return "".join(parts)


def _num(value: float, unit: str) -> str:
    text = f"{value:,.2f}" if value != int(value) else f"{int(value):,}"
    return f"{text}{unit}"


def _short(label: str, limit: int = 15) -> str:
    """Long labels are cut in the drawing; the table under each chart shows them whole."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
