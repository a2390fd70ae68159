"""Forms of the case figures pages. The form only parses; cases.services owns the ranges."""
from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from events.forms import Integer
from helpers.forms import CleanForm

NOTE_HINT = ("Hanya keterangan tentang angka (misalnya periode data). Jangan menulis nama, "
             "alamat, umur, NIK, nomor HP, atau apa pun yang dapat mengenali korban atau pelaku.")


class YearForm(CleanForm):
    """A year's figures: a count per case type (fields count_<type id>, added by year_form)."""

    year = Integer("Tahun", validators=[Optional()])
    source = StringField("Sumber data rincian", validators=[Optional(), Length(max=300)])
    note = TextAreaField("Keterangan", validators=[Optional(), Length(max=1000)])
    total = Integer("Jumlah total menurut sumber (boleh dikosongkan)", validators=[Optional()])
    total_source = StringField("Sumber jumlah total", validators=[Optional(), Length(max=300)])


def year_form(types, **kwargs) -> YearForm:
    """A YearForm with one optional count field per case type, in display order."""

    class _Form(YearForm):
        pass

    for t in types:
        setattr(_Form, f"count_{t.id}", Integer(t.name, validators=[Optional()]))
    form = _Form(**kwargs)
    form.count_fields = [form[f"count_{t.id}"] for t in types]
    return form


class TypeForm(CleanForm):
    """A new case type."""

    name = StringField("Nama jenis kasus baru", validators=[Optional(), Length(max=120)])
