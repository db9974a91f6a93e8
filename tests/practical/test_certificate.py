"""The certificate freezes in-person hours from attendance and the list of competent skills."""

from __future__ import annotations

from tests.factories import attend_and_assess, certificates_of, enrol, ensure_rubric, finish_online, make_course
from training.certificates.snapshot import CertificateSnapshot


def test_hours_and_competent_skills_are_frozen(app, make_user):
    course = make_course(practical_hours="12", contact_hours="10",
                         signoff_checklist=["Clean needle technique", "Safe patient positioning"])
    trainee, instructor = make_user("trainee"), make_user("instructor")
    enrol(trainee, course)
    finish_online(trainee, course)
    attend_and_assess(instructor, trainee, course, hours="8")
    assert certificates_of(trainee) == []  # 8 of 12 hours: not yet
    attend_and_assess(instructor, trainee, course, hours="13.5")  # 5.5 more hours on a second lab
    [certificate] = certificates_of(trainee)
    snap = certificate.snapshot
    assert snap["practical_hours"] == "12"  # 13.5 attended, capped at the approved 12
    assert snap["practical_skills"] == "Clean needle technique; Safe patient positioning"
    assert [s.title for s in ensure_rubric(course)] == snap["practical_skills"].split("; ")


def test_snapshots_from_before_the_rubric_still_read_and_sign_the_same(app):
    fields = {
        "serial": "DN-2026-000001", "verification_code": "ABCD-EFGH-JKMN", "trainee_name": "Dana Whitfield",
        "trainee_first_name": "Dana", "trainee_last_name": "Whitfield", "profession": "Physical therapist",
        "license_number": "PT-1", "license_state": "TX", "course_code": "DN-101", "course_title": "Level 1",
        "provider": "NIMT", "approval_number": "A-1", "online_hours": "9.5", "practical_hours": "27",
        "total_hours": "36.5", "ceus": "3.6", "completion_date": "2026-01-10", "issued_at": "2026-01-10T10:00:00Z",
        "supersedes": "",
    }
    from training.certificates.snapshot import new_verification_code

    fields["verification_code"] = new_verification_code()
    snapshot = CertificateSnapshot.from_dict(fields)
    assert snapshot.to_dict() == fields  # an old certificate's signed bytes are unchanged
