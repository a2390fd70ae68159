"""`flask wilayah load` command."""
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from extensions import db
from relawan.wilayah import DEFAULT_CSV, DEFAULT_VERSION, WilayahError, load_wilayah

wilayah_cli = AppGroup("wilayah", help="Data wilayah (kecamatan dan kelurahan).")


@wilayah_cli.command("load")
@click.argument("csv_path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--version", "source_version", default=DEFAULT_VERSION,
              help="Versi daftar rujukan (mis. nomor Kepmendagri).")
def load(csv_path, source_version):
    """Load kecamatan/kelurahan from a CSV (default: the bundled Kota Serang list); idempotent."""
    path = csv_path or DEFAULT_CSV
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException("Berkas CSV harus berenkode UTF-8.") from exc
    try:
        result = load_wilayah(text, source_version)
        db.session.commit()
    except WilayahError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wilayah dimuat dari {path.name}: {result.rows} baris, "
               f"{result.kecamatan_added} kecamatan baru, {result.kelurahan_added} kelurahan baru, "
               f"{result.kelurahan_updated} diperbarui.")


def register(app: Flask) -> None:
    app.cli.add_command(wilayah_cli)
