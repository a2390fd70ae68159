"""Panitia and admin pages of an event's questionnaire: results, XLSX export, projector QR.

Answers are personal data: these pages are for staff only (not the koordinator PKK).
"""
from __future__ import annotations

import re

from flask import abort, render_template, send_file

import audit
from extensions import db
from helpers.access import staff_required
from helpers.qr import svg
from surveys import answering, bp
from surveys.export import results_workbook
from surveys.results import participant_scores, results
from surveys.views_manage import EVENT, load


@bp.get(f"{EVENT}/<int:questionnaire_id>/hasil")
@staff_required
def results_page(event_id: int, questionnaire_id: int):
    """Answers per round, average scores and gains, ratings, choices and free text."""
    questionnaire = load(event_id, questionnaire_id)
    return render_template("surveys/results.html", q=questionnaire, event=questionnaire.event,
                           r=results(questionnaire), people=participant_scores(questionnaire))


@bp.get(f"{EVENT}/<int:questionnaire_id>/hasil.xlsx")
@staff_required
def results_xlsx(event_id: int, questionnaire_id: int):
    """The results page as an XLSX workbook (audit-logged, as every export)."""
    questionnaire = load(event_id, questionnaire_id)
    people = participant_scores(questionnaire)
    audit.record("export", questionnaire.event, details={"what": "kuesioner", "format": "xlsx",
                                                         "questionnaire_id": questionnaire.id},
                 rows=len(people))
    db.session.commit()
    slug = re.sub(r"[^a-z0-9]+", "-", questionnaire.title.lower()).strip("-")[:40] or "kuesioner"
    return send_file(results_workbook(results(questionnaire), people), as_attachment=True,
                     download_name=f"hasil-{slug}-{questionnaire.event_id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get(f"{EVENT}/<int:questionnaire_id>/<round_name>/layar")
@staff_required
def projector(event_id: int, questionnaire_id: int, round_name: str):
    """The round's QR full-screen for the projector: participants scan it with their camera."""
    questionnaire = load(event_id, questionnaire_id)
    survey_round = questionnaire.round(round_name)
    if survey_round is None:
        abort(404)
    url = answering.answer_url(survey_round)
    return render_template("surveys/projector.html", q=questionnaire, round=survey_round, url=url,
                           qr_svg=svg(url, f"Kode QR {survey_round.label}"))
