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
from sqlalchemy import bindparam, or_, select, update
from wtforms import StringField
from wtforms.validators import DataRequired, Length

import audit
from auth import bp
from auth.models import ApiToken, Role, User, is_staff_role
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
        return is_staff_role(self.role)


_TOKEN_USER = (select(ApiToken.id, ApiToken.last_used_at, User.id.label("user_id"), User.name, User.role)
               .join(User, User.id == ApiToken.user_id)
               .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
                      User.active.is_(True)))
# The WHERE makes concurrent requests that all saw an old stamp write it once.
_TOUCH = (update(ApiToken).where(ApiToken.id == bindparam("token_id"),
                                 or_(ApiToken.last_used_at.is_(None),
                                     ApiToken.last_used_at < bindparam("cutoff")))
          .values(last_used_at=bindparam("now")))


def lookup_token(plain: str, *, stamp: bool = True) -> TokenUser | None:
    """The active user behind an unrevoked token, or None. Runs on every scan: one indexed
    read (api_token.token_hash is unique) in Core, and a last-used stamp at most every
    LAST_USED_RESOLUTION, written with the request's unit of work. `stamp=False` for reads
    (the door list and the counter poll every few seconds): a GET writes nothing, and its unit
    of work is never committed, so a stamp there would only take SQLite's write lock."""
    if not plain or len(plain) > 200:
        return None
    conn = db.session.connection()
    row = conn.execute(_TOKEN_USER, {"token_hash": hash_token(plain)}).first()
    if row is None:
        return None
    now = utcnow()
    if stamp and (row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION):
        conn.execute(_TOUCH, {"token_id": row.id, "cutoff": now - LAST_USED_RESOLUTION, "now": now})
    return TokenUser(id=row.user_id, name=row.name, role=row.role)


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
    if is_staff_role(user.role):
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
