"""Paper: daftar hadir PDF; certificate PDF download and public verification (read-only)."""
from __future__ import annotations

import re

from flask import Response, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from auth.models import Role, User
from events.checkin_models import CheckIn
from events.models import Event, Registration, RegistrationStatus
from events.questions.answers import answers_for, questions_of
from events.signatories import event_signatories
from events.training import ROLE_TEXT, Certificate, certificates
from extensions import db, limiter
from helpers.access import staff_required
from helpers.formats import format_wib
from helpers.labels import organisation_text
from helpers.nip import format_nip
from ops.letterhead import current_emblem
from relawan.models import Kelurahan, Relawan, mask_phone
from reports import bp, pdf
from reports.age_groups import age_group_counts, age_group_line
from reports.pdf import (
    AttendanceRow,
    CertificateData,
    DocHeader,
    SignatureBlock,
    daftar_hadir_pdf,
    format_date_id,
    wib_span_text,
)
from surveys.results import score_text, scores_by_registration

DAFTAR_HADIR_QUESTIONS = 3  # question columns on the sheet (with the scores: 4, A4 landscape)
BLANK_EXTRA_ROWS = 10      # walk-in lines under the printed registrant list
BLANK_ONLY_ROWS = 30       # an event without registrants: a fully blank numbered sheet
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


def _attendance_rows(event: Event, filled: bool) -> tuple[list[AttendanceRow], list[int]]:
    """Registrants (blank sheet) or checked-in people (filled), never a NIK; and their
    registration ids in the same order."""
    kel = func.coalesce(Relawan.kelurahan_kode, Registration.guest_kelurahan_kode)
    stmt = (select(func.coalesce(Relawan.full_name, Registration.guest_name),
                   Relawan.organisation_detail, Relawan.organisation, Registration.guest_instansi,
                   Registration.guest_jabatan, Kelurahan.nama,
                   func.coalesce(User.phone, Registration.guest_phone), CheckIn.scanned_at, Registration.id)
            .select_from(Registration)
            .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
            .outerjoin(User, User.id == Relawan.user_id)
            .outerjoin(Kelurahan, Kelurahan.kode == kel)
            .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
            .where(Registration.event_id == event.id))
    if filled:
        stmt = stmt.where(CheckIn.id.isnot(None)).order_by(CheckIn.scanned_at, CheckIn.id)
    else:
        stmt = stmt.where(Registration.status == RegistrationStatus.CONFIRMED).order_by(
            func.coalesce(Relawan.full_name, Registration.guest_name))
    rows, ids = [], []
    for name, org_detail, org, g_inst, g_jab, kel_nama, phone, scanned, reg_id in db.session.execute(stmt):
        ids.append(reg_id)
        inst = (organisation_text(org, org_detail)
                or " / ".join(x for x in (g_inst, g_jab) if x))
        rows.append(AttendanceRow(name=name or "", instansi=inst, kelurahan=kel_nama or "",
                                  phone_masked=mask_phone(phone) if phone else "",
                                  time_in=format_wib(scanned, "time") if (filled and scanned) else ""))
    return rows, ids


def _question_columns(event: Event, reg_ids: list[int]) -> list[tuple[str, list[str]]]:
    """The first DAFTAR_HADIR_QUESTIONS questions marked on_daftar_hadir (in their order), each
    as (label, one answer per row); a question without an answer prints an empty cell."""
    questions = [q for q in questions_of(event.id) if q.on_daftar_hadir][:DAFTAR_HADIR_QUESTIONS]
    if not questions:
        return []
    given = answers_for(reg_ids, event.id)
    return [(q.label, [given.get(i, {}).get(q.id, "") for i in reg_ids]) for q in questions]


def doc_header() -> DocHeader:
    """The kop of every PDF: the dinas lines from configuration, the emblem admin uploaded."""
    cfg = current_app.config
    return DocHeader(org_name=cfg["ORG_NAME"], org_unit=cfg["ORG_UNIT"],
                     org_address=cfg.get("ORG_ADDRESS", ""), city=cfg.get("CITY_SHORT", "Serang"),
                     org_government=cfg.get("ORG_GOVERNMENT", ""), org_phone=cfg.get("ORG_PHONE", ""),
                     org_email=cfg.get("ORG_EMAIL", ""), emblem=current_emblem())


