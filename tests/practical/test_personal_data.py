"""A person's practical records are in their data download and go with an erasure (outside a hold)."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import enrolled_trainees, make_lab_course, make_workshop
from training.extensions import db
from training.personal_data.erasure import erase_account
from training.personal_data.export import collect_personal_data
from training.practical.models import Seat
from training.practical.seats import register


def test_download_and_erasure_cover_the_practical(app, make_user):
    course = make_lab_course()
    workshop = make_workshop(course, [make_user("instructor")])
    trainee, = enrolled_trainees(make_user, course, 1)
    register(trainee, workshop.id)
    db.session.commit()
    data = collect_personal_data(trainee)
    assert [r["kind"] for r in data["practical"]] == ["booking"]
    report = erase_account(trainee, requested_by=make_user("admin"))
    db.session.commit()
    assert report.erased["workshop_seats"] == 1
    assert db.session.scalar(select(Seat)) is None
