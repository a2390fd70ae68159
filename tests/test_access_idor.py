"""Access between people of the same role: no relawan reaches another's ticket, history,
certificate or data, no koordinator another kecamatan's relawan, no non-staff another's token.
Uses the world of tests/test_access_matrix.py (two relawan, two koordinator, every role)."""
from __future__ import annotations

from sqlalchemy import select

from auth.models import ApiToken
from extensions import db
from relawan.models import Relawan
from tests.access_expectations import DENIED, KASEMEN
from tests.test_access_matrix import clients, world  # noqa: F401  (fixtures)


def _tamper(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_relawan_cannot_reach_another_relawans_ticket_by_changing_the_token(app, world, clients):
    a = clients["relawan_a"]
    assert a.get(f"/t/{world.ids['token']}").status_code == 200
    for bad in (_tamper(world.ids["token_b"]), str(world.ids["registration_id"]), "x" * 22):
        for suffix in ("", ".png", ".svg"):
            assert a.get(f"/t/{bad}{suffix}").status_code == 404, (bad, suffix)
    # Cancelling with a tampered token changes nothing.
    assert a.post(f"/t/{_tamper(world.ids['token_b'])}/batal", data={}).status_code == 404
    from events.models import Registration
    with app.app_context():
        reg_b = db.session.scalar(select(Registration).where(Registration.token == world.ids["token_b"]))
        assert reg_b.status == "confirmed"


def test_self_service_pages_show_only_ones_own_data(app, world, clients):
    with app.app_context():
        rel_a = db.session.get(Relawan, world.ids["relawan_id"])
        rel_b = db.session.get(Relawan, world.ids["relawan_b_id"])
        a_nik, b_nik, a_card, b_card = rel_a.nik, rel_b.nik, rel_a.card_token, rel_b.card_token
    b = clients["relawan_b"]
    export = b.get("/saya/data.json")
    assert export.status_code == 200
    body = export.get_data(as_text=True)
    assert b_nik in body and a_nik not in body and "Siti Aminah" not in body
    for path in ("/saya", "/saya/profil", "/saya/kartu", "/saya/kartu.svg", "/saya/hapus-data"):
        html = b.get(path).get_data(as_text=True)
        assert "Siti Aminah" not in html and a_nik not in html and a_card not in html, path
    assert "Budi Santoso" in b.get("/saya/kartu").get_data(as_text=True)
    assert b_card != a_card
    # Query strings that name another id are ignored by the self-service pages.
    html = b.get(f"/saya/data.json?relawan_id={world.ids['relawan_id']}&id={world.ids['relawan_id']}").get_data(as_text=True)
    assert a_nik not in html
    regs = b.get("/kegiatan/saya").get_data(as_text=True)
    assert world.ids["token"] not in regs


def test_relawan_cannot_open_another_relawans_history_certificate_or_detail(world, clients):
    b = clients["relawan_b"]
    assert b.get(f"/laporan/relawan/{world.ids['relawan_id']}").status_code in DENIED
    assert b.get(f"/laporan/sertifikat/{world.ids['cert_id']}.pdf").status_code in DENIED
    assert b.get(f"/relawan/{world.ids['relawan_id']}").status_code in DENIED
    assert b.get(f"/kelola/pendaftaran/{world.ids['registration_id']}/badge.pdf").status_code in DENIED
    a = clients["relawan_a"]
    assert a.get(f"/laporan/relawan/{world.ids['relawan_b_id']}").status_code in DENIED


def test_koordinator_of_another_kecamatan_cannot_see_relawan_a(world, clients):
    k = clients["koordinator_other"]
    assert k.get(f"/relawan/{world.ids['relawan_id']}").status_code == 404
    assert k.get(f"/laporan/relawan/{world.ids['relawan_id']}").status_code == 404
    listing = k.get("/relawan?q=Siti").get_data(as_text=True)
    assert "Siti Aminah" not in listing
    export = k.get("/laporan/ekspor?data=relawan&format=csv")
    assert export.status_code in (200, 403, 404)
    assert "Siti Aminah" not in export.get_data(as_text=True)
    tampered = k.get(f"/laporan/ekspor?data=relawan&format=csv&kecamatan={KASEMEN}")
    assert "Siti Aminah" not in tampered.get_data(as_text=True)


def test_api_token_of_another_user_cannot_be_revoked_by_non_staff(app, world, clients):
    assert clients["relawan_b"].post(f"/akun/token/{world.ids['token_id']}/cabut", data={}).status_code in DENIED
    with app.app_context():
        assert db.session.get(ApiToken, world.ids["token_id"]).revoked_at is None
