"""The case page's charts, drawn with the project's SVG bars (reports/charts.py: no JS, no CDN,
12 px labels, each chart next to the table with the same numbers)."""
from __future__ import annotations

from markupsafe import Markup

from cases.services import Table
from reports.charts import hbar


def per_year(table: Table) -> list[tuple[int, Markup]]:
    """One chart per year: the count of each type that year (types without a figure left out)."""
    top = max(table.cells.values(), default=0)
    out = []
    for year in table.years:
        rows = [(t.name, table.cells[(year, t.id)]) for t in table.types if (year, t.id) in table.cells]
        if rows:
            out.append((year, hbar(rows, f"Kasus per jenis tahun {year}", max_value=top)))
    return out


def per_type(table: Table) -> list[tuple[str, Markup]]:
    """One chart per type: its count in each year that has a figure for it."""
    top = max(table.cells.values(), default=0)
    out = []
    for t in table.types:
        rows = [(str(y), table.cells[(y, t.id)]) for y in table.years if (y, t.id) in table.cells]
        if rows:
            out.append((t.name, hbar(rows, f"Kasus {t.name} per tahun", max_value=top)))
    return out
