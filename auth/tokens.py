"""API tokens for scanner devices: service, `flask tokens` CLI and the token pages.

A token is shown once when it is made; only its SHA-256 hash is stored (a leaked database does
not leak usable tokens). Revoked tokens and tokens of deactivated users stop working at once.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import click
from flask import Flask, abort, flash, redirect, render_template, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required
from sqlalchemy import Boolean, DateTime, Integer, String, select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

import audit
from auth import bp
from auth.models import ApiToken, Role, User
from auth.services import find_by_identifier
from extensions import db
from helpers.forms import CleanForm
from timeutil import utcnow

TOKEN_PREFIX = "p2t_"
LAST_USED_RESOLUTION = timedelta(minutes=5)  # no write per scan, just a fresh-enough stamp


class TokenError(ValueError):
    """A token could not be made or changed; the message is Indonesian."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the plain token (shown once)."""
    name = (name or "").strip()
    if not name:
        raise TokenError("Nama perangkat wajib diisi, mis. \"HP pintu 1\".")
    if len(name) > 80:
        raise TokenError("Nama perangkat maksimal 80 karakter.")
    if not user.active:
        raise TokenError("Akun ini tidak aktif.")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=hash_token(plain),
                   prefix=plain[:12], created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    audit.record("api_token_create", row, user=user, details={"name": name, "prefix": row.prefix})
    return row, plain


@dataclass(frozen=True)
class TokenUser:
    """The caller behind a bearer token: just what the API needs (no ORM object per scan)."""

    id: int
    name: str
    role: str
    is_authenticated: bool = True

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.PANITIA)


@dataclass(frozen=True)
class EventAccess:
    """The event of an API path, read in the same statement as the token: its id and kind
    (None when there is no such event) and whether the caller holds an active door-staff
    grant for it (events.checkin.access.can_scan's rule: unrevoked, event not ended)."""

    id: int | None
    kind: str | None
    grant_active: bool
    row: object = None  # the whole row when the check-in's first look was read with it


# One indexed lookup (api_token.token_hash is unique) sent straight to the driver
# (events/checkin/driver.py): this runs on every scan. With an event id, the same statement
# also reads the event and the caller's door-staff grant for it (LEFT JOINs, still one row).
_SQL_TOKEN = (
    "SELECT t.id AS token_id, t.last_used_at AS last_used_at, u.id AS user_id, u.name AS name, "
    "u.role AS role{event_columns} FROM api_token t JOIN \"user\" u ON u.id = t.user_id{event_join} "
    "WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active = :active")
_SQL_EVENT_COLUMNS = ", e.id AS ev_id, e.kind AS ev_kind, g.id AS grant_id"
_SQL_EVENT_JOIN = (
    " LEFT JOIN event e ON e.id = :event_id"
    " LEFT JOIN door_staff_grant g ON g.event_id = e.id AND g.user_id = u.id"
    " AND g.revoked_at IS NULL AND e.ends_at > :now")
_statements: dict = {}


def _statement(with_event: bool, with_scan: bool):
    stmt = _statements.get((with_event, with_scan))
    if stmt is None:
        from events.checkin.driver import Statement

        columns = {"token_id": Integer, "last_used_at": DateTime, "user_id": Integer,
                   "name": String, "role": String}
        binds = {"active": Boolean}
        event_columns = event_join = ""
        if with_event:
            columns.update(ev_id=Integer, ev_kind=String, grant_id=Integer)
            binds["now"] = DateTime
            event_columns, event_join = _SQL_EVENT_COLUMNS, _SQL_EVENT_JOIN
        if with_scan:  # the check-in's first look (replay, ticket, check-in) rides along
            from events.checkin import (
                FIRST_LOOK_COLUMNS_SQL,
                FIRST_LOOK_JOINS_SQL,
                FIRST_LOOK_TYPES,
            )

            columns.update(FIRST_LOOK_TYPES)
            event_columns += ", " + FIRST_LOOK_COLUMNS_SQL
            event_join += FIRST_LOOK_JOINS_SQL
        sql = _SQL_TOKEN.format(event_columns=event_columns, event_join=event_join)
        stmt = _statements[(with_event, with_scan)] = Statement(sql, binds=binds, columns=columns)
    return stmt


def _touch_statement():
    stmt = _statements.get("touch")
    if stmt is None:
        from events.checkin.driver import Statement

        # The WHERE makes concurrent requests that all saw an old stamp write it once.
        stmt = _statements["touch"] = Statement(
            "UPDATE api_token SET last_used_at = :now WHERE id = :id "
            "AND (last_used_at IS NULL OR last_used_at < :cutoff)",
            binds={"now": DateTime, "cutoff": DateTime})
    return stmt


