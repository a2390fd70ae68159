"""Admin pages for UU PDP duties: overview, consent text versions, record of processing."""
from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import func, select

from extensions import db
from helpers.access import admin_required
from ops import bp, processing, retention
from relawan.models import Relawan


def _consent_versions() -> list[str]:
    """Known consent text versions, newest first (relawan/consent.py keeps them)."""
    from relawan import consent
    known = getattr(consent, "versions", None)
    names = list(known()) if callable(known) else list(getattr(consent, "_TEXTS", {}))
    return sorted(names, reverse=True)


@bp.get("/")
@admin_required
def index():
    """Overview: retention settings and what the next retention run would do."""
    cfg = current_app.config
    due = retention.anonymise_expired(cfg["RETENTION_DAYS_REJECTED"], dry_run=True)
    old_audit, _cutoff = retention.count_old_audit_entries(cfg["AUDIT_RETENTION_DAYS"])
    anonymised = db.session.scalar(select(func.count()).select_from(Relawan)
                                   .where(Relawan.anonymized_at.is_not(None)))
    requested = db.session.scalar(select(func.count()).select_from(Relawan)
                                  .where(Relawan.deletion_requested_at.is_not(None),
                                         Relawan.anonymized_at.is_(None)))
    return render_template("ops/index.html", due=due, old_audit=old_audit, anonymised=anonymised,
                           requested=requested, cfg=cfg)


@bp.get("/persetujuan")
@admin_required
def consent_versions():
    """Consent text versions and how many relawan consented under each (Pasal 22-24)."""
    from relawan.consent import consent_text, current_version

    counts = dict(db.session.execute(
        select(Relawan.consent_version, func.count()).where(Relawan.anonymized_at.is_(None))
        .group_by(Relawan.consent_version)).all())
    first_last = {v: (a, b) for v, a, b in db.session.execute(
        select(Relawan.consent_version, func.min(Relawan.consent_at), func.max(Relawan.consent_at))
        .group_by(Relawan.consent_version)).all()}
    known = _consent_versions()
    rows = [{"version": v, "count": counts.get(v, 0), "first": first_last.get(v, (None, None))[0],
             "last": first_last.get(v, (None, None))[1], "text": consent_text(v), "known": True}
            for v in known]
    # Consent recorded under a version whose text is missing is a compliance gap: show it.
    for v, n in counts.items():
        if v not in known:
            rows.append({"version": v, "count": n, "first": first_last.get(v, (None, None))[0],
                         "last": first_last.get(v, (None, None))[1], "text": None, "known": False})
    return render_template("ops/consent_versions.html", rows=rows, current=current_version())


@bp.get("/catatan-pemrosesan")
@admin_required
def processing_record():
    """Catatan kegiatan pemrosesan data pribadi (UU PDP Pasal 31)."""
    return render_template("ops/processing_record.html", activities=processing.activities(),
                           cfg=current_app.config)
