"""The lean path of a scan: one pooled DBAPI connection, no ORM Session.

A scan (`POST /api/v1/events/<id>/checkins`, from the scanner page with the browser session or
from a device with `Authorization: Bearer`) is the one request that arrives hundreds of times a
minute. Through the Session it pays for the unit of
work twice over (Session begin, Connection and transaction objects, commit bookkeeping, close),
which costs more than the three SQL statements themselves. Here the same statements run on a
connection taken straight from the engine's pool, in one transaction of their own:

1. one SELECT: event, the caller's door-staff grant, stored answer of this scan_id, the
   registration of the ticket with its first check-in, and whether the code is a relawan card
   (events.checkin.FIRST_LOOK_*); for a bearer scan the token and its user in the same SELECT
   (auth.tokens); a session caller was authenticated (and CSRF-checked) by api_auth before;
2. for a first scan of a confirmed ticket: INSERT check_in (the unique constraint on
   registration_id decides, exactly as in the full path);
3. INSERT scan_record with the answer (the unique scan_id makes replays return it);
4. COMMIT.

On PostgreSQL every round trip counts, so the connection runs in autocommit for this request:
the SELECT needs no BEGIN, and steps 2 and 3 are ONE statement (a data-modifying CTE, atomic on
its own: both rows or neither), which puts the new check-in id into the stored answer. A scan
costs three round trips there (pool pre-ping, SELECT, INSERT) instead of six.

It answers only the common cases: a replayed scan_id, checked_in, already_checked_in, cancelled,
waitlisted, invalid_code. Everything else returns None *before anything is written* and the
request continues through the full path (events.checkin.check_in on the Session): a wrong or
unknown token, no access, a malformed body, a ticket of another event, a relawan card, a
pelatihan session (the training completion service runs on the ORM), and every lost race (an
IntegrityError rolls this transaction back first). So both paths give identical answers; the
tests run every scan case through both (tests/test_checkin_lean.py).
"""
from __future__ import annotations

from sqlalchemy import JSON, DateTime, Integer, String

from events.checkin import (
    _INSERT_CHECK_IN,
    _INSERT_SCAN,
    FIRST_LOOK_COLUMNS_SQL,
    FIRST_LOOK_JOINS_SQL,
    FIRST_LOOK_TYPES,
    STATUS,
    _judge,
    first_look_of,
)
from events.checkin.access import STAFF
from events.checkin.codes import parse_code
from events.checkin.driver import RAW_DRIVERS, Statement
from events.checkin.messages import body_for
from events.models import EventKind
from extensions import db
from timeutil import utcnow

# PostgreSQL: check_in and scan_record rows in one statement; the stored answer gets the new id.
_CHECK_IN_AND_ANSWER_PG = Statement(
    "WITH ci AS (INSERT INTO check_in (registration_id, event_id, scan_id, scanned_at, "
    "recorded_at, by_user_id, device, method) VALUES (:registration_id, :event_id, :scan_id, "
    ":scanned_at, :recorded_at, :by_user_id, :device, :method) RETURNING id) "
    "INSERT INTO scan_record (scan_id, event_id, result, http_status, body, by_user_id, "
    "recorded_at) SELECT :scan_id, :event_id, :result, :http_status, "
    "CAST(CAST(:body AS jsonb) || jsonb_build_object('checkin_id', ci.id) AS json), "
    ":by_user_id, :recorded_at FROM ci RETURNING CAST(body ->> 'checkin_id' AS integer) AS id",
    binds={"scanned_at": DateTime(), "recorded_at": DateTime(), "body": JSON()},
    columns={"id": Integer})


# A session caller (already authenticated): the event, their grant and the first look.
_SESSION_LOOK = Statement(
    "SELECT e.id AS ev_id, e.kind AS ev_kind, g.id AS grant_id, " + FIRST_LOOK_COLUMNS_SQL
    + " FROM (SELECT 1 AS one) AS o LEFT JOIN event e ON e.id = :event_id"
    " LEFT JOIN door_staff_grant g ON g.event_id = e.id AND g.user_id = :user_id"
    " AND g.revoked_at IS NULL AND e.ends_at > :now" + FIRST_LOOK_JOINS_SQL,
    binds={"now": DateTime()},
    columns={"ev_id": Integer, "ev_kind": String, "grant_id": Integer, **FIRST_LOOK_TYPES})


def check_in(bearer: str, event_id: int, scan: dict):
    """(TokenUser, ScanOutcome) for a validated scan body (api_checkin.parse_scan) sent with a
    bearer token, or None: then nothing was written and the caller runs the full path."""
    from auth.tokens import lookup_token

    def look(on, token):
        # The last-used stamp is written only if this path answers (_scan): a case handed to
        # the full path must leave nothing behind, also on PostgreSQL in autocommit.
        return lookup_token(bearer, event_id, with_event=True, scan=(scan["scan_id"], token),
                            on=on, touch=False)
    return _transaction(look, event_id, scan)


