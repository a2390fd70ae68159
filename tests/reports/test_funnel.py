"""The dashboard funnel over Relawan.funnel_rank, on relawan moved through the status service.

  P1 Kasemen   calon -> terverifikasi -> dalam_pelatihan -> aktif                      rank 3
  P2 Kasemen   ... -> aktif -> nonaktif -> terverifikasi (reactivated)                  rank 3
  P3 Taktakan  calon -> terverifikasi -> ditolak -> calon (re-screening)                rank 1
  P4 Taktakan  calon, signed up 60 days ago                                             rank 0
  P5 Serang    calon -> ditolak                                                         rank 0
  P6 Serang    calon -> terverifikasi -> dalam_pelatihan                                rank 2
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from extensions import db
from relawan import services
from relawan.models import Relawan, StatusChange, funnel_rank_of
from reports import cache, queries
from reports.queries import Filters
from timeutil import to_wib, utcnow

KASEMEN, TAKTAKAN = "36.73.02", "36.73.06"
UP = ["terverifikasi", "dalam_pelatihan", "aktif"]
PATHS = {
    "P1": ("36.73.02.1001", UP),
    "P2": ("36.73.02.1002", UP + ["nonaktif", "terverifikasi"]),
    "P3": ("36.73.06.1001", ["terverifikasi", "ditolak", "calon"]),
    "P4": ("36.73.06.1002", []),
    "P5": ("36.73.01.1001", ["ditolak"]),
    "P6": ("36.73.01.1002", UP[:2]),
}


@pytest.fixture
def people(app, make_relawan):
    ids = {}
    for name, (kel, path) in PATHS.items():
        old = {"created_at": utcnow() - timedelta(days=60)} if name == "P4" else {}
        ids[name] = make_relawan("calon", full_name=name, kelurahan_kode=kel, **old).id
        with app.app_context():
            for to in path:
                services.change_status(db.session.get(Relawan, ids[name]), to, None, "Uji tahapan.")
            db.session.commit()
    return ids


def _counts(f: Filters) -> list[int]:
    return [x["count"] for x in queries.funnel(f)]


def test_funnel_rank_column_matches_history(people, ctx):
    rows = db.session.execute(select(Relawan.full_name, Relawan.status, Relawan.funnel_rank)).all()
    assert {n: (s, r) for n, s, r in rows} == {
        "P1": ("aktif", 3), "P2": ("terverifikasi", 3), "P3": ("calon", 1), "P4": ("calon", 0),
        "P5": ("ditolak", 0), "P6": ("dalam_pelatihan", 2)}
    for rid, rank in db.session.execute(select(Relawan.id, Relawan.funnel_rank)):
        history = db.session.scalars(select(StatusChange.to_status).where(StatusChange.relawan_id == rid))
        assert rank == max([0, *map(funnel_rank_of, history)])


def test_funnel_counts_and_percentages(people, ctx):
    fun = queries.funnel(Filters())
    assert [x["status"] for x in fun] == ["calon", "terverifikasi", "dalam_pelatihan", "aktif"]
    assert [x["count"] for x in fun] == [6, 4, 3, 2]
    assert [x["pct_of_start"] for x in fun] == [100.0, 66.7, 50.0, 33.3]
    assert [x["pct_of_prev"] for x in fun] == [100.0, 66.7, 75.0, 66.7]


def test_funnel_filters_kecamatan_and_period(people, ctx):
    assert _counts(Filters(kecamatan=KASEMEN)) == [2, 2, 2, 2]
    taktakan = queries.funnel(Filters(kecamatan=TAKTAKAN))
    assert [x["count"] for x in taktakan] == [2, 1, 0, 0]
    assert [x["pct_of_prev"] for x in taktakan] == [100.0, 50.0, 0.0, None]
    recent = to_wib(utcnow()).date() - timedelta(days=30)
    assert _counts(Filters(date_from=recent)) == [5, 4, 3, 2]  # P4 signed up earlier
    assert _counts(Filters(date_to=recent)) == [1, 0, 0, 0]
    assert _counts(Filters(kecamatan="36.73.03")) == [0, 0, 0, 0]
    assert [x["pct_of_start"] for x in queries.funnel(Filters(kecamatan="36.73.03"))] == [None] * 4


def _funnel_table(html: str) -> list[tuple[str, str]]:
    section = html[html.index('id="funnel"'):html.index('id="kehadiran-kegiatan"')]
    return re.findall(r'<tr><td[^>]*>(?:<strong>)?([^<]+)(?:</strong>)?</td><td class="num"[^>]*>(\d+)</td>',
                      section)


def test_dashboard_shows_the_funnel(people, login_as, app):
    cache.clear()
    html = login_as("admin").get("/laporan/").get_data(as_text=True)
    assert _funnel_table(html) == [("Calon", "6"), ("Terverifikasi", "4"), ("Dalam pelatihan", "3"),
                                   ("Aktif", "2")]
    koordinator = login_as("koordinator", kecamatan_kode=TAKTAKAN)
    html = koordinator.get("/laporan/").get_data(as_text=True)
    assert [n for _, n in _funnel_table(html)] == ["2", "1", "0", "0"]
    with app.app_context():  # a status change shows at once (the cache version moves)
        services.change_status(db.session.get(Relawan, people["P4"]), "terverifikasi", None, "Uji.")
        db.session.commit()
        assert db.session.get(Relawan, people["P4"]).funnel_rank == 1
    html = koordinator.get("/laporan/").get_data(as_text=True)
    assert [n for _, n in _funnel_table(html)] == ["2", "2", "0", "0"]
