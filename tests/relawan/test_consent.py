"""Consent text (UU PDP Pasal 21-24): content, versioning, the record stored at sign-up."""
from sqlalchemy import select

from extensions import db
from relawan.consent import LATEST_VERSION, consent_text, current_version, known_version
from relawan.models import Relawan
from tests.relawan.helpers import signup_form


def test_text_states_purpose_data_retention_rights_and_contact(app):
    with app.test_request_context():
        text = consent_text()
        headings = [h for h, _ in text.sections]
        body = " ".join(p for _, p in text.sections)
    assert headings == ["Siapa yang mengelola data", "Tujuan", "Data yang disimpan", "Lama penyimpanan",
                        "Hak Anda", "Kontak"]
    assert "27 Tahun 2022" in body and "NIK" in body and "365 hari" in body
    assert "menghapus" in body or "penghapusan" in body
    assert app.config["DPO_CONTACT"] in body
    assert "{" not in body  # every placeholder filled


def test_contact_and_retention_come_from_config(app):
    old = app.config["DPO_CONTACT"], app.config["RETENTION_DAYS_REJECTED"]
    app.config["DPO_CONTACT"], app.config["RETENTION_DAYS_REJECTED"] = "dpo@contoh.go.id", 90
    try:
        with app.test_request_context():
            body = " ".join(p for _, p in consent_text().sections)
        assert "dpo@contoh.go.id" in body and "90 hari" in body
    finally:
        app.config["DPO_CONTACT"], app.config["RETENTION_DAYS_REJECTED"] = old


def test_unknown_configured_version_falls_back_to_latest(app):
    old = app.config["CONSENT_VERSION"]
    app.config["CONSENT_VERSION"] = "tidak-ada"
    try:
        with app.test_request_context():
            assert current_version() == LATEST_VERSION
            assert consent_text("tidak-ada").version == LATEST_VERSION
    finally:
        app.config["CONSENT_VERSION"] = old
    assert known_version(LATEST_VERSION) and not known_version("tidak-ada")


def test_sign_up_stores_version_and_time_of_consent(client, app):
    client.post("/daftar", data=signup_form())
    with app.app_context():
        rel = db.session.scalars(select(Relawan)).one()
        assert rel.consent_version == LATEST_VERSION
        assert rel.consent_at == rel.created_at
