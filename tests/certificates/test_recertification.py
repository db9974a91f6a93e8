"""Recertification: a refresher course or CE hours within the cycle renew a certificate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import certificates_of, enrol, finish_online, make_course, sign_off
from training.audit.models import AuditEntry
from training.certificates.documents import integrity
from training.certificates.expiry import add_months
from training.certificates.models import CertificateStatus, RecertificationRule
from training.certificates.recertification import renewal_paths
from training.extensions import db

DASHBOARD = "/dashboard"


@pytest.fixture
def main_course(app):
    return make_course(title="Dry Needling Level 1")


@pytest.fixture
def holder(make_user, instructor, main_course):
    return make_user("trainee", name="Dana Whitfield")


def complete(user, course, instructor=None):
    enrol(user, course)
    finish_online(user, course)
    if course.requires_signoff:
        sign_off(instructor, user, course)


def test_a_refresher_course_within_the_cycle_renews(client, login, holder, instructor, main_course):
    refresher = make_course(requires_signoff=False, contact_hours="6", title="Refresher")
    db.session.add(RecertificationRule(course_id=main_course.id, validity_months=24,
                                       refresher_course_id=refresher.id))
    db.session.commit()
    complete(holder, main_course, instructor)
    [first] = certificates_of(holder, main_course)
    login(holder)
    dashboard = client.get(DASHBOARD).get_data(as_text=True)
    assert "Renew your certificates" in dashboard and refresher.code in dashboard

    complete(holder, refresher)
    db.session.expire_all()
    old, new = certificates_of(holder, main_course)
    assert old.id == first.id and old.status == CertificateStatus.SUPERSEDED
    assert old.superseded_by_id == new.id and new.status == CertificateStatus.VALID
    assert new.snapshot["renews"] == old.serial and new.snapshot["supersedes"] == ""
    assert new.expires_on == add_months(old.expires_on + timedelta(days=1), 24) - timedelta(days=1)
    assert new.snapshot["online_hours"] == "6" and new.snapshot["practical_hours"] == "0"
    assert integrity(new).ok and integrity(old).ok
    assert [e.action for e in new.events] == ["renewed"]
    assert [e.action for e in old.events] == ["issued", "superseded"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.renewed"))
    assert entry.details["renews"] == old.serial
    page = client.get(f"/verify/{old.verification_code}").get_data(as_text=True)
    assert "Superseded" in page and new.serial in page
    # the new cycle starts after the old one ended: the same refresher does not renew again
    assert renewal_paths(holder)[0].cycle_start == old.expires_on + timedelta(days=1)
    assert not renewal_paths(holder)[0].met


def test_ce_hours_in_the_listed_courses_renew(holder, instructor, main_course):
    first_ce = make_course(requires_signoff=False, contact_hours="4", title="Neck")
    second_ce = make_course(requires_signoff=False, contact_hours="4", title="Shoulder")
    unlisted = make_course(requires_signoff=False, contact_hours="40", title="Unlisted")
    db.session.add(RecertificationRule(course_id=main_course.id, validity_months=12, ce_hours=8,
                                       ce_course_codes=[first_ce.code, second_ce.code]))
    db.session.commit()
    complete(holder, main_course, instructor)
    complete(holder, unlisted)
    complete(holder, first_ce)
    [path] = renewal_paths(holder)
    assert path.ce_earned == 4 and not path.met
    assert len(certificates_of(holder, main_course)) == 1
    complete(holder, second_ce)
    db.session.expire_all()
    old, new = certificates_of(holder, main_course)
    assert new.snapshot["renews"] == old.serial
    assert new.snapshot["online_hours"] == "8"


def test_evidence_before_the_cycle_does_not_count(holder, instructor, main_course):
    refresher = make_course(requires_signoff=False, contact_hours="6")
    db.session.add(RecertificationRule(course_id=main_course.id, validity_months=24,
                                       refresher_course_id=refresher.id))
    db.session.commit()
    complete(holder, refresher)
    [done] = certificates_of(holder, refresher)
    done.completion_date = done.completion_date - timedelta(days=30)
    db.session.commit()
    complete(holder, main_course, instructor)
    assert len(certificates_of(holder, main_course)) == 1
    assert renewal_paths(holder)[0].refresher_done is None


def test_admin_sets_the_rule_with_clear_errors(client, login, make_user, main_course):
    other = make_course(title="Refresher")
    login(make_user("admin"))
    url = f"/admin/certificates/rules/{main_course.id}"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"validity_months": "24", "refresher_course_id": "0",
                                 "ce_hours": "10", "ce_course_codes": "NOPE-1"})
    assert bad.status_code == 400 and b"No course has the code NOPE-1." in bad.data
    bad = client.post(url, data={"validity_months": "0", "refresher_course_id": "0"})
    assert bad.status_code == 400
    assert db.session.get(RecertificationRule, main_course.id) is None
    ok = client.post(url, data={"validity_months": "24", "refresher_course_id": str(other.id),
                                "ce_hours": "", "ce_course_codes": ""})
    assert ok.status_code == 302
    rule = db.session.get(RecertificationRule, main_course.id)
    assert (rule.validity_months, rule.refresher_course_id) == (24, other.id)
    login(make_user("instructor"))
    assert client.post(url, data={"validity_months": "1"}).status_code == 403
