"""The panitia's question form. The rules (label, options, limits, edits after answers) are
events.questions.manage's; the form only carries the input, with CleanForm refusing control
characters. The registrants' answer fields are built from the questions themselves
(templates/events/_questions_fields.html, read by events.questions.saving)."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from helpers import labels
from helpers.forms import CleanForm


class QuestionForm(CleanForm):
    """One registration question of an event."""

    label = StringField("Pertanyaan", validators=[Length(max=1000, message="Pertanyaan terlalu panjang.")])
    kind = SelectField("Jenis jawaban", choices=labels.choices("event_question_kind"),
                       validate_choice=False)  # manage.save_question owns the rule
    options = TextAreaField("Pilihan jawaban (satu per baris)",
                            validators=[Length(max=5000, message="Daftar pilihan terlalu panjang.")])
    required = BooleanField("Wajib dijawab")
    on_daftar_hadir = BooleanField("Tampilkan di daftar hadir (kolom sendiri)")
