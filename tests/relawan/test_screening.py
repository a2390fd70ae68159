"""Screening: list filters, search, paging, masking, approve, reject, status change, bulk approve."""
from datetime import timedelta

from sqlalchemy import func, select

from extensions import db
from relawan.models import Relawan, StatusChange
from timeutil import utcnow

KASEMEN, SERANG = "36.73.02.1001", "36.73.01.1008"  # Kasemen (36.73.02), Sukawana (Serang)


def _names(resp) -> set[str]:
    html = resp.get_data(as_text=True)
    return {n for n in ("Ani", "Budi", "Citra", "Dedi") if f">{n}<" in html}


def _seed(make_relawan):
    return {
        "Ani": make_relawan(full_name="Ani", kelurahan_kode=KASEMEN, organisation="pkk",
                            nik="3673025507909001", phone="+6281211110001"),
        "Budi": make_relawan(full_name="Budi", kelurahan_kode=SERANG, organisation="kampus", status="terverifikasi",
                             nik="3673011203859002", phone="+6281311110002"),
        "Citra": make_relawan(full_name="Citra", kelurahan_kode=SERANG, organisation="pkk", status="ditolak",
                              nik="3673014101009003", phone="+6285711110003",
                              created_at=utcnow() - timedelta(days=40)),
        "Dedi": make_relawan(full_name="Dedi", kelurahan_kode=KASEMEN, organisation="ormas",
                             nik="3673021010959004", phone="+6287811110004"),
    }


def test_list_filters(login_as, make_relawan):
    _seed(make_relawan)
    c = login_as("panitia")
    assert _names(c.get("/relawan")) == {"Ani", "Budi", "Citra", "Dedi"}
    assert _names(c.get("/relawan?status=calon")) == {"Ani", "Dedi"}
    assert _names(c.get("/relawan?kecamatan=36.73.01")) == {"Budi", "Citra"}
    assert _names(c.get(f"/relawan?kelurahan={KASEMEN}")) == {"Ani", "Dedi"}
    assert _names(c.get("/relawan?organisasi=pkk")) == {"Ani", "Citra"}
    today = (utcnow() + timedelta(hours=7)).date()
    assert _names(c.get(f"/relawan?dari={today - timedelta(days=1)}")) == {"Ani", "Budi", "Dedi"}
    assert _names(c.get(f"/relawan?sampai={today - timedelta(days=30)}")) == {"Citra"}
    assert _names(c.get("/relawan?status=calon&organisasi=ormas")) == {"Dedi"}
    resp = c.get("/relawan?dari=kemarin")
    assert "Tanggal awal tidak valid" in resp.get_data(as_text=True)
    assert _names(resp) == {"Ani", "Budi", "Citra", "Dedi"}


def test_search_by_name_phone_in_any_format_and_last_4_of_nik(login_as, make_relawan):
    _seed(make_relawan)
    c = login_as("admin")
    assert _names(c.get("/relawan?q=ani")) == {"Ani"}
    assert _names(c.get("/relawan?q=0813-1111-0002")) == {"Budi"}
    assert _names(c.get("/relawan?q=%2B62 857 1111 0003")) == {"Citra"}
    assert _names(c.get("/relawan?q=6287811110004")) == {"Dedi"}
    assert _names(c.get("/relawan?q=9004")) == {"Dedi"}
    assert _names(c.get("/relawan?q=11110001")) == {"Ani"}  # part of a number
    assert _names(c.get("/relawan?q=%25")) == set()  # LIKE wildcards are literal


def test_paging(login_as, make_relawan):
    for i in range(30):
        make_relawan(full_name=f"Orang {i:02d}")
    c = login_as("panitia")
    first = c.get("/relawan").get_data(as_text=True)
    second = c.get("/relawan?page=2").get_data(as_text=True)
    assert "Halaman 1 dari 2 (30 data)" in first
    assert first.count("/relawan/") - second.count("/relawan/") > 0
    assert second.count('href="/relawan/') == 5
    assert "Orang 00" in second and "Orang 29" in first


def test_nik_is_masked_in_the_list_and_for_panitia_but_full_for_admin_detail(login_as, make_relawan):
    rel = make_relawan(nik="3673025507909001")
    panitia, admin, koord = login_as("panitia"), login_as("admin"), login_as("koordinator")
    for c in (panitia, admin, koord):
        html = c.get("/relawan").get_data(as_text=True)
        assert "3673025507909001" not in html and "************9001" in html
    assert "3673025507909001" not in panitia.get(f"/relawan/{rel.id}").get_data(as_text=True)
    assert "3673025507909001" not in koord.get(f"/relawan/{rel.id}").get_data(as_text=True)
    assert "3673025507909001" in admin.get(f"/relawan/{rel.id}").get_data(as_text=True)