def check_in_as(user, event_id: int, scan: dict):
    """As check_in() for a caller the browser session authenticated (the scanner page)."""
    from auth.tokens import EventAccess

    def look(on, token):
        row = _SESSION_LOOK.first_on(*on, {"event_id": event_id, "user_id": user.id,
                                           "now": utcnow(), "scan_id": scan["scan_id"],
                                           "token": token})
        return user, EventAccess(row.ev_id, row.ev_kind, row.grant_id is not None, row)
    return _transaction(look, event_id, scan)


def _transaction(look, event_id: int, scan: dict):
    engine = db.engine
    dialect = engine.dialect
    if dialect.driver not in RAW_DRIVERS:
        return None
    from sqlalchemy.exc import IntegrityError

    token = parse_code(scan["code"])
    pooled = engine.raw_connection()
    autocommit = dialect.name == "postgresql"
    if autocommit:
        pooled.dbapi_connection.autocommit = True
    try:
        try:
            found = _scan(pooled, dialect, look, event_id, scan, token)
        except IntegrityError:  # a race another door or a copy of this scan won: full path
            found = None
        if found is None:
            pooled.rollback()  # before the full path opens its own transaction
        else:
            pooled.commit()
        return found
    finally:
        _release(pooled, autocommit)


def _release(pooled, autocommit: bool) -> None:
    """Back to the pool as the pool hands connections out (not in autocommit). A connection
    invalidated after a disconnect is back in the pool already; one whose autocommit cannot be
    reset is discarded rather than handed to a Session."""
    dbapi = pooled.dbapi_connection
    if dbapi is None:
        return
    if autocommit and not dbapi.closed:
        try:
            dbapi.autocommit = False
        except Exception as err:  # noqa: BLE001 - e.g. a query still active after an error
            pooled.invalidate(err)
            return
    pooled.close()  # the pool rolls back whatever an error left open


def _scan(pooled, dialect, look, event_id, scan, token):
    user, access = look((pooled, dialect), token)
    if user is None or access.id is None or not (user.role in STAFF or access.grant_active):
        return None  # 401 / 404 / 403: the full path words those answers
    outcome = _answer(pooled, dialect, user, access, event_id, scan, token)
    if outcome is None:
        return None
    if getattr(access.row, "token_id", None) is not None:  # a bearer token: stamp its use
        from auth.tokens import touch_if_stale
        touch_if_stale(access.row, on=(pooled, dialect))
    return user, outcome


def _answer(pooled, dialect, user, access, event_id, scan, token):
    """The outcome, written; or None (nothing written) for the full path."""
    stored, row = first_look_of(access.row)
    if stored is not None:
        return stored  # a replay: the first answer, as stored
    extra = {}
    if token is None or (row is None and access.row.card_id is None):
        result = "invalid_code"
    elif row is None or row.event_id != event_id:
        return None  # a relawan card, or a ticket of another event
    else:
        result, extra = _judge(row)
    if result != "checked_in":
        outcome = body_for(result, STATUS[result], extra)
        _save(pooled, dialect, scan, event_id, user, outcome)
        return outcome
    if access.kind == EventKind.PELATIHAN and row.relawan_id is not None:
        return None  # completion of the training program is recomputed on the ORM
    outcome = body_for(result, STATUS[result], extra)  # checkin_id: set below
    params = {"registration_id": row.id, "event_id": event_id, "scan_id": scan["scan_id"],
              "scanned_at": scan["scanned_at"] or utcnow(), "recorded_at": utcnow(),
              "by_user_id": user.id, "device": scan["device"], "method": scan["method"]}
    if dialect.name == "postgresql":
        outcome.body["checkin_id"] = _CHECK_IN_AND_ANSWER_PG.first_on(pooled, dialect, {
            **params, "result": outcome.result, "http_status": outcome.http_status,
            "body": outcome.body}).id
        return outcome
    outcome.body["checkin_id"] = _INSERT_CHECK_IN.first_on(pooled, dialect, params).id
    _save(pooled, dialect, scan, event_id, user, outcome)
    return outcome


def _save(pooled, dialect, scan, event_id, user, outcome) -> None:
    """The answer under its scan_id (a replay will get it)."""
    _INSERT_SCAN.execute_on(pooled, dialect, {
        "scan_id": scan["scan_id"], "event_id": event_id, "result": outcome.result,
        "http_status": outcome.http_status, "body": outcome.body, "by_user_id": user.id,
        "recorded_at": utcnow()})
