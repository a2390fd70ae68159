"""iCalendar (.ics, RFC 5545) file for one event, written by hand (no extra dependency)."""
from __future__ import annotations

from datetime import datetime

from events.models import Event, EventStatus
from helpers.text import one_line
from timeutil import utcnow


def _escape(text: str | None) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, ; and , escaped; every line break, CRLF, LF or
    a bare CR, written as the two characters \\n (a raw CR would end the content line)."""
    text = (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return one_line(text.replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF + space (RFC 5545 3.1)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(current) + len(b) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += b
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%SZ")


def event_ics(event: Event, *, url: str, host: str) -> str:
    """One VEVENT; times in UTC (calendar apps show them in the phone's zone, WIB in Serang)."""
    location = ", ".join(p for p in (event.venue_name, event.venue_address) if p)
    description = (event.description or "").strip()
    description = f"{description}\n\n{url}" if description else url
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//P2TP2A Kota Serang//Kegiatan//ID",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:event-{event.id}@{host}", f"DTSTAMP:{_utc(utcnow())}",
        f"DTSTART:{_utc(event.starts_at)}", f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{_escape(event.title)}", f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}", f"URL:{url}",
        "STATUS:" + ("CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED"),
    ]
    if event.organiser_email:
        lines.append(f"ORGANIZER;CN={_escape(event.organiser_name or 'Panitia')}:"
                     f"mailto:{one_line(event.organiser_email)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
