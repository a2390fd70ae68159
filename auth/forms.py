"""Forms for login, password change and admin user management."""
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from auth.models import ROLE_LABELS
from helpers.forms import CleanForm
from relawan.forms import PhoneField

ROLE_CHOICES = [(str(r), label) for r, label in ROLE_LABELS.items()]


class LoginForm(CleanForm):
    identifier = StringField("Email atau nomor HP", validators=[
        DataRequired("Isi email atau nomor HP."), Length(max=254, message="Terlalu panjang.")])
    password = PasswordField("Kata sandi", validators=[
        DataRequired("Isi kata sandi."), Length(max=128, message="Terlalu panjang.")])
    remember = BooleanField("Ingat saya di perangkat ini")


class ChangePasswordForm(CleanForm):
    current = PasswordField("Kata sandi sekarang", validators=[DataRequired("Isi kata sandi sekarang."),
                                                               Length(max=128)])
    new = PasswordField("Kata sandi baru", validators=[
        # Length and strength: auth.passwords.password_problems, asked by the view.
        DataRequired("Isi kata sandi baru."), Length(max=128, message="Kata sandi maksimal 128 karakter.")])
    confirm = PasswordField("Ulangi kata sandi baru", validators=[
        DataRequired("Ulangi kata sandi baru."), EqualTo("new", message="Kata sandi tidak sama.")])


class UserForm(CleanForm):
    name = StringField("Nama", validators=[DataRequired("Nama wajib diisi."),
                                           Length(max=120, message="Maksimal 120 karakter.")])
    email = EmailField("Email", validators=[Optional(), Length(max=254)])
    phone = PhoneField("Nomor HP", validators=[Optional(), Length(max=30)])
    role = SelectField("Peran", choices=ROLE_CHOICES)
    kecamatan_kode = SelectField("Wilayah koordinator (kecamatan)", choices=[], validate_choice=True)
    password = PasswordField("Kata sandi awal", validators=[
        Optional(), Length(max=128, message="Kata sandi maksimal 128 karakter.")])
    active = BooleanField("Akun aktif", default=True)


def _new_password_fields():
    # Length and strength: auth.passwords.password_problems, asked by the service.
    new = PasswordField("Kata sandi baru", validators=[
        DataRequired("Isi kata sandi baru."), Length(max=128, message="Kata sandi maksimal 128 karakter.")])
    confirm = PasswordField("Ulangi kata sandi baru", validators=[
        DataRequired("Ulangi kata sandi baru."), EqualTo("new", message="Kata sandi tidak sama.")])
    return new, confirm


class ForgotPasswordForm(CleanForm):
    identifier = StringField("Nomor HP atau email", validators=[
        DataRequired("Isi nomor HP atau email akun Anda."), Length(max=254, message="Terlalu panjang.")])


class ResetCodeForm(CleanForm):
    identifier = StringField("Nomor HP", validators=[
        DataRequired("Isi nomor HP akun Anda."), Length(max=254, message="Terlalu panjang.")])
    code = StringField("Kode 6 angka dari WhatsApp", validators=[
        DataRequired("Isi kode dari WhatsApp."), Length(max=12, message="Kode terdiri dari 6 angka.")])
    new, confirm = _new_password_fields()


class NewPasswordForm(CleanForm):
    new, confirm = _new_password_fields()
