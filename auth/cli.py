"""`flask users create|list` commands."""
import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from auth.models import Role, User
from auth.services import UserError, create_user
from extensions import db
from relawan.validators import InvalidPhone, normalize_phone

users_cli = AppGroup("users", help="Kelola akun pengguna.")


def _phone(value: str | None) -> str | None:
    """The CLI's typed phone -> E.164 (the form's PhoneField does the same for the web)."""
    if not value:
        return None
    try:
        return normalize_phone(value)
    except InvalidPhone as exc:
        raise click.BadParameter(exc.message) from exc


@users_cli.command("create")
@click.option("--email", default=None, help="Email (atau gunakan --phone).")
@click.option("--phone", default=None, callback=lambda ctx, param, value: _phone(value),
              help="Nomor HP (08..., +62..., 62...).")
@click.option("--name", default=None, help="Nama tampilan (bawaan: bagian depan email).")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--kecamatan", default=None, help="Kode kecamatan untuk koordinator, mis. 36.73.02.")
@click.option("--password", default=None, help="Kata sandi; ditanyakan bila tidak diisi.")
def create(email, phone, name, role, kecamatan, password):
    """Create a user; prompts for the password when none is given."""
    if password is None:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(name=name or (email or phone).split("@")[0], role=role, password=password,
                           email=email, phone=phone, kecamatan_kode=kecamatan)
        db.session.commit()
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Pengguna dibuat: #{user.id} {user.email or user.phone} ({user.role})")


@users_cli.command("list")
def list_users():
    """List all users."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        scope = f" [{user.kecamatan_kode}]" if user.kecamatan_kode else ""
        state = "" if user.active else " (nonaktif)"
        click.echo(f"#{user.id}\t{user.role}{scope}\t{user.email or '-'}\t{user.phone or '-'}\t{user.name}{state}")


@users_cli.command("ensure-admin")
@click.option("--email", default="admin@dp3akb.serangkota.go.id", show_default=True)
def ensure_admin(email):
    """Create a first admin if none exists; prints its generated password once."""
    import secrets as _secrets

    if db.session.scalar(select(User.id).where(User.role == Role.ADMIN, User.active.is_(True))):
        click.echo("Admin sudah ada; tidak ada yang dibuat.")
        return
    password = _secrets.token_urlsafe(12)
    user = create_user(name="Admin DP3AKB", role=Role.ADMIN, password=password, email=email)
    db.session.commit()
    click.echo("=" * 60)
    click.echo("Admin pertama dibuat. Catat sekarang, kata sandi tidak ditampilkan lagi:")
    click.echo(f"  Email      : {user.email}")
    click.echo(f"  Kata sandi : {password}")
    click.echo("Ganti kata sandi setelah masuk (menu > Ganti kata sandi).")
    click.echo("=" * 60)


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
