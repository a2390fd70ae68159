"""The broadcast form: the segment, the title and the text (one form for compose, preview, send)."""
from __future__ import annotations

import secrets

from sqlalchemy import select
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from events.models import Event
from extensions import db
from helpers import labels
from helpers.forms import CleanForm, bounded_int
from messaging.broadcasts import Segment, SegmentKind
from relawan.forms import Choice
from relawan.models import Kecamatan, Kelurahan

KIND_LABELS = labels.LABELS["segment_kind"]
EVENT_CHOICES_LIMIT = 300


class BroadcastForm(CleanForm):
    """Who (event registrants or relawan) and what."""

    jenis = Choice("Penerima", choices=labels.choices("segment_kind"),
                   validators=[DataRequired("Pilih penerima.")])
    kegiatan = Choice("Kegiatan", choices=[])
    kelompok = Choice("Kelompok peserta", choices=labels.choices("event_group"))
    status = Choice("Status relawan", choices=[("", "Semua status")]
                    + labels.choices("relawan_status"))
    kecamatan = Choice("Kecamatan", choices=[])
    kelurahan = Choice("Kelurahan", choices=[])
    judul = StringField("Judul", validators=[DataRequired("Judul wajib diisi."),
                                             Length(max=120, message="Maksimal 120 karakter.")])
    pesan = TextAreaField("Isi pesan", validators=[
        DataRequired("Isi pesan wajib diisi."), Length(max=1500, message="Maksimal 1500 karakter.")])

    def __init__(self, *args, scope: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        events = db.session.execute(select(Event.id, Event.title, Event.starts_at)
                                    .order_by(Event.starts_at.desc(), Event.id.desc())
                                    .limit(EVENT_CHOICES_LIMIT)).all()
        self.kegiatan.choices = [("", "Pilih kegiatan")] + [
            (str(e.id), f"{e.title} ({e.starts_at:%d-%m-%Y})") for e in events]
        kecamatan = db.session.scalars(select(Kecamatan).order_by(Kecamatan.nama)).all()
        names = {k.kode: k.nama for k in kecamatan}
        kelurahan = db.session.scalars(select(Kelurahan).order_by(Kelurahan.nama)).all()
        if scope:  # a koordinator chooses only inside their own kecamatan
            kecamatan = [k for k in kecamatan if k.kode == scope]
            kelurahan = [k for k in kelurahan if k.kecamatan_kode == scope]
        self.kecamatan.choices = ([] if scope else [("", "Semua kecamatan")]) + [
            (k.kode, k.nama) for k in kecamatan]
        self.kelurahan.choices = [("", "Semua kelurahan")] + [  # names repeat; say where
            (k.kode, k.nama if scope else f"{k.nama} (Kec. {names.get(k.kecamatan_kode, '-')})")
            for k in kelurahan]

    def validate_kegiatan(self, field):
        if self.jenis.data == SegmentKind.EVENT and not field.data:
            raise ValidationError("Pilih kegiatan.")

    def validate_kelompok(self, field):
        if self.jenis.data == SegmentKind.EVENT and not field.data:
            raise ValidationError("Pilih kelompok peserta.")

    def text(self) -> str:
        """The message text with the browser's CRLF line breaks made plain newlines."""
        return self.pesan.data.replace("\r\n", "\n").strip()

    def segment(self) -> Segment:
        """The chosen segment (before the koordinator's scope: broadcasts.scoped applies it)."""
        if self.jenis.data == SegmentKind.EVENT:
            return Segment(SegmentKind.EVENT.value, event_id=int(self.kegiatan.data),
                           group=self.kelompok.data)
        return Segment(SegmentKind.RELAWAN.value, status=self.status.data or "",
                       kecamatan=self.kecamatan.data or "", kelurahan=self.kelurahan.data or "")


def new_request_key() -> str:
    """A fresh key per preview: a double click on "Kirim" sends once, a new preview anew."""
    return secrets.token_urlsafe(24)


class SendForm(BroadcastForm):
    """The confirm page's form: the same fields, the previewed total and a one-time key."""

    request_key = HiddenField()
    expected = HiddenField()

    def validate_request_key(self, field):
        if not field.data or len(field.data) > 43:
            raise ValidationError("Formulir tidak lengkap. Buat pratinjau lagi lalu kirim.")

    def validate_expected(self, field):
        if self.expected_total() is None:
            raise ValidationError("Formulir tidak lengkap. Buat pratinjau lagi lalu kirim.")

    def expected_total(self) -> int | None:
        """The recipient count of the preview the author confirmed."""
        return bounded_int(self.expected.data)
