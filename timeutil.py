"""Time helpers: the database stores naive UTC, people read WIB (Asia/Jakarta); helpers/formats.py
prints them."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def utcnow() -> datetime:
    """Current time as naive UTC (the storage convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_wib(dt: datetime | None) -> datetime | None:
    """Naive-UTC (or aware) datetime -> aware WIB datetime."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(WIB)


def wib_to_utc(dt: datetime) -> datetime:
    """A naive datetime typed by a user in WIB -> naive UTC for storage."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=WIB)
    return dt.astimezone(UTC).replace(tzinfo=None)


def parse_iso_utc(value: str) -> datetime:
    """Parse ISO 8601 (naive = UTC) into naive UTC. Raises ValueError."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt

