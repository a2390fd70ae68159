"""Indonesian formats of numbers, percentages, dates, times and file sizes: the one module that
pages (as Jinja filters), PDFs, exports meant for people and messages ask.

Everything goes through Babel's `id_ID` locale data (decimal comma, "." between thousands, month
and day names), so no module keeps a hand-written month list or a "%.1f". Stored times are naive
UTC (timeutil); people read WIB with one time format: "21.05 WIB".
"""
from __future__ import annotations

from datetime import date, datetime

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units

from timeutil import to_wib

LOCALE = "id_ID"
TIME = "HH.mm"
DATE = "d MMMM y"            # 28 November 2026
DAY_DATE = "EEEE, d MMMM y"  # Sabtu, 28 November 2026
SHORT_DATE = "dd/MM/y"       # 28/11/2026
NONE = "-"


def format_number(value: float | int | None, decimals: int | None = None) -> str:
    """1234567 -> "1.234.567"; 81.26 with decimals=1 -> "81,3"; None -> "-"."""
    if value is None:
        return NONE
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=LOCALE)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=LOCALE)


def format_percent(value: float | None, decimals: int = 1) -> str:
    """A percentage in points (81.0 = 81 %) -> "81,0%"; None -> "-"."""
    if value is None:
        return NONE
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return babel_numbers.format_percent(value / 100, format=pattern, locale=LOCALE)


def _local(value: datetime | date) -> datetime | date:
    """A stored (naive UTC) datetime in WIB; a date stays as it is."""
    return to_wib(value) if isinstance(value, datetime) else value


def format_date(value: datetime | date | None, style: str = "long") -> str:
    """long "28 November 2026", full "Sabtu, 28 November 2026", short "28/11/2026"."""
    if value is None:
        return NONE
    pattern = {"long": DATE, "full": DAY_DATE, "short": SHORT_DATE}[style]
    return babel_dates.format_date(_local(value), pattern, locale=LOCALE)


def format_time(value: datetime | None) -> str:
    """A stored time as "21.05 WIB"."""
    if value is None:
        return NONE
    return f"{babel_dates.format_time(to_wib(value), TIME, locale=LOCALE)} WIB"


def format_time_range(start: datetime | None, end: datetime | None, sep: str = "–") -> str:
    """"09.00–12.00 WIB" (one WIB for the pair); only the start when there is no end."""
    if end is None:
        return format_time(start)
    if start is None:
        return format_time(end)
    first = babel_dates.format_time(to_wib(start), TIME, locale=LOCALE)
    return f"{first}{sep}{format_time(end)}"


def format_datetime(value: datetime | None, style: str = "long") -> str:
    """long "Sabtu, 28 November 2026 21.05 WIB", short "28/11/2026 21.05 WIB"."""
    if value is None:
        return NONE
    return f"{format_date(value, 'full' if style == 'long' else 'short')} {format_time(value)}"


def format_month(year: int, month: int) -> str:
    """(2026, 11) -> "November 2026"."""
    return babel_dates.format_date(date(year, month, 1), "MMMM y", locale=LOCALE)


def format_filesize(n_bytes: int | None) -> str:
    """2048 -> "2 kB", 1572864 -> "1,5 MB" (1 kB = 1024 bytes, as file dialogs count)."""
    if n_bytes is None:
        return NONE
    size, unit = float(n_bytes), "byte"
    for unit in ("byte", "kilobyte", "megabyte", "gigabyte"):
        if size < 1024 or unit == "gigabyte":
            break
        size /= 1024
    shown = round(size) if unit in ("byte", "kilobyte") else round(size, 1)
    return babel_units.format_unit(shown, "digital-" + unit, length="short", locale=LOCALE)


def format_wib(value: datetime | None, style: str = "long") -> str:
    """The `wib` filter: long (day, date, time), date, time or short, all in WIB."""
    if style == "date":
        return format_date(value)
    if style == "time":
        return format_time(value)
    return format_datetime(value, style)


FILTERS = {
    "wib": format_wib,
    "number": format_number,
    "percent": format_percent,
    "date_id": format_date,
    "time_id": format_time,
    "datetime_id": format_datetime,
    "filesize": format_filesize,
    "time_range": format_time_range,
}
