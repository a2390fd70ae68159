"""The public case page and the admin pages that enter the figures."""
from sqlalchemy import select

from auth.models import AuditEntry
from cases.models import CaseCount, CaseType, CaseYearTotal
from extensions import db


def _form(ids, year=None, **counts_by_name):
    data = {"source": "Laporan tahunan P2TP2A", "note": "", "total": "", "total_source": ""}
    if year is not None:
        data["year"] = str(year)
    for name, value in counts_by_name.items():
        data[f"count_{ids[name]}"] = str(value)
    return data


def test_public_page_shows_2016_total_and_parts_and_their_mismatch(client, seeded):
    resp = client.get("/data-kasus")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Jumlah menurut sumber: 11; jumlah rincian: 16 — tidak sama" in html
    assert "<svg" in html and "Kasus per jenis tahun 2016" in html and "Kasus KDRT per tahun" in html
    assert 'font-size="12"' in html and "<script" not in html.split("</main>")[0]
    assert "Berita sosialisasi P2TP2A Kota Serang di Gedung PKPRI" in html


def test_public_page_without_a_stated_total_shows_no_mismatch(client, seeded, app):
    with app.app_context():
        db.session.execute(CaseYearTotal.__table__.delete())
        db.session.commit()
    html = client.get("/data-kasus").get_data(as_text=True)
    assert "tidak sama" not in html and ">16<" in html


def test_admin_adds_a_year_and_the_change_is_audited(login_as, seeded, app):
    admin = login_as("admin")
    data = _form(seeded, 2017, KDRT=4, Pencabulan=0)
    data.update(total="4", total_source="Rekap DP3AKB")
    resp = admin.post("/kelola/kasus/tahun-baru", data=data)
    assert resp.status_code == 302
    with app.app_context():
        rows = {c.case_type.name: c.count for c in db.session.scalars(
            select(CaseCount).where(CaseCount.year == 2017))}
        assert rows == {"KDRT": 4, "Pencabulan": 0}
        assert db.session.scalar(select(CaseYearTotal.total).where(CaseYearTotal.year == 2017)) == 4
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "case_figures_created")).one()
        assert entry.details["year"] == 2017 and entry.user_id == admin.user.id


def test_admin_edits_a_year_blank_removes_a_figure_and_is_audited(login_as, seeded, app):
    admin = login_as("admin")
    data = _form(seeded, KDRT=7, Pemerkosaan=2, **{"Penelantaran anak": 3,
                                                    "Pelecehan seksual terhadap anak": 6})
    data.update(total="11", total_source="Berita sosialisasi")
    resp = admin.post("/kelola/kasus/2016", data=data)
    assert resp.status_code == 302
    with app.app_context():
        kdrt = db.session.scalar(select(CaseCount).join(CaseType).where(
            CaseType.name == "KDRT", CaseCount.year == 2016))
        assert kdrt.count == 7
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "case_figures_updated")).one()
        assert entry.details["changes"][str(seeded["KDRT"])] == [5, 7]
    data.pop(f"count_{seeded['KDRT']}")
    data[f"count_{seeded['KDRT']}"] = ""
    assert admin.post("/kelola/kasus/2016", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(CaseCount).join(CaseType).where(
            CaseType.name == "KDRT", CaseCount.year == 2016)) is None


def test_duplicate_year_is_refused_in_indonesian_and_saves_nothing(login_as, seeded, app):
    admin = login_as("admin")
    resp = admin.post("/kelola/kasus/tahun-baru", data=_form(seeded, 2016, KDRT=1))
    assert resp.status_code == 422
    assert "Data tahun 2016 sudah ada." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CaseCount.count).join(CaseType).where(
            CaseType.name == "KDRT", CaseCount.year == 2016)) == 5
        assert not db.session.scalars(select(AuditEntry).where(
            AuditEntry.action.like("case_%"))).all()


def test_bad_year_negative_or_huge_counts_are_refused(login_as, seeded, app):
    admin = login_as("admin")
    for year, count, message in [(1999, 1, "Tahun harus antara 2000 dan 2100."),
                                 (2101, 1, "Tahun harus antara 2000 dan 2100."),
                                 (2018, -1, "Jumlah kasus harus bilangan bulat 0 sampai 100.000."),
                                 (2018, 100001, "Jumlah kasus harus bilangan bulat 0 sampai 100.000."),
                                 (2018, "lima", "Isi dengan angka.")]:
        resp = admin.post("/kelola/kasus/tahun-baru", data=_form(seeded, year, KDRT=count))
        assert resp.status_code == 422, (year, count)
        assert message in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(CaseCount.year).distinct()).all() == [2016]


def test_note_with_a_phone_number_is_refused(login_as, seeded, app):
    admin = login_as("admin")
    data = _form(seeded, 2019, KDRT=1)
    data["note"] = "Korban dapat dihubungi di 0812 3456 7890"
    resp = admin.post("/kelola/kasus/tahun-baru", data=data)
    assert resp.status_code == 422 and "tidak boleh memuat NIK" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CaseCount).where(CaseCount.year == 2019)) is None


def test_admin_adds_a_type_once(login_as, seeded, app):
    admin = login_as("admin")
    assert admin.post("/kelola/kasus/jenis", data={"name": "Perdagangan orang"}).status_code == 302
    resp = admin.post("/kelola/kasus/jenis", data={"name": "Perdagangan  orang"}, follow_redirects=True)
    assert "sudah ada" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(CaseType.name).where(
            CaseType.name == "Perdagangan orang")).all() == ["Perdagangan orang"]
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case_type_added"))
    assert "Perdagangan orang" in admin.get("/kelola/kasus/tahun-baru").get_data(as_text=True)


def test_panitia_cannot_enter_figures(login_as, seeded, app):
    panitia = login_as("panitia")
    assert panitia.post("/kelola/kasus/tahun-baru", data=_form(seeded, 2020, KDRT=1)).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(CaseCount).where(CaseCount.year == 2020)) is None


def test_case_tables_hold_counts_only_no_personal_data_columns():
    allowed = {"case_type": {"id", "name", "position", "created_at"},
               "case_count": {"id", "year", "case_type_id", "count", "source", "note", "updated_at",
                              "updated_by_id"},
               "case_year_total": {"id", "year", "total", "source", "note", "updated_at",
                                   "updated_by_id"}}
    for model in (CaseType, CaseCount, CaseYearTotal):
        assert {c.name for c in model.__table__.columns} == allowed[model.__tablename__]


def test_links_from_footer_and_admin_menu(client, login_as):
    assert '/data-kasus"' in client.get("/").get_data(as_text=True) or \
        '/data-kasus"' in client.get("/kegiatan").get_data(as_text=True)
    assert "/kelola/kasus" in login_as("admin").get("/data-kasus").get_data(as_text=True)
