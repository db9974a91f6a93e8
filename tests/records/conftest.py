"""Factories for the auditors' tests: courses, certificates (with snapshots), API tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from itertools import count

import pytest

from modules.models import Course
from training.auth.roles import Profession
from training.certificates.models import Certificate
from training.certificates.snapshot import (
    CertificateSnapshot,
    credit_fields,
    format_issued_at,
    new_serial,
    new_verification_code,
)
from training.database import utcnow
from training.records.tokens import create_token

_serials = count(1)
_courses = count(1)


@pytest.fixture
def make_course(db):
    def make(code: str | None = None, **fields) -> Course:
        n = next(_courses)
        values = {
            "code": code or f"DN-{100 + n}",
            "slug": f"course-{n}",
            "title": f"Dry Needling {n}",
            "provider": "Northfield Institute",
            "approval_number": f"TPTA-{n:04d}",
            "contact_hours": Decimal("9.5"),
            "practical_hours": Decimal("18"),
        }
        values.update(fields)
        course = Course(**values)
        db.session.add(course)
        db.session.commit()
        return course

    return make


@pytest.fixture
def make_certificate(db):
    """A certificate for ``user`` and ``course``; snapshot fields can be overridden."""

    def make(
        user,
        course,
        *,
        issued_at: datetime | None = None,
        completion_date=None,
        is_current: bool = True,
        **snapshot_overrides: str,
    ) -> Certificate:
        issued_at = (issued_at or utcnow()).replace(microsecond=0)
        serial = new_serial(issued_at.year, next(_serials))
        first, _, last = user.name.partition(" ")
        data = {
            "serial": serial,
            "verification_code": new_verification_code(),
            "trainee_name": user.name,
            "trainee_first_name": first,
            "trainee_last_name": last,
            "profession": Profession(user.profession).label if user.profession else "",
            "license_number": user.license_number or "",
            "license_state": user.license_state or "",
            "course_code": course.code,
            "course_title": course.title,
            "provider": course.provider,
            "approval_number": course.approval_number,
            **credit_fields(course.contact_hours, course.practical_hours),
            "completion_date": (completion_date or issued_at.date()).isoformat(),
            "issued_at": format_issued_at(issued_at.replace(tzinfo=UTC)),
            "supersedes": "",
        }
        data.update(snapshot_overrides)
        snapshot = CertificateSnapshot.from_dict(data)
        certificate = Certificate(
            serial=serial,
            verification_code=snapshot.verification_code,
            user_id=user.id,
            course_id=course.id,
            snapshot=snapshot.to_dict(),
            signature="test-signature",
            key_fingerprint="test",
            completion_date=completion_date or issued_at.date(),
            issued_at=issued_at,
            is_current=is_current,
            profession=snapshot.profession,
            license_state=snapshot.license_state,
        )
        db.session.add(certificate)
        db.session.commit()
        return certificate

    return make


@pytest.fixture
def revoke(db):
    def do(certificate: Certificate, reason: str = "Issued in error", at: datetime | None = None):
        certificate.revoked_at = (at or utcnow()).replace(microsecond=0)
        certificate.revocation_reason = reason
        db.session.commit()
        return certificate

    return do


@pytest.fixture
def reissue(db, make_certificate):
    """Replace ``old`` by a new certificate for the same trainee and course (a re-issue)."""

    def do(old: Certificate, **kwargs) -> Certificate:
        old.is_current = False
        db.session.commit()
        new = make_certificate(old.user, old.course, supersedes=old.serial, **kwargs)
        old.superseded_by_id = new.id
        new.supersedes_id = old.id
        db.session.commit()
        return new

    return do


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", name="Helen Osei")


@pytest.fixture
def bearer(db):
    """``Authorization`` headers carrying a fresh token of ``user``."""

    def make(user) -> dict[str, str]:
        _, raw = create_token(user, "test tool")
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return make
