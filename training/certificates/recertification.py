"""Recertification: renewing a certificate within its cycle, by a refresher course or CE hours.

A course's :class:`RecertificationRule` names the paths: completing its shorter refresher
course, or earning ``ce_hours`` CE hours in the listed courses, with the evidence (those
courses' certificates, not revoked) completed within the current cycle. When a path is met,
a new certificate is issued for the course, linked to the previous cycle (``renews``); its
cycle continues from the previous expiry, so renewing early never shortens the holder's time.
The evidence of one cycle cannot renew the next: a renewed cycle starts the day after the
previous one ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from training.audit import record_event
from training.certificates.expiry import add_months
from training.certificates.models import Certificate, CertificateStatus, RecertificationRule
from training.certificates.services import replace_certificate
from training.certificates.signals import certificate_issued
from training.database import utcnow
from training.errors import RuleViolation
from training.extensions import db


@dataclass
class RenewalPath:
    """Where a holder stands on renewing one certificate (what the dashboard shows)."""

    certificate: Certificate
    rule: RecertificationRule
    cycle_start: date
    refresher_done: Certificate | None = None
    ce_earned: Decimal = Decimal(0)
    counted: list[Certificate] = field(default_factory=list)

    @property
    def cycle_end(self) -> date:
        return self.certificate.expires_on

    @property
    def days_left(self) -> int:
        return (self.cycle_end - utcnow().date()).days

    @property
    def ce_met(self) -> bool:
        return self.rule.ce_hours is not None and self.ce_earned >= self.rule.ce_hours

    @property
    def met(self) -> bool:
        return self.refresher_done is not None or self.ce_met

    @property
    def evidence(self) -> list[Certificate]:
        return [self.refresher_done] if self.refresher_done is not None else self.counted


def _cycle_start(certificate: Certificate, previous: dict[int, Certificate]) -> date:
    before = previous.get(certificate.supersedes_id) if certificate.snapshot.get("renews") else None
    if before is not None and before.expires_on is not None:
        return before.expires_on + timedelta(days=1)
    return certificate.completion_date


def renewal_paths(user) -> list[RenewalPath]:
    """The renewal path of each live, expiring certificate of ``user`` (three queries)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    rows = db.session.execute(
        select(Certificate, RecertificationRule)
        .join(RecertificationRule, RecertificationRule.course_id == Certificate.course_id)
        .where(Certificate.user_id == user.id, Certificate.is_current.is_(True),
               Certificate.expires_on.is_not(None),
               Certificate.status.in_([CertificateStatus.VALID, CertificateStatus.EXPIRED]))
        .options(joinedload(Certificate.course),
                 joinedload(RecertificationRule.refresher_course))
        .order_by(Certificate.expires_on)
    ).all()
    if not rows:
        return []
    held = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id, Certificate.revoked_at.is_(None))
    ).all()
    by_id = {c.id: c for c in held}
    paths = []
    for certificate, rule in rows:
        path = RenewalPath(certificate, rule, _cycle_start(certificate, by_id))
        codes = set(rule.ce_course_codes or [])
        for other in held:
            if other.id == certificate.id or not (path.cycle_start <= other.completion_date
                                                  <= path.cycle_end):
                continue
            if rule.refresher_course_id and other.course_id == rule.refresher_course_id:
                path.refresher_done = path.refresher_done or other
            if other.snapshot.get("course_code") in codes and other.course_id != certificate.course_id:
                path.counted.append(other)
                path.ce_earned += Decimal(other.snapshot["total_hours"])
        paths.append(path)
    return paths


def renew_where_due(user) -> list[Certificate]:
    """Issue the renewals whose path is now met; returns the new certificates."""
    renewed = []
    for path in renewal_paths(user):
        if not path.met:
            continue
        old = path.certificate
        evidence = path.evidence
        online = sum((Decimal(c.snapshot["online_hours"]) for c in evidence), Decimal(0))
        practical = sum((Decimal(c.snapshot["practical_hours"]) for c in evidence), Decimal(0))
        next_end = add_months(old.expires_on + timedelta(days=1), path.rule.validity_months)
        how = (f"refresher course {path.refresher_done.snapshot['course_code']}"
               if path.refresher_done is not None else f"{path.ce_earned} CE hours")
        new = replace_certificate(
            old, f"renewed by {how}", None,
            completion_date=max(c.completion_date for c in evidence),
            issued_at=utcnow().replace(microsecond=0), renews=old,
            hours=(online, practical), expires_on=next_end - timedelta(days=1),
        )
        if new is None:
            continue
        record_event("certificate.renewed", f"certificate:{new.serial}",
                     {"renews": old.serial, "by": how, "user_id": user.id,
                      "evidence": [c.serial for c in evidence]})
        renewed.append(new)
    db.session.flush()
    for new in renewed:
        certificate_issued.send(new)
    return renewed


def set_rule(course, *, validity_months: int | None, refresher_course_id: int | None,
             ce_hours: int | None, ce_course_codes: list[str], by) -> RecertificationRule | None:
    """Create, change or (no validity) remove a course's rule, with an audit entry of the diff.

    Raises ValueError (with the field) for a refresher that is the course itself, CE hours
    without courses or courses without hours, or a path without a validity period.
    """
    from modules.models import Course

    if refresher_course_id == course.id:
        raise RuleError("refresher_course_id", "A course cannot be its own refresher.")
    if bool(ce_hours) != bool(ce_course_codes):
        raise RuleError("ce_course_codes" if ce_hours else "ce_hours",
                        "Give both the CE hours and the courses whose hours count.")
    known = set(db.session.scalars(select(Course.code).where(Course.code.in_(ce_course_codes))))
    if unknown := [code for code in ce_course_codes if code not in known]:
        raise RuleError("ce_course_codes", f"No course has the code {', '.join(unknown)}.")
    rule = db.session.get(RecertificationRule, course.id)
    before = ({"validity_months": rule.validity_months, "refresher_course_id": rule.refresher_course_id,
               "ce_hours": rule.ce_hours, "ce_course_codes": list(rule.ce_course_codes or [])}
              if rule else None)
    if validity_months is None:
        if refresher_course_id or ce_hours:
            raise RuleError("validity_months", "A renewal path needs a validity period.")
        if rule is not None:
            db.session.delete(rule)
        after = None
    else:
        rule = rule or RecertificationRule(course_id=course.id)
        rule.validity_months, rule.refresher_course_id = validity_months, refresher_course_id
        rule.ce_hours, rule.ce_course_codes = ce_hours, ce_course_codes
        db.session.add(rule)
        after = {"validity_months": validity_months, "refresher_course_id": refresher_course_id,
                 "ce_hours": ce_hours, "ce_course_codes": ce_course_codes}
    record_event("certificate.recertification_rule_changed", f"course:{course.code}",
                 {"before": before, "after": after}, actor=by)
    db.session.flush()
    return rule if after else None


class RuleError(RuleViolation):
    """A recertification rule that cannot hold; ``field`` names the form field concerned."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message, field_name)
