"""Dashboard figures cached by a data version, with a TTL, in Flask-Caching (extensions.cache).

The cache is Redis when CACHE_REDIS_URL/REDIS_URL is set (every worker and every app server
shares it), else a cache inside this process (config.cache_config). Either way the data version
is part of the key, so a change made through one worker is seen at once through all of them; a
cached figure is never a source of truth.

Relawan version: (number of relawan, highest id, newest created_at, highest status_change id), from
indexes. Every sign-up, deletion or status change (the relawan service always writes a
StatusChange) moves it at once; an edit that changes no status (e.g. a new kelurahan) shows
within TTL seconds. Stats version: the last check-in id seen and the latest recompute time of
report_event_stat, which move whenever reports.stats.refresh() recomputed anything.

A Redis that does not answer makes the cache a no-op for REDIS_PAUSE seconds (one warning in the
log), so pages are computed afresh instead of failing (issue 11.5).
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from redis.exceptions import RedisError
from sqlalchemy import func, select

from extensions import cache as store
from extensions import db
from relawan.models import Relawan, StatusChange

TTL = 60  # seconds
REDIS_PAUSE = 5.0  # seconds without trying Redis again after it failed
log = logging.getLogger(__name__)
_redis_down_until = 0.0  # per process: only spares each request the failing round trips


def relawan_version() -> tuple:
    """The current version of the relawan data (see module docstring).

    One statement of four scalar subqueries, so each takes its own shortcut (count(*) over the
    smallest index on SQLite, max() from the end of an index); a single SELECT with the three
    relawan aggregates together made both databases read every row instead.
    """
    count, top, newest, last_change = db.session.execute(select(
        select(func.count()).select_from(Relawan).scalar_subquery(),
        select(func.max(Relawan.id)).scalar_subquery(),
        select(func.max(Relawan.created_at)).scalar_subquery(),
        select(func.max(StatusChange.id)).scalar_subquery())).one()
    return (db.engine.url.render_as_string(hide_password=True), count, top, str(newest), last_change)


def stats_version() -> tuple:
    """The current version of report_event_stat (see module docstring)."""
    from reports.models import EventStatRefresh, ReportState
    state = db.session.scalar(select(ReportState.value))
    latest = db.session.scalar(select(func.max(EventStatRefresh.computed_at)))
    return (db.engine.url.render_as_string(hide_password=True), state, str(latest))


def cached(name: str, key: tuple, version: tuple, compute: Callable):
    """compute() once per (name, key, version) and at most every TTL seconds, in every worker."""
    full = cache_key(name, key, version)
    hit = _call(store.get, full)
    if hit is not None:
        return hit[0]
    value = compute()
    _call(store.set, full, (value,), timeout=TTL)  # boxed: a computed None is a hit too
    return value


def cache_key(name: str, key: tuple, version: tuple) -> str:
    """One short key for (name, key, version); repr() of dates, ints and strings is stable
    across processes, so every worker computes the same key."""
    return f"laporan:{name}:" + hashlib.sha256(repr((key, version)).encode()).hexdigest()[:32]


def clear() -> None:
    """Forget every cached figure (in Redis: every worker's); versions make this rarely needed."""
    _call(store.clear)


def _call(method: Callable, *args, **kwargs):
    """The cache operation, or None while Redis is unreachable (the page is computed afresh)."""
    global _redis_down_until
    if time.monotonic() < _redis_down_until:
        return None
    try:
        return method(*args, **kwargs)
    except RedisError as err:
        _redis_down_until = time.monotonic() + REDIS_PAUSE
        log.warning("Redis cache tidak terjangkau (%s): laporan dihitung tanpa cache selama %s detik",
                    err, REDIS_PAUSE)
        return None
