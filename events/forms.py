"""Forms for events, programs, speakers, agenda, guest registration and invitee import.

Times are typed in WIB (datetime-local) and converted with timeutil.wib_to_utc by the views.
"""
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from events.models import KIND_LABELS
from events.services.companions import MAX_COMPANIONS
from helpers.forms import CleanForm, DateInRange
from helpers.nip import InvalidNip, parse_nip
from relawan.forms import PhoneField


class Select(SelectField):
    """SelectField with an Indonesian message; a missing value counts as the empty choice."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = self.coerce(0) if self.coerce is int else ""
            return
        try:
            self.data = self.coerce(valuelist[0])
        except (ValueError, TypeError):
            self.data = None

    def pre_validate(self, form):
        values = [c[0] for c in self.choices]
        if self.data not in values:
            raise ValidationError("Pilihan tidak valid.")


class WibDateTime(DateTimeLocalField):
    """datetime-local input (WIB) with an Indonesian parse error."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Isi tanggal dan jam dengan benar.") from None


class Integer(IntegerField):
    """IntegerField with an Indonesian parse error."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Isi dengan angka.") from None


class NipField(StringField):
    """A NIP as typed ('19780512 200501 2 003'); after validation `.data` is the 18 digits or
    None when left empty (helpers.nip.parse_nip owns the rule)."""

    def post_validate(self, form, validation_stopped):
        if self.errors or not (self.data or "").strip():
            self.data = self.data if self.errors else None
            return
        try:
            self.data = parse_nip(self.data) or None
        except InvalidNip as exc:
            raise ValidationError(exc.message) from exc


DT = "%Y-%m-%dT%H:%M"
KIND_CHOICES = [(str(k), label) for k, label in KIND_LABELS.items()]
DT_MSG = "Isi tanggal dan jam dengan benar."


def _dt(label, required=True):
    validators = [DataRequired(DT_MSG)] if required else [Optional()]
    return WibDateTime(label, format=DT, validators=[*validators, DateInRange()])


class EventForm(CleanForm):
    kind = Select("Jenis kegiatan", choices=KIND_CHOICES)
    title = StringField("Judul", validators=[DataRequired("Judul wajib diisi."),
                                             Length(max=200, message="Maksimal 200 karakter.")])
    description = TextAreaField("Deskripsi", validators=[Optional(), Length(max=5000)])
    venue_name = StringField("Nama tempat", validators=[DataRequired("Nama tempat wajib diisi."),
                                                        Length(max=200)])
    venue_address = StringField("Alamat tempat", validators=[Optional(), Length(max=300)])
    starts_at = _dt("Mulai (WIB)")
    ends_at = _dt("Selesai (WIB)")
    capacity = Integer("Kuota peserta", validators=[
        Optional(), NumberRange(min=1, max=100000, message="Kuota antara 1 dan 100.000.")])
    registration_opens_at = _dt("Pendaftaran dibuka (WIB)", required=False)
    registration_closes_at = _dt("Pendaftaran ditutup (WIB)", required=False)
    allow_guests = BooleanField("Tamu tanpa akun boleh mendaftar (nama, instansi, nomor HP)")
    allow_walk_ins = BooleanField("Terima peserta datang langsung (walk-in) di pintu")
    checkin_opens_minutes = Integer("Check-in dibuka (menit sebelum mulai)", validators=[
        Optional(), NumberRange(min=0, max=10080, message="Antara 0 dan 10.080 menit (7 hari).")])
    checkin_closes_minutes = Integer("Check-in ditutup (menit setelah selesai)", validators=[
        Optional(), NumberRange(min=0, max=10080, message="Antara 0 dan 10.080 menit (7 hari).")])
    checkout_enabled = BooleanField("Catat keluar-masuk (check-out)")
    organiser_name = StringField("Narahubung panitia", validators=[Optional(), Length(max=120)])
    organiser_phone = PhoneField("Nomor HP narahubung", validators=[Optional(), Length(max=30)])
    organiser_email = EmailField("Email narahubung", validators=[Optional(), Length(max=254)])
    ketua_panitia_name = StringField("Nama ketua panitia (dengan gelar)",
                                     validators=[Optional(), Length(max=120)])
    ketua_panitia_nip = NipField("NIP ketua panitia", validators=[Optional(), Length(max=30)])
    kepala_dinas_name = StringField("Nama Kepala DP3AKB yang mengetahui (dengan gelar)",
                                    validators=[Optional(), Length(max=120)])
    kepala_dinas_nip = NipField("NIP Kepala DP3AKB", validators=[Optional(), Length(max=30)])
    program_id = Select("Sesi dari program pelatihan", coerce=int, choices=[])
    program_order = Integer("Urutan sesi dalam program", validators=[
        Optional(), NumberRange(min=1, max=100, message="Urutan antara 1 dan 100.")])
    required = BooleanField("Sesi wajib (dihitung untuk kelulusan)", default=True)


class CancelEventForm(CleanForm):
    reason = TextAreaField("Alasan pembatalan (ditampilkan kepada peserta)", validators=[
        DataRequired("Tuliskan alasan pembatalan untuk peserta."), Length(max=1000)])


class ProgramForm(CleanForm):
    title = StringField("Nama program", validators=[DataRequired("Nama program wajib diisi."),
                                                    Length(max=200)])
    description = TextAreaField("Deskripsi", validators=[Optional(), Length(max=5000)])
    completion_rule = Select("Aturan kelulusan", choices=[
        ("all_required", "Semua sesi wajib dihadiri"), ("min_sessions", "Minimal sejumlah sesi dihadiri")])
    min_sessions = Integer("Jumlah sesi minimal", validators=[
        Optional(), NumberRange(min=1, max=100, message="Antara 1 dan 100.")])
    status = Select("Status", choices=[("draft", "Draf"), ("published", "Terbit (dibuka)"),
                                            ("cancelled", "Dibatalkan")])
    valid_months = Integer("Masa berlaku sertifikat (bulan)", validators=[Optional()])


class SpeakerForm(CleanForm):
    name = StringField("Nama lengkap dan gelar", validators=[DataRequired("Nama wajib diisi."),
                                                             Length(max=120)])
    jabatan = StringField("Jabatan", validators=[Optional(), Length(max=160)])
    instansi = StringField("Instansi", validators=[Optional(), Length(max=160)])
    phone = PhoneField("Nomor HP", validators=[Optional(), Length(max=30)])
    email = EmailField("Email", validators=[Optional(), Length(max=254)])
    topics = StringField("Topik keahlian (pisahkan dengan koma)", validators=[Optional(), Length(max=300)])
    bio = TextAreaField("Profil singkat", validators=[Optional(), Length(max=3000)])


class AgendaItemForm(CleanForm):
    topic = StringField("Acara / materi", validators=[DataRequired("Isi nama acara atau materi."),
                                                      Length(max=200)])
    starts_at = _dt("Mulai (WIB)")
    ends_at = _dt("Selesai (WIB)", required=False)
    speaker_id = Select("Narasumber", coerce=int, choices=[])
    position = Integer("Urutan", default=0, validators=[Optional(), NumberRange(min=0, max=1000)])


class GuestRegistrationForm(CleanForm):
    name = StringField("Nama lengkap", validators=[DataRequired("Nama wajib diisi."), Length(max=120)])
    instansi = StringField("Instansi / lembaga", validators=[Optional(), Length(max=160)])
    jabatan = StringField("Jabatan", validators=[Optional(), Length(max=160)])
    phone = PhoneField("Nomor HP (WhatsApp)", validators=[DataRequired("Nomor HP wajib diisi."),
                                                        Length(max=30)])
    email = EmailField("Email (tidak wajib)", validators=[Optional(), Length(max=254)])
    kelurahan_kode = Select("Kelurahan tempat tinggal (tidak wajib)", choices=[],
                                 validate_choice=True)


class ImportForm(CleanForm):
    file = FileField("Berkas CSV", validators=[FileRequired("Pilih berkas CSV.")])


class ImportConfirmForm(CleanForm):
    payload = HiddenField(validators=[DataRequired()])


class ActionForm(CleanForm):
    """A POST button (CSRF only)."""


class LostTicketForm(CleanForm):
    """"Tiket hilang?": the phone number or email given at registration."""

    identifier = StringField("Nomor HP atau email yang dipakai saat mendaftar", validators=[
        DataRequired("Isi nomor HP atau email."), Length(max=254)])


def companion_rows(formdata) -> list[dict]:
    """The companion rows posted by templates/events/_companions_fields.html, as
    events.services.companions.clean_companions reads them."""
    return [{key: (formdata.get(f"companion-{i}-{key}") or "").strip()[:120]
             for key in ("name", "relation", "age_group")} for i in range(MAX_COMPANIONS)]
