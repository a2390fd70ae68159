"""Wilayah CSV loading: idempotent, other kabupaten/kota, bad files."""
from sqlalchemy import func, select

from extensions import db
from relawan.models import Kecamatan, Kelurahan
from relawan.wilayah import DEFAULT_CSV, find_kelurahan, load_wilayah

LEBAK = """kode,kecamatan,kelurahan
36.02.01.2001,Malingping,Malingping Utara
36.02.01.2002,Malingping,Malingping Selatan
36.02.02.2001,Wanasalam,Wanasalam
"""


def test_loading_twice_changes_nothing(app, ctx):
    result = load_wilayah(DEFAULT_CSV.read_text())
    db.session.commit()
    assert (result.kecamatan_added, result.kelurahan_added, result.kelurahan_updated) == (0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(Kelurahan)) == 67


def test_cli_loads_another_kabupaten_csv(app, runner, tmp_path):
    path = tmp_path / "lebak.csv"
    path.write_text(LEBAK, encoding="utf-8")
    result = runner.invoke(args=["wilayah", "load", str(path), "--version", "uji"])
    assert result.exit_code == 0, result.output
    assert "3 baris" in result.output
    with app.app_context():
        kec = db.session.get(Kecamatan, "36.02.01")
        assert kec.nama == "Malingping" and kec.kabkota_kode == "36.02"
        assert db.session.get(Kelurahan, "36.02.02.2001").source_version == "uji"
        # clean up the extra wilayah so other tests keep the 67 of Kota Serang
        db.session.execute(Kelurahan.__table__.delete().where(Kelurahan.kode.like("36.02.%")))
        db.session.execute(Kecamatan.__table__.delete().where(Kecamatan.kode.like("36.02.%")))
        db.session.commit()


def test_cli_rejects_wrong_columns_and_saves_nothing(app, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,nama\n1,Serang\n", encoding="utf-8")
    result = runner.invoke(args=["wilayah", "load", str(path)])
    assert result.exit_code != 0
    assert "kode,kecamatan,kelurahan" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Kelurahan)) == 67


def test_cli_rejects_bad_code_and_non_utf8(app, runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("kode,kecamatan,kelurahan\n3673011001,Serang,Serang\n", encoding="utf-8")
    assert runner.invoke(args=["wilayah", "load", str(bad)]).exit_code != 0
    latin = tmp_path / "latin.csv"
    latin.write_bytes("kode,kecamatan,kelurahan\n36.99.01.1001,Seráng,Seráng\n".encode("latin-1"))
    result = runner.invoke(args=["wilayah", "load", str(latin)])
    assert result.exit_code != 0 and "UTF-8" in result.output
    with app.app_context():
        assert db.session.get(Kelurahan, "36.99.01.1001") is None


def test_spelling_variants_find_the_kelurahan(app, ctx):
    assert [k.nama for k in find_kelurahan("curugmanis")] == ["Curug Manis"]
    assert [k.nama for k in find_kelurahan("Masjid Priyayi")] == ["Mesjid Priyayi"]
    assert {k.kode for k in find_kelurahan("sukawana")} == {"36.73.01.1008", "36.73.04.1007"}