def test_koordinator_sees_masked_phone_and_no_actions(login_as, make_relawan):
    rel = make_relawan(phone="+6281299998888")
    c = login_as("koordinator")
    html = c.get(f"/relawan/{rel.id}").get_data(as_text=True)
    assert "0812-****-8888" in html and "0812-9999-8888" not in html
    assert "Setujui" not in html and "Tolak" not in html
    assert "Setujui yang dipilih" not in c.get("/relawan").get_data(as_text=True)


def test_scoped_koordinator_sees_only_their_kecamatan(login_as, make_relawan):
    _seed(make_relawan)
    c = login_as("koordinator", kecamatan_kode="36.73.02")
    assert _names(c.get("/relawan")) == {"Ani", "Dedi"}
    assert _names(c.get("/relawan?kecamatan=36.73.01")) == set()


def test_approve_from_detail(login_as, make_relawan, app):
    rel = make_relawan()
    c = login_as("panitia")
    resp = c.post(f"/relawan/{rel.id}/setujui")
    assert resp.status_code == 302
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        assert r.status == "terverifikasi"
        assert r.history[-1].by_user_id == c.user.id
    again = c.post(f"/relawan/{rel.id}/setujui", follow_redirects=True)
    assert "Hanya calon relawan" in again.get_data(as_text=True)


def test_reject_requires_reason_and_reason_is_shown_to_relawan(login_as, make_relawan, app):
    rel = make_relawan()
    c = login_as("panitia")
    resp = c.post(f"/relawan/{rel.id}/tolak", data={"rj-reason": ""})
    assert resp.status_code == 200 and "Alasan penolakan wajib diisi." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Relawan, rel.id).status == "calon"
    resp = c.post(f"/relawan/{rel.id}/tolak", data={"rj-reason": "Berkas tidak lengkap"})
    assert resp.status_code == 302
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        assert r.status == "ditolak" and r.history[-1].note == "Berkas tidak lengkap"
        from auth.models import User
        from tests.conftest import login
        rc = app.test_client()
        login(rc, db.session.get(User, rel.user_id))
    assert "Berkas tidak lengkap" in rc.get("/saya").get_data(as_text=True)


def test_status_change_form_and_invalid_transition(login_as, make_relawan, app):
    rel = make_relawan(status="terverifikasi")
    c = login_as("admin")
    resp = c.post(f"/relawan/{rel.id}/status", data={"st-to_status": "nonaktif", "st-note": "Pindah kota"})
    assert resp.status_code == 302
    with app.app_context():
        r = db.session.get(Relawan, rel.id)
        assert r.status == "nonaktif" and r.history[-1].note == "Pindah kota"
    # aktif is not reachable from nonaktif: the form refuses it as an unknown choice
    resp = c.post(f"/relawan/{rel.id}/status", data={"st-to_status": "aktif"})
    assert "Pilihan tidak valid." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Relawan, rel.id).status == "nonaktif"


def test_bulk_approve_reports_counts_and_changes_only_calon(login_as, make_relawan, app):
    seed = _seed(make_relawan)
    c = login_as("panitia")
    ids = [seed[n].id for n in ("Ani", "Budi", "Citra", "Dedi")]
    resp = c.post("/relawan/setujui-massal", data={"ids": ids, "back": "/relawan?status=calon"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/relawan?status=calon")
    html = c.get("/relawan").get_data(as_text=True)
    assert "2 relawan disetujui. 2 dilewati" in html
    with app.app_context():
        status = dict(db.session.execute(select(Relawan.full_name, Relawan.status)).all())
        assert status == {"Ani": "terverifikasi", "Budi": "terverifikasi", "Citra": "ditolak",
                          "Dedi": "terverifikasi"}
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 2


def test_bulk_approve_ignores_offsite_back_url_and_empty_selection(login_as, make_relawan):
    c = login_as("panitia")
    resp = c.post("/relawan/setujui-massal", data={"back": "https://jahat.example/"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/relawan")


def test_detail_shows_nik_warning(login_as, make_relawan):
    rel = make_relawan(nik="3673025507909001", gender="L")
    html = login_as("panitia").get(f"/relawan/{rel.id}").get_data(as_text=True)
    assert "Jenis kelamin berbeda" in html