def _blocks(event: Event) -> list[SignatureBlock]:
    """"Mengetahui" Kepala DP3AKB on the left, the ketua panitia on the right."""
    chair, head = event_signatories(event)
    return [SignatureBlock("Mengetahui,", head.title, head.name, head.nip),
            SignatureBlock("", chair.title, chair.name, chair.nip)]


@bp.get("/laporan/kegiatan/<int:event_id>/daftar-hadir.pdf")
@staff_required
def daftar_hadir(event_id: int):
    """Daftar hadir PDF. ?versi=kosong: registrants + blank lines, no times; terisi: check-ins;
    &nilai=1 (terisi): a column with each person's pre-test/post-test scores (issue 15.2).
    Questions marked "tampil di daftar hadir" add a column each, with the person's answer (15.4)."""
    event = db.get_or_404(Event, event_id)
    versi = request.args.get("versi", "terisi")
    if versi not in ("kosong", "terisi"):
        abort(400)
    filled = versi == "terisi"
    rows, reg_ids = _attendance_rows(event, filled)
    extra = _question_columns(event, reg_ids)
    if filled and request.args.get("nilai") == "1":
        scores = scores_by_registration(event.id)
        extra.append(("Nilai Pre / Post", [score_text(scores.get(i)) for i in reg_ids]))
    blank = 0 if filled else (BLANK_EXTRA_ROWS if rows else BLANK_ONLY_ROWS)
    city = current_app.config.get("CITY_SHORT", "Serang")
    day_text, time_text = wib_span_text(event.starts_at, event.ends_at)
    document = daftar_hadir_pdf(
        doc_header(), event.title, day_text, time_text,
        " - ".join(x for x in (event.venue_name, event.venue_address) if x),
        event.organiser_name or current_app.config["ORG_UNIT"], rows, blank_rows=blank,
        signatures=_blocks(event), signed_place_date=f"{city}, {format_date_id(event.ends_at)}",
        extra_columns=extra,
        age_summary=age_group_line(age_group_counts(event.id)["attended" if filled else "registered"]))
    resp = Response(document, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = (
        f'inline; filename="daftar-hadir-{event.id}-{versi}.pdf"')
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/laporan/sertifikat/<int:cert_id>.pdf")
@login_required
def certificate_pdf(cert_id: int):
    """Certificate PDF for its owner or staff; a revoked one is not served."""
    cert = db.get_or_404(Certificate, cert_id)
    owner = cert.user_id is not None and cert.user_id == current_user.id
    if not owner and cert.relawan_id and current_user.role == Role.RELAWAN:
        rel = db.session.get(Relawan, cert.relawan_id)
        owner = rel is not None and rel.user_id == current_user.id
    if not owner and not current_user.is_staff:
        abort(404)
    if cert.revoked_at:
        abort(404)
    resp = Response(render_certificate(cert), mimetype="application/pdf")
    safe = cert.number.replace("/", "-")
    resp.headers["Content-Disposition"] = f'inline; filename="sertifikat-{safe}.pdf"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/sertifikat/<code>")
@limiter.limit("60 per minute")
def verify_certificate(code: str):
    """Public verification: number, name, title, dates, role, valid or revoked; nothing else."""
    cert = None
    if _CODE_RE.match(code):
        cert = db.session.scalars(select(Certificate).where(Certificate.code == code)).first()
    if cert is None:
        return render_template("reports/verify.html", cert=None), 404
    return render_template("reports/verify.html", cert=cert,
                           role=ROLE_TEXT.get(cert.role_label, cert.role_label))


def render_certificate(cert: Certificate) -> bytes:
    """The certificate PDF with the verification QR and the configured signatory (refused with
    certificates.SignatoryMissing, shown by the app's error page, while none is configured)."""
    signer = certificates.signatory()
    cfg = current_app.config
    hours = f"{cert.hours:g} jam".replace(".", ",") if cert.hours else ""
    data = CertificateData(
        number=cert.number, name=cert.name, role_label=ROLE_TEXT.get(cert.role_label, cert.role_label),
        program_title=cert.title, date_text=cert.date_text, hours_text=hours,
        place=(cert.details or {}).get("place") or cfg.get("CITY_NAME", "Kota Serang"),
        verify_url=f"{cfg['BASE_URL']}/sertifikat/{cert.code}",
        signatory_title=signer.title, signatory_name=signer.name,
        signatory_nip=format_nip(signer.nip),
        issued_place_date=f"{cfg.get('CITY_SHORT', 'Serang')}, {format_date_id(cert.issued_at)}")
    return pdf.certificate_pdf(doc_header(), data)
