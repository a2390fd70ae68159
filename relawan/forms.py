"""Forms for sign-up, profile, screening decisions and data-rights requests.

Every message is Indonesian; NIK, phone and email are checked with relawan/validators.py and the
normalised values are kept on the form (`form.clean`) for the service.
"""
from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from auth.passwords import Person, password_problems
from helpers import labels
from helpers.forms import BAD_CHARS, CleanForm  # noqa: F401  (re-exported for relawan modules)
from relawan.consent import current_version
from relawan.validators import (
    InvalidEmail,
    InvalidNik,
    InvalidPhone,
    nik_mismatch_warnings,
    normalize_email,
    normalize_phone,
    parse_nik,
)

GENDER_CHOICES = labels.choices("gender")
EDUCATION_CHOICES = [("", "Pilih pendidikan terakhir"), *labels.choices("education")]
ORGANISATION_CHOICES = [("", "Pilih organisasi"), *labels.choices("organisation")]
EDUCATION_LABELS = labels.EDUCATION
ORGANISATION_LABELS = labels.ORGANISATION

MIN_AGE = 17


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _req(message: str):
    return DataRequired(message)


def _max(n: int):
    return Length(max=n, message=f"Maksimal {n} karakter.")


class Choice(SelectField):
    """SelectField whose 'not a valid choice' message is Indonesian (tampered values)."""

    def pre_validate(self, form):
        if not self.data:
            return  # DataRequired gives the "please choose" message
        if self.data not in {str(choice[0]) for choice in self.choices}:
            raise ValidationError("Pilihan tidak valid.")


class RadioChoice(RadioField):
    """RadioField with an Indonesian message for missing or tampered values."""

    def pre_validate(self, form):
        if self.data not in {str(v) for v, _ in self.choices}:
            raise ValidationError("Pilih salah satu.")


class PhoneField(TelField):
    """A phone number as typed ('0812-3456-7890', '+62 812 ...', '62812...'); after validation
    `.data` is E.164 ('+62812...') or None when left empty. The one place where a typed phone
    becomes E.164 (relawan.validators.normalize_phone); services take the normalised value."""

    def __init__(self, label=None, validators=None, filters=(), **kwargs):
        super().__init__(label, validators, filters=(_strip, *filters), **kwargs)

    def post_validate(self, form, validation_stopped):
        if validation_stopped or self.errors or not self.data:
            self.data = self.data or None
            return
        try:
            self.data = normalize_phone(self.data)
        except InvalidPhone as exc:
            raise ValidationError(exc.message) from exc


