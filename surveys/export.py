"""The results of a questionnaire as an XLSX workbook (small: one sheet per part of the page).

Every text a person typed (question, choice, name, free-text answer) passes through
reports.exports.spreadsheet_text, the project's one formula-injection neutraliser.
"""
from __future__ import annotations

import tempfile

from openpyxl import Workbook
from openpyxl.styles import Font

from reports.exports import spreadsheet_text
from surveys.models import QuestionKind
from surveys.results import Results


def _num(value: float | None):
    return None if value is None else round(value, 1)


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list]):
    ws = wb.create_sheet(title=title[:31])
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([spreadsheet_text(v) for v in row])
    return ws


def results_workbook(res: Results, people: list[tuple[str, float | None, float | None]]):
    """The workbook in a temporary file, rewound (send_file closes it)."""
    wb = Workbook()
    wb.remove(wb.active)
    summary = [[r.round.label, r.answered, _num(r.average)] for r in res.rounds]
    if res.questionnaire.kind == "test":
        summary.append(["Kenaikan (post - pre)", None, _num(res.gain)])
    _sheet(wb, "Ringkasan", ["Putaran", "Jumlah mengisi", "Rata-rata nilai (0-100)"], summary)
    quiz = [x for x in res.questions if x.question.kind == QuestionKind.QUIZ]
    if quiz:
        _sheet(wb, "Per soal", ["No", "Pertanyaan", "Benar pre-test (%)", "Benar post-test (%)", "Kenaikan"],
               [[i, x.question.text, _num(x.pre), _num(x.post), _num(x.gain)]
                for i, x in enumerate(quiz, start=1)])
        _sheet(wb, "Nilai peserta", ["Nama", "Pre-test", "Post-test"],
               [[name, _num(pre), _num(post)] for name, pre, post in people])
    ratings = [x for x in res.questions if x.question.kind == QuestionKind.RATING]
    if ratings:
        _sheet(wb, "Penilaian", ["Pertanyaan", "Rata-rata (1-5)", "Jumlah penilai"],
               [[x.question.text, _num(x.average_rating), x.ratings] for x in ratings])
    choices = [x for x in res.questions if x.question.kind == QuestionKind.CHOICE]
    if choices:
        _sheet(wb, "Pilihan", ["Pertanyaan", "Pilihan", "Jumlah"],
               [[x.question.text, option.text, n] for x in choices for option, n in x.option_counts])
    texts = [x for x in res.questions if x.question.kind == QuestionKind.TEXT]
    if texts:
        _sheet(wb, "Jawaban bebas", ["Pertanyaan", "Jawaban"],
               [[x.question.text, t] for x in texts for t in x.texts])
    tmp = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (send_file closes it)
    wb.save(tmp)
    tmp.seek(0)
    return tmp


