"""The case page's charts, drawn with the project's SVG bars (reports/charts.py: no JS, no CDN,
each chart next to the table with the same numbers).

WIDTH 296: the viewBox is about as wide as a card on a 360 px phone (360 - 2x14 page - 2x14 card
padding - borders = 302 px), so the 12 px labels are drawn at 12 px or more there; CSS
(.case-chart in static/css/reports.css) caps the width on desktops.
"""
from __future__ import annotations

from markupsafe import Markup

from cases.services import Table
from reports.charts import hbar

WIDTH = 296


def per_year(table: Table) -> list[tuple[int, Markup]]:
    """One chart per year: the count of each type that year (types without a figure left out)."""
    top = max(table.cells.values(), default=0)
    out = []
    for year in table.years:
        rows = [(t.name, table.cells[(year, t.id)]) for t in table.types if (year, t.id) in table.cells]
        if rows:
            out.append((year, hbar(rows, f"Kasus per jenis tahun {year}", max_value=top,
                                          css="case-chart", width=WIDTH)))
    return out


def per_type(table: Table) -> list[tuple[str, Markup]]:
    """One chart per type: its count in each year that has a figure for it."""
    top = max(table.cells.values(), default=0)
    out = []
    for t in table.types:
        rows = [(str(y), table.cells[(y, t.id)]) for y in table.years if (y, t.id) in table.cells]
        if rows:
            out.append((t.name, hbar(rows, f"Kasus {t.name} per tahun", max_value=top,
                                        css="case-chart", width=WIDTH)))
    return out