class DateInput(DateField):
    """An HTML date input with an Indonesian parse error."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Tanggal tidak valid.") from exc


class ProfileFields(CleanForm):
    """Fields shared by sign-up and profile edit; normalised values end up in `self.clean`."""

    full_name = StringField("Nama lengkap (sesuai KTP)", filters=[_strip],
                            validators=[_req("Nama lengkap wajib diisi."), _max(120)])
    gender = RadioChoice("Jenis kelamin", choices=GENDER_CHOICES)
    birth_date = DateInput("Tanggal lahir", validators=[InputRequired("Tanggal lahir wajib diisi.")])
    phone = PhoneField("Nomor HP (WhatsApp)", validators=[_req("Nomor HP wajib diisi."), _max(30)])
    email = EmailField("Email (boleh dikosongkan)", filters=[_strip], validators=[Optional(), _max(254)])
    address = TextAreaField("Alamat tempat tinggal", filters=[_strip],
                            validators=[_req("Alamat wajib diisi."), _max(300)])
    kelurahan_kode = Choice("Kelurahan", choices=[],
                            validators=[_req("Pilih kelurahan tempat tinggal.")])
    occupation = StringField("Pekerjaan", filters=[_strip],
                             validators=[_req("Pekerjaan wajib diisi."), _max(80)])
    education = Choice("Pendidikan terakhir", choices=EDUCATION_CHOICES,
                       validators=[_req("Pilih pendidikan terakhir.")])
    organisation = Choice("Organisasi", choices=ORGANISATION_CHOICES,
                          validators=[_req("Pilih organisasi.")])
    organisation_detail = StringField("Nama organisasi / kampus", filters=[_strip],
                                      validators=[_max(120)])
    motivation = TextAreaField("Motivasi menjadi relawan", filters=[_strip],
                               validators=[_req("Motivasi wajib diisi."), _max(1000)])
    availability = StringField("Waktu luang", filters=[_strip],
                               validators=[_req("Waktu luang wajib diisi."), _max(200)])

    def __init__(self, *args, kelurahan_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kelurahan_kode.choices = [(k, k) for k in kelurahan_codes]
        self.clean: dict = {}
        self.warnings: list[str] = []

    def validate_birth_date(self, field):
        today = date.today()
        if field.data is None:
            return
        if field.data > today or field.data.year < 1900:
            raise ValidationError("Tanggal lahir tidak valid.")
        age = today.year - field.data.year - ((today.month, today.day) < (field.data.month, field.data.day))
        if age < MIN_AGE:
            # Pasal 25 UU PDP: data anak needs a parent's consent; relawan sign-up is 17+.
            raise ValidationError(f"Pendaftaran relawan untuk usia {MIN_AGE} tahun ke atas.")

    def validate_email(self, field):
        if not field.data:
            self.clean["email"] = None
            return
        try:
            self.clean["email"] = normalize_email(field.data)
        except InvalidEmail as exc:
            raise ValidationError(str(exc)) from exc

    def validate_organisation_detail(self, field):
        if self.organisation.data == "lainnya" and not field.data:
            raise ValidationError("Sebutkan nama organisasi Anda.")

    def profile_values(self) -> dict:
        """The validated, normalised values for relawan.services."""
        return {
            "full_name": self.full_name.data, "gender": self.gender.data,
            "birth_date": self.birth_date.data, "phone": self.phone.data,
            "email": self.clean.get("email"), "address": self.address.data,
            "kelurahan_kode": self.kelurahan_kode.data, "occupation": self.occupation.data,
            "education": self.education.data, "organisation": self.organisation.data,
            "organisation_detail": self.organisation_detail.data or None,
            "motivation": self.motivation.data, "availability": self.availability.data,
        }


class SignUpForm(ProfileFields):
    """Public calon relawan sign-up."""

    nik = StringField("NIK (bukan No. KK)", filters=[_strip],
                      validators=[_req("NIK wajib diisi."), _max(30)])
    password = PasswordField("Kata sandi", validators=[
        # Length and strength: auth.passwords.password_problems, asked by relawan.services.sign_up.
        _req("Kata sandi wajib diisi."), _max(128)])
    confirm = PasswordField("Ulangi kata sandi", validators=[
        _req("Ulangi kata sandi."), EqualTo("password", message="Kata sandi tidak sama.")])
    consent = BooleanField("Saya sudah membaca dan menyetujui pemrosesan data pribadi saya "
                           "seperti dijelaskan di atas.",
                           validators=[DataRequired("Persetujuan wajib dicentang untuk mendaftar.")])
    consent_version = HiddenField()

    def validate_password(self, field):
        problems = password_problems(field.data, Person(
            name=self.full_name.data, phone=self.phone.data, nik=self.nik.data, email=self.email.data))
        if problems:
            raise ValidationError(" ".join(problems))

    def validate_nik(self, field):
        if not field.data.isascii():
            # parse_nik's \d also accepts e.g. full-width digits, which would dodge the unique NIK.
            raise ValidationError("NIK harus 16 digit angka.")
        try:
            info = parse_nik(field.data)
        except InvalidNik as exc:
            raise ValidationError(str(exc)) from exc
        self.clean["nik"] = info.nik
        self.clean["nik_info"] = info

    def validate_consent_version(self, field):
        if field.data != current_version():
            raise ValidationError("Teks persetujuan sudah diperbarui. Baca kembali lalu centang lagi.")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        info = self.clean.get("nik_info")
        if ok and info:
            # A mismatch is legal (Dukcapil never changes a NIK to fit a corrected birth date).
            self.warnings = nik_mismatch_warnings(info, self.birth_date.data, self.gender.data)
        return ok


class ProfileForm(ProfileFields):
    """The relawan edits their own profile (not the NIK)."""


class RejectForm(CleanForm):
    reason = TextAreaField("Alasan penolakan", filters=[_strip],
                           validators=[_req("Alasan penolakan wajib diisi."), _max(500)])


class StatusForm(CleanForm):
    to_status = Choice("Ubah status menjadi", choices=[], validators=[_req("Pilih status baru.")])
    note = TextAreaField("Catatan", filters=[_strip], validators=[Optional(), _max(500)])


class ConfirmForm(CleanForm):
    """A required confirmation tick for irreversible actions."""

    confirm = BooleanField("Saya mengerti dan ingin melanjutkan.",
                           validators=[DataRequired("Centang konfirmasi terlebih dahulu.")])