def lookup_token(plain: str, event_id: int | None = None, *, with_event: bool = False,
                 scan: tuple[str, str | None] | None = None, on=None, touch: bool = True):
    """(TokenUser or None, EventAccess or None): the active user behind an unrevoked token and,
    with `with_event`, the event `event_id` (None: no such event) in the same statement. With
    `scan` = (scan_id, ticket token) the row also carries the check-in's first look
    (EventAccess.row, for events.checkin.first_look_of). `on` = (pooled DBAPI connection,
    dialect) runs both statements there instead of on the Session (events/checkin/lean.py);
    touch=False leaves the last-used stamp to the caller (touch_if_stale)."""
    if not plain or len(plain) > 200:
        return None, None
    now = utcnow()
    params = {"token_hash": hash_token(plain), "active": True}
    if with_event:
        params.update(event_id=event_id, now=now)
    if scan is not None:
        params.update(scan_id=scan[0], token=scan[1])
    stmt = _statement(with_event, scan is not None)
    row = stmt.first(params) if on is None else stmt.first_on(*on, params)
    if row is None:
        return None, None
    if touch:
        touch_if_stale(row, now, on)  # committed with the request's unit of work (or not at all)
    user = TokenUser(id=row.user_id, name=row.name, role=row.role)
    access = None
    if with_event:
        access = EventAccess(row.ev_id, row.ev_kind, row.grant_id is not None,
                             row if scan is not None else None)
    return user, access


def touch_if_stale(row, now=None, on=None) -> None:
    """Stamp api_token.last_used_at when the row's stamp is older than LAST_USED_RESOLUTION
    (on the Session, or on `on` = (pooled DBAPI connection, dialect))."""
    now = now or utcnow()
    if row.last_used_at is not None and now - row.last_used_at <= LAST_USED_RESOLUTION:
        return
    params = {"now": now, "id": row.token_id, "cutoff": now - LAST_USED_RESOLUTION}
    if on is None:
        _touch_statement().execute(params)
    else:
        _touch_statement().execute_on(*on, params)


def user_for_token(plain: str) -> TokenUser | None:
    """The active user behind an unrevoked token, or None."""
    return lookup_token(plain)[0]


def revoke_token(token: ApiToken, *, by_user=None) -> None:
    """Revoke a token now (idempotent)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token_revoke", token, user=by_user,
                     details={"name": token.name, "prefix": token.prefix})


def tokens_of(user: User | None) -> list[ApiToken]:
    """A user's tokens, or every token (user=None), newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))


# ----------------------------------------------------------------------------------- CLI
tokens_cli = AppGroup("tokens", help="Kelola token API perangkat pemindai.")


@tokens_cli.command("create")
@click.option("--user", "identifier", required=True, help="Email atau nomor HP pemilik token.")
@click.option("--name", required=True, help='Nama perangkat, mis. "HP pintu 1".')
def create_command(identifier, name):
    """Create a token and print it once."""
    user = find_by_identifier(identifier)
    if user is None:
        raise click.ClickException(f"Pengguna {identifier} tidak ditemukan.")
    try:
        row, plain = create_token(user, name)
        db.session.commit()
    except TokenError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Token #{row.id} \"{row.name}\" untuk {user.email or user.phone} dibuat.")
    click.echo("Simpan sekarang, token tidak ditampilkan lagi:")
    click.echo(plain)


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id):
    """Revoke a token by its number (see `tokens list`)."""
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise click.ClickException(f"Token #{token_id} tidak ditemukan.")
    revoke_token(row)
    db.session.commit()
    click.echo(f"Token #{row.id} \"{row.name}\" dicabut.")


@tokens_cli.command("list")
@click.option("--user", "identifier", default=None, help="Hanya token milik pengguna ini.")
def list_command(identifier):
    """List tokens (never the secret, only its first characters)."""
    user = None
    if identifier:
        user = find_by_identifier(identifier)
        if user is None:
            raise click.ClickException(f"Pengguna {identifier} tidak ditemukan.")
    for row in tokens_of(user):
        state = "dicabut" if row.revoked_at else "aktif"
        used = row.last_used_at.isoformat(timespec="minutes") if row.last_used_at else "-"
        owner = row.user.email or row.user.phone
        click.echo(f"#{row.id}\t{row.prefix}…\t{state}\t{owner}\t{row.name}\tterakhir dipakai {used}")


def register(app: Flask) -> None:
    app.cli.add_command(tokens_cli)


# --------------------------------------------------------------------------------- pages
class TokenForm(CleanForm):
    name = StringField("Nama perangkat", validators=[DataRequired("Nama perangkat wajib diisi."),
                                                     Length(max=80, message="Maksimal 80 karakter.")])


def _may_have_tokens(user) -> bool:
    if user.role in (Role.ADMIN, Role.PANITIA):
        return True
    from events.checkin.access import has_any_grant
    return has_any_grant(user)


@bp.route("/akun/token", methods=["GET", "POST"])
@login_required
def tokens():
    """The user's scanner-device tokens (admin sees all); make a new one, shown once."""
    if not _may_have_tokens(current_user):
        abort(403)
    form = TokenForm()
    plain = None
    if form.validate_on_submit():
        try:
            _row, plain = create_token(current_user, form.name.data)
            db.session.commit()
            form.name.data = ""
        except TokenError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
    scope = None if current_user.role == Role.ADMIN else current_user
    return render_template("auth/tokens.html", form=form, plain=plain, tokens=tokens_of(scope))


@bp.post("/akun/token/<int:token_id>/cabut")
@login_required
def revoke_token_view(token_id: int):
    """Revoke one of my tokens (admin: any token)."""
    row = db.get_or_404(ApiToken, token_id)
    if row.user_id != current_user.id and current_user.role != Role.ADMIN:
        abort(404)
    revoke_token(row, by_user=current_user)
    db.session.commit()
    flash(f"Token \"{row.name}\" dicabut. Perangkat itu tidak bisa memindai lagi.", "success")
    return redirect(url_for("auth.tokens"))
