"""NIK, phone and email validators, with hypothesis property tests."""
import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relawan.fakes import fake_nik, fake_phone
from relawan.validators import (
    PROVINCE_CODES,
    InvalidEmail,
    InvalidNik,
    InvalidPhone,
    clean_nik,
    nik_mismatch_warnings,
    normalize_email,
    normalize_phone,
    parse_nik,
)

TODAY = date(2026, 11, 28)
provinces = st.sampled_from(sorted(PROVINCE_CODES))
two_digits = st.integers(1, 99).map(lambda n: f"{n:02d}")
births = st.dates(min_value=date(TODAY.year - 99, TODAY.month, TODAY.day), max_value=TODAY)


@st.composite
def valid_niks(draw):
    """(nik, birth date, gender) for any structurally valid NIK with a birth in the last 99 years."""
    birth, gender = draw(births), draw(st.sampled_from("LP"))
    day = birth.day + (40 if gender == "P" else 0)
    serial = draw(st.integers(1, 9999))
    nik = f"{draw(provinces)}{draw(two_digits)}{draw(two_digits)}{day:02d}{birth.month:02d}" \
          f"{birth.year % 100:02d}{serial:04d}"
    return nik, birth, gender


@settings(max_examples=300, deadline=None)
@given(valid_niks())
def test_any_valid_nik_parses_and_round_trips_birth_date_and_gender(case):
    nik, birth, gender = case
    info = parse_nik(nik, today=TODAY)
    assert info.nik == nik and info.gender == gender and info.birth_date == birth
    assert nik_mismatch_warnings(info, birth, gender) == []


@settings(deadline=None)  # the machine may be busy; speed is not under test
@given(valid_niks(), st.sampled_from([" ", ".", "-"]))
def test_separators_people_type_are_ignored(case, sep):
    nik = case[0]
    typed = sep.join([nik[:6], nik[6:12], nik[12:]])
    assert parse_nik(typed, today=TODAY).nik == nik


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_random_text_never_raises_anything_but_invalid_nik(text):
    try:
        info = parse_nik(text, today=TODAY)
    except InvalidNik:
        return
    assert len(info.nik) == 16 and info.nik.isdigit()


@settings(deadline=None)  # the machine may be busy; speed is not under test
@given(st.from_regex(r"\A[0-9]{16}\Z"))
def test_random_16_digits_parse_or_raise_invalid_nik(digits):
    with contextlib.suppress(InvalidNik):
        parse_nik(digits, today=TODAY)


@pytest.mark.parametrize("nik,reason", [
    ("367302550790900", "16 digit"), ("36730255079090011", "16 digit"), ("3673O25507909001", "16 digit"),
    ("0073025507909001", "provinsi"), ("9973025507909001", "provinsi"), ("3673005507909001", "00"),
    ("3673020007909001", "Tanggal"), ("3673023207909001", "Tanggal"), ("3673027207909001", "Tanggal"),
    ("3673021513909001", "Tanggal"), ("3673023002909001", "bukan tanggal"),
    ("3673025507900000", "0000"),
])
def test_structural_errors(nik, reason):
    with pytest.raises(InvalidNik, match=reason):
        parse_nik(nik, today=TODAY)


def test_women_have_day_plus_40_and_feb_29_picks_a_real_century():
    assert parse_nik("3673026902009001", today=TODAY).birth_date == date(2000, 2, 29)
    info = parse_nik("3673022902969001", today=TODAY)  # 29-02-96: only 1996 exists
    assert (info.birth_date, info.gender) == (date(1996, 2, 29), "L")


def test_mismatch_gives_warnings_not_errors():
    info = parse_nik("3673025507909001", today=TODAY)
    warnings = nik_mismatch_warnings(info, date(1990, 7, 16), "L")
    assert len(warnings) == 2


def test_fake_nik_is_always_valid():
    import random
    rng = random.Random(1)
    for _ in range(200):
        parse_nik(fake_nik(rng))


def test_clean_nik_keeps_zeros():
    assert clean_nik("3673.01.010190.0001") == "3673010101900001"


SAME = "+6281234567890"


@pytest.mark.parametrize("typed", [
    "0812-3456-7890", "0812 3456 7890", "081234567890", "+62 812-3456-7890", "+6281234567890",
    "6281234567890", "62 812 3456 7890", "(+62) 812-3456-7890", "+62 0812-3456-7890", "812-3456-7890",
    "0812.3456.7890", " 0812-3456-7890 ",
])
def test_phone_formats_normalise_to_the_same_e164(typed):
    assert normalize_phone(typed) == SAME


@pytest.mark.parametrize("typed", ["0254-123456", "(0254) 200123", "+62 254 200123", "021-5551234"])
def test_landlines_are_rejected(typed):
    with pytest.raises(InvalidPhone):
        normalize_phone(typed)


@pytest.mark.parametrize("typed", ["", "   ", "abc", "0812-abc", "+1 202 555 0100", "08123", "0812345678901234",
                                   "\x00", "０８１２３４５６７８９０"])
def test_bad_phones_raise_invalid_phone(typed):
    with pytest.raises(InvalidPhone):
        normalize_phone(typed)


@settings(deadline=None)  # the machine may be busy; speed is not under test
@given(st.integers(0, 99_999_999), st.sampled_from(["812", "813", "857", "878", "896"]))
def test_any_fake_mobile_round_trips_through_local_format(n, prefix):
    e164 = f"+62{prefix}{n:08d}"
    local = "0" + e164[3:]
    assert normalize_phone(local) == e164
    assert normalize_phone(f"{local[:4]}-{local[4:8]}-{local[8:]}") == e164


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_random_text_never_raises_anything_but_invalid_phone(text):
    try:
        result = normalize_phone(text)
    except InvalidPhone:
        return
    assert result.startswith("+628")


def test_fake_phone_is_valid():
    import random
    rng = random.Random(3)
    for _ in range(50):
        p = fake_phone(rng)
        assert normalize_phone(p) == p


def test_email_is_normalised_and_checked():
    assert normalize_email(" Siti@Contoh.ID ") == "siti@contoh.id"
    for bad in ["", "siti", "siti@", "@contoh.id", "siti @contoh.id", "siti@contoh..id"]:
        with pytest.raises(InvalidEmail):
            normalize_email(bad)
