"""helpers/formats.py: Indonesian numbers, percentages, dates, times, months and file sizes from
Babel, and the pages that show them."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from helpers import formats
from timeutil import utcnow

# 14.05 UTC is 21.05 WIB.
EVENING = datetime(2026, 11, 28, 14, 5)


def test_numbers_use_a_dot_between_thousands_and_a_decimal_comma():
    assert formats.format_number(1234567) == "1.234.567"
    assert formats.format_number(81.26, 1) == "81,3"
    assert formats.format_number(None) == "-"


def test_percentages_take_points_and_print_a_decimal_comma():
    assert formats.format_percent(81.0) == "81,0%"
    assert formats.format_percent(33.3333, 0) == "33%"
    assert formats.format_percent(None) == "-"


def test_stored_utc_times_print_in_wib_with_one_time_format():
    assert formats.format_time(EVENING) == "21.05 WIB"
    assert formats.format_datetime(EVENING) == "Sabtu, 28 November 2026 21.05 WIB"
    assert formats.format_datetime(EVENING, "short") == "28/11/2026 21.05 WIB"
    assert formats.format_time_range(EVENING, datetime(2026, 11, 28, 16, 0)) == "21.05–23.00 WIB"
    assert formats.format_wib(EVENING, "time") == "21.05 WIB"


def test_dates_use_indonesian_month_and_day_names():
    assert formats.format_date(date(2026, 1, 3)) == "3 Januari 2026"
    assert formats.format_date(date(2026, 8, 17), "full") == "Senin, 17 Agustus 2026"
    assert formats.format_date(datetime(2026, 12, 31, 18, 0)) == "1 Januari 2027"  # WIB date
    assert formats.format_month(2026, 2) == "Februari 2026"


def test_file_sizes_are_counted_in_1024_with_a_decimal_comma():
    assert formats.format_filesize(500) == "500 byte"
    assert formats.format_filesize(512 * 1024) == "512 kB"
    assert formats.format_filesize(1572864) == "1,5 MB"


def test_event_report_card_shows_rate_with_comma_and_scan_answer_time_in_wib(app, login_as, make_event):
    from tests.events.test_checkin_helpers import make_registration, scan

    client = login_as("panitia")
    event = make_event(starts_at=utcnow() + timedelta(hours=1))  # check-in window open now
    make_registration(app, event, name="Siti Aminah", instansi="PKK Kasemen")
    make_registration(app, event, name="Rina", instansi="Karang Taruna")
    _, token = make_registration(app, event, name="Dewi", instansi="Kampus")
    first = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(f"http://localhost/t/{token}"))
    again = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(f"http://localhost/t/{token}"))
    assert first.status_code == 201 and again.json["result"] == "already_checked_in"
    assert re.search(r"pada \d{2}/\d{2}/\d{4} \d{2}\.\d{2} WIB oleh", again.json["message"])
    html = client.get(f"/laporan/kegiatan/{event.id}").get_data(as_text=True)
    assert "(33,3%)" in html and "33.3" not in html
