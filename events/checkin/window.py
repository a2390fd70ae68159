"""When the door is open: the check-in window of an event, and the range a scan time may have.

`checkin_window` is THE rule (issue 13.1): it opens `checkin_opens_minutes` before the start and
closes `checkin_closes_minutes` after the end (an event's own minutes, else CHECKIN_OPENS_MINUTES /
CHECKIN_CLOSES_MINUTES from config, 2 hours each). `record_scan` refuses a scan outside it
(`outside_window`), and the completion rule (events/training/progress.py) counts only check-ins
inside it; both ask `in_window`.

`check_scan_time` bounds the time a device says it scanned (issue 11.4): at most a few minutes
ahead of the server (clocks drift a little; a year-9999 time is nonsense) and at most
SCAN_MAX_AGE old (an offline phone may upload days later, never months).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from helpers.errors import DomainError
from helpers.formats import format_date, format_time

SCAN_FUTURE_TOLERANCE = timedelta(minutes=5)
SCAN_MAX_AGE = timedelta(days=30)


class BadScanTime(DomainError):
    """A scan time out of the plausible range: refused before anything is read or written."""

    code = "bad_request"
    kind = "invalid"


def checkin_window(event) -> tuple[datetime, datetime]:
    """(opens, closes) of `event`'s check-in window, naive UTC. `event` is an Event or a row
    with starts_at, ends_at, checkin_opens_minutes and checkin_closes_minutes."""
    opens = event.checkin_opens_minutes
    closes = event.checkin_closes_minutes
    if opens is None:
        opens = current_app.config["CHECKIN_OPENS_MINUTES"]
    if closes is None:
        closes = current_app.config["CHECKIN_CLOSES_MINUTES"]
    return (event.starts_at - timedelta(minutes=opens), event.ends_at + timedelta(minutes=closes))


def in_window(event, at: datetime) -> bool:
    """True when `at` (naive UTC) lies inside the event's check-in window (both ends included)."""
    opens, closes = checkin_window(event)
    return opens <= at <= closes


def window_message(event, at: datetime) -> str:
    """Why a scan at `at` is refused: when the window opens, or that it has closed."""
    opens, closes = checkin_window(event)
    if at < opens:
        return f"Check-in belum dibuka. Check-in dibuka pukul {format_time(opens)}, {format_date(opens)}."
    return f"Check-in sudah ditutup pukul {format_time(closes)}, {format_date(closes)}."


def check_scan_time(scanned_at: datetime, now: datetime) -> None:
    """Raise BadScanTime (with a field message) when a device's scan time is implausible."""
    if scanned_at > now + SCAN_FUTURE_TOLERANCE:
        minutes = int(SCAN_FUTURE_TOLERANCE.total_seconds() // 60)
        raise BadScanTime(fields={"scanned_at": (
            f"Waktu pindai lebih dari {minutes} menit setelah waktu server. "
            "Periksa jam dan tanggal di perangkat ini.")})
    if scanned_at < now - SCAN_MAX_AGE:
        raise BadScanTime(fields={"scanned_at": (
            f"Waktu pindai lebih dari {SCAN_MAX_AGE.days} hari yang lalu. "
            "Periksa jam dan tanggal di perangkat ini.")})
