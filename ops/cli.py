"""Operations CLI: backup/restore, audit-log retention, UU PDP anonymisation."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from extensions import db
from helpers.formats import format_filesize, format_wib
from ops import backup as backup_mod
from ops import retention

audit_cli = AppGroup("audit", help="Log audit: retensi.")
privacy_cli = AppGroup("privacy", help="Kewajiban UU PDP: anonimisasi data lewat masa retensi.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Online backup of the database to PATH (SQLite backup API, or pg_dump -Fc)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        result = backup_mod.backup(url, path)
    except backup_mod.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Cadangan {result.dialect} ditulis ke {result.path} ({format_filesize(result.size)}).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Benar-benar menimpa basis data yang sekarang.")
@with_appcontext
def restore_command(path, yes):
    """Replace the current database with the backup at PATH (needs --yes)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        kind = backup_mod.detect_format(path)
    except backup_mod.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    target = db.engine.url.render_as_string(hide_password=True)
    if not yes:
        raise click.ClickException(
            f"Pemulihan akan MENIMPA seluruh isi basis data {target} dengan cadangan {kind} {path}. "
            "Hentikan aplikasi terlebih dahulu, lalu ulangi dengan --yes.")
    db.session.remove()
    db.engine.dispose()
    try:
        dialect = backup_mod.restore(url, path)
    except backup_mod.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.engine.dispose()
    click.echo(f"Basis data {dialect} {target} dipulihkan dari {path}.")


@audit_cli.command("prune")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Simpan entri sekian hari terakhir (bawaan: AUDIT_RETENTION_DAYS).")
@click.option("--dry-run", is_flag=True, help="Hanya hitung, jangan hapus.")
def audit_prune(days, dry_run):
    """Delete audit entries older than the retention period."""
    days = days or current_app.config["AUDIT_RETENTION_DAYS"]
    n, cutoff = retention.count_old_audit_entries(days)
    click.echo(f"Entri log audit sebelum {format_wib(cutoff, 'long')} (lebih dari {days} hari): {n}")
    if dry_run:
        click.echo("Uji coba (--dry-run): tidak ada yang dihapus.")
        return
    deleted = retention.prune_audit(days, dry_run=False)
    db.session.commit()
    click.echo(f"Dihapus: {deleted} entri.")


@privacy_cli.command("anonymise")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Masa retensi dalam hari (bawaan: RETENTION_DAYS_REJECTED).")
@click.option("--dry-run", is_flag=True, help="Hanya tampilkan jumlah, jangan ubah data.")
def privacy_anonymise(days, dry_run):
    """Anonymise ditolak/nonaktif relawan whose status is older than the retention period."""
    days = current_app.config["RETENTION_DAYS_REJECTED"] if days is None else days
    report = retention.anonymise_expired(days, dry_run=True)
    click.echo(f"Relawan ditolak/nonaktif sejak sebelum {format_wib(report.cutoff, 'long')} "
               f"(lebih dari {days} hari) dan belum dianonimkan:")
    for status in ("ditolak", "nonaktif"):
        click.echo(f"  {status}: {report.by_status.get(status, 0)}")
    click.echo(f"  jumlah: {report.total}")
    if dry_run:
        click.echo("Uji coba (--dry-run): tidak ada yang diubah.")
        return
    report = retention.anonymise_expired(days, dry_run=False)
    db.session.commit()
    click.echo(f"Dianonimkan: {report.done} relawan (jumlah per status dan kelurahan tetap tercatat).")


def register(app: Flask) -> None:
    """Add the operations commands to `flask`."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(audit_cli)
    app.cli.add_command(privacy_cli)
