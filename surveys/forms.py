"""Forms of the questionnaire pages (the answer form itself is built from the questions)."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from helpers.forms import CleanForm
from helpers.labels import LABELS
from relawan.forms import PhoneField
from surveys.models import QuestionnaireKind


class NewQuestionnaireForm(CleanForm):
    """A blank questionnaire (template or event's)."""
    kind = SelectField("Jenis", choices=[(k.value, LABELS["questionnaire_kind"][k.value])
                                         for k in QuestionnaireKind])
    title = StringField("Judul", validators=[DataRequired("Judul wajib diisi."), Length(max=200)])


class FromTemplateForm(CleanForm):
    """An event's questionnaire copied from a template of the library."""
    template_id = SelectField("Templat", coerce=int, validators=[DataRequired("Pilih templat.")])
    title = StringField("Judul (kosongkan untuk memakai judul templat)", validators=[Optional(), Length(max=200)])


class SaveTemplateForm(CleanForm):
    """Save an event's questionnaire into the library."""
    title = StringField("Judul templat", validators=[Optional(), Length(max=200)])


class QuestionForm(CleanForm):
    """One question; for multiple choice the options one per line and the correct one's number."""
    kind = SelectField("Jenis pertanyaan")
    text = TextAreaField("Pertanyaan", validators=[DataRequired("Pertanyaan wajib diisi."), Length(max=1000)])
    options = TextAreaField("Pilihan jawaban (satu per baris)", validators=[Optional(), Length(max=3000)])
    correct = IntegerField("Nomor jawaban yang benar", validators=[
        Optional(), NumberRange(min=1, max=8, message="Isi nomor pilihan 1 sampai 8.")])
    required = BooleanField("Wajib dijawab", default=True)


class TicketCodeForm(CleanForm):
    """A guest without the ticket link: the phone number used to register and the ticket code."""
    phone = PhoneField("Nomor HP yang dipakai saat mendaftar",
                       validators=[DataRequired("Nomor HP wajib diisi.")])
    code = StringField("Kode tiket (6 huruf/angka di bawah QR tiket)",
                       validators=[DataRequired("Kode tiket wajib diisi."), Length(max=12)])
