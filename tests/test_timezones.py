"""Times are stored in UTC and shown in the reader's zone; templates never format a time themselves."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_login import login_user, logout_user

from training.timezones import is_known_zone, localdate, localtime, reader_today, zone_choices

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_times_show_in_the_readers_zone(app, make_user):
    denver = make_user(time_zone="America/Denver")
    miami = make_user(time_zone="America/New_York")
    winter = datetime(2026, 1, 15, 16, 30)  # stored UTC
    with app.test_request_context():
        login_user(denver)
        assert localtime(winter) == "15 Jan 2026, 09:30 MST"
        assert localdate(datetime(2026, 1, 16, 3, 0)) == "15 Jan 2026"  # still the 15th in Denver
        login_user(miami)
        assert localtime(datetime(2026, 7, 1, 16, 30)) == "1 Jul 2026, 12:30 EDT"
    with app.test_request_context():  # a visitor reads UTC, and says so
        logout_user()
        assert localtime(winter) == "15 Jan 2026, 16:30 UTC"
        assert localdate(date(2026, 3, 1)) == "1 Mar 2026"
        assert localtime(None) == ""


def test_page_shows_the_readers_zone(client, make_user, login, db):
    from training.records.tokens import create_token

    auditor = make_user("auditor", time_zone="America/Denver")
    create_token(auditor, "Board export")
    db.session.commit()
    login(auditor)
    page = client.get("/records/tokens").get_data(as_text=True)
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d M[SD]T", page)


def test_no_template_formats_a_stored_time_itself():
    """Timestamps (``*_at``) go through the filters; calendar dates (a workshop day) have no zone."""
    offenders = [
        str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
        if re.search(r"_at\.(strftime\(|date\(\))", path.read_text())
    ]
    assert offenders == []


def test_zone_choices_are_real_iana_zones():
    names = [name for name, _ in zone_choices()]
    assert names[0] == "America/New_York" and "America/Denver" in names and len(names) == len(set(names))
    assert is_known_zone("Europe/Dublin") and not is_known_zone("Mars/Olympus")


def test_today_is_the_readers_calendar_day(app, make_user):
    """At every instant one of these two zones is on another calendar day than UTC."""
    utc_today = datetime.now(UTC).date()
    seen = []
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11
        with app.test_request_context():
            login_user(make_user(time_zone=zone))
            seen.append(reader_today())
            assert seen[-1] == datetime.now(ZoneInfo(zone)).date()
    assert any(day != utc_today for day in seen)
