"""Trainees' certificates, PDF downloads, and the admins' revoke and re-issue pages."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from training.auth.decorators import role_required
from training.auth.models import User
from training.certificates import corrections, services
from training.certificates.documents import (
    certificate_pdf,
    find_by_serial,
    integrity,
    pdf_filename,
    verification_url,
)
from training.certificates.forms import CorrectionForm, RecertificationForm, ReissueForm, RevokeForm
from training.certificates.models import Certificate, CertificateStatus
from training.certificates.verification import linkedin_url
from training.confirm import Confirmation, confirm_page
from training.database import paginate
from training.extensions import db
from training.forms import show_error

bp = Blueprint("certificates", __name__)

#: the trainee downloads their own; instructors and auditors any (see ``may_download``)
DOWNLOADERS = ("trainee", "instructor", "auditor")
STATUS_FILTERS = tuple(status.value for status in CertificateStatus)
#: admin corrections besides revoke and re-issue: url part -> (heading, button, service, offered when)
CORRECTIONS = {
    "reverse-revocation": ("Reverse the revocation (it was made in error)", "Reverse revocation",
                           corrections.reverse_revocation,
                           lambda c: c.revoked_at is not None and c.is_current),
    "issue-anew": ("Issue a new certificate (rules met again after re-assessment)",
                   "Issue new certificate", services.reissue_after_revocation,
                   lambda c: c.revoked_at is not None and c.is_current),
    "suspend": ("Suspend (temporary hold)", "Suspend certificate", corrections.suspend,
                lambda c: c.status in (CertificateStatus.VALID, CertificateStatus.EXPIRED)),
    "lift-suspension": ("Lift the suspension", "Lift suspension", corrections.lift_suspension,
                        lambda c: c.suspended_at is not None and c.revoked_at is None),
}
PAGE_SIZE = 50


@bp.route("/certificates")
@role_required("trainee")
def mine():
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.user_id == current_user.id)
        .options(joinedload(Certificate.superseded_by))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).all()
    return render_template("certificates/mine.html", certificates=certificates,
                           verification_url=verification_url, linkedin_url=linkedin_url)


def may_download(certificate: Certificate) -> bool:
    """The holder, or staff who review CE records (instructors and auditors)."""
    return current_user.has_role("instructor", "auditor") or certificate.user_id == current_user.id


@bp.route("/certificates/<serial>.pdf")
@role_required(*DOWNLOADERS)
def download(serial: str):
    certificate = find_by_serial(serial)
    # someone else's certificate looks exactly like one that does not exist
    if certificate is None or not may_download(certificate):
        abort(404)
    if not integrity(certificate).ok:
        abort(409, description="This certificate's record failed its integrity check. "
                               "Please contact the provider.")
    return Response(
        certificate_pdf(certificate), mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{pdf_filename(certificate)}"',
                 "Cache-Control": "private, no-store"},
    )


@bp.route("/admin/certificates")
@role_required("admin")
def admin_list():
    query = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    stmt = (
        select(Certificate).join(User, User.id == Certificate.user_id)
        .options(joinedload(Certificate.user), joinedload(Certificate.course))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(Certificate.serial.ilike(like), User.name.ilike(like),
                              User.email.ilike(like.lower())))
    if status in STATUS_FILTERS:
        stmt = stmt.where(Certificate.status == status)
    page = paginate(stmt, per_page=PAGE_SIZE)
    return render_template("certificates/admin_list.html", page=page, query=query,
                           status=status if status in STATUS_FILTERS else "",
                           statuses=STATUS_FILTERS)


def _admin_page(certificate: Certificate, revoke_form: RevokeForm, reissue_form: ReissueForm,
                status: int = 200, failed: tuple[str, CorrectionForm] | None = None):
    forms = {name: CorrectionForm(prefix=name, formdata=None) for name, spec in CORRECTIONS.items()
             if spec[3](certificate)}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "certificates/admin_detail.html", certificate=certificate, check=integrity(certificate),
        revoke_form=revoke_form, reissue_form=reissue_form, corrections=CORRECTIONS,
        correction_forms=forms, url=verification_url(certificate.verification_code),
    ), status


@bp.route("/admin/certificates/<int:certificate_id>")
@role_required("admin")
def admin_detail(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    return _admin_page(certificate, RevokeForm(prefix="revoke"), ReissueForm(prefix="reissue"))


def _revoke_confirmation(certificate: Certificate) -> Confirmation:
    return Confirmation(
        heading=f"Revoke certificate {certificate.serial}?",
        consequences=[
            f"The certificate of {certificate.user.name} stops being valid: its public verification page says "
            "revoked, with the reason you give.",
            "The certificate itself is not changed or deleted; the revocation and its reason are recorded in the "
            "audit log.",
            "A revocation cannot be undone; to correct a certificate, re-issue it instead.",
        ],
        button="Revoke certificate", action_url=url_for("certificates.revoke", certificate_id=certificate.id),
        cancel_url=url_for("certificates.admin_detail", certificate_id=certificate.id),
    )


@bp.route("/admin/certificates/<int:certificate_id>/revoke/confirm")
@role_required("admin")
def confirm_revoke(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    if certificate.revoked_at:
        return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))
    return confirm_page(_revoke_confirmation(certificate), RevokeForm(prefix="revoke"))


@bp.route("/admin/certificates/<int:certificate_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    form = RevokeForm(prefix="revoke")
    if form.validate_on_submit():
        try:
            services.revoke(certificate, form.reason.data, current_user._get_current_object())
        except services.CertificateError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            db.session.commit()
            flash(f"Certificate {certificate.serial} revoked.", "success")
            return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))
    return confirm_page(_revoke_confirmation(certificate), form, 400)


@bp.route("/admin/certificates/<int:certificate_id>/reissue", methods=["POST"])
@role_required("admin")
def reissue(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    form = ReissueForm(prefix="reissue")
    if form.validate_on_submit():
        try:
            admin = current_user._get_current_object()
            new = services.reissue(certificate, form.reason.data, admin)
        except services.CertificateError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            db.session.commit()
            flash(f"Certificate {certificate.serial} replaced by {new.serial}.", "success")
            return redirect(url_for("certificates.admin_detail", certificate_id=new.id))
    return _admin_page(certificate, RevokeForm(prefix="revoke"), form, 400)


@bp.route("/admin/certificates/<int:certificate_id>/<action>", methods=["POST"])
@role_required("admin")
def correct(certificate_id: int, action: str):
    """Reverse a revocation, issue anew after one, suspend, or lift a suspension."""
    if action not in CORRECTIONS:
        abort(404)
    certificate = db.get_or_404(Certificate, certificate_id)
    heading, _button, service, _offered = CORRECTIONS[action]
    form = CorrectionForm(prefix=action)
    if form.validate_on_submit():
        try:
            result = service(certificate, form.reason.data, current_user._get_current_object())
        except services.CertificateError as err:
            db.session.rollback()
            show_error(form, err)
        else:
            db.session.commit()
            flash(f"{certificate.serial}: {heading.split(' (')[0].lower()} done.", "success")
            target = result if isinstance(result, Certificate) else certificate
            return redirect(url_for("certificates.admin_detail", certificate_id=target.id))
    return _admin_page(certificate, RevokeForm(prefix="revoke"), ReissueForm(prefix="reissue"),
                       400, failed=(action, form))


@bp.route("/admin/certificates/rules/<int:course_id>", methods=["GET", "POST"])
@role_required("admin")
def recertification_rule(course_id: int):
    """A course's validity period and recertification path."""
    from modules.models import Course
    from training.certificates.models import RecertificationRule
    from training.certificates.recertification import RuleError, set_rule

    course = db.get_or_404(Course, course_id)
    rule = db.session.get(RecertificationRule, course.id)
    form = RecertificationForm(obj=rule if request.method == "GET" else None)
    form.refresher_course_id.choices = [(0, "No refresher course")] + [
        (c.id, f"{c.code} {c.title}") for c in db.session.scalars(
            select(Course).where(Course.id != course.id).order_by(Course.code))]
    if request.method == "GET" and rule is not None:
        form.refresher_course_id.data = rule.refresher_course_id or 0
        form.ce_course_codes.data = ", ".join(rule.ce_course_codes or [])
    status = 200
    if form.validate_on_submit():
        codes = [c.strip().upper() for c in (form.ce_course_codes.data or "").split(",") if c.strip()]
        try:
            set_rule(course, validity_months=form.validity_months.data,
                     refresher_course_id=form.refresher_course_id.data or None,
                     ce_hours=form.ce_hours.data, ce_course_codes=codes,
                     by=current_user._get_current_object())
        except RuleError as err:
            db.session.rollback()
            show_error(form, err)
            status = 400
        else:
            db.session.commit()
            flash(f"Recertification rule of {course.code} saved.", "success")
            return redirect(url_for("certificates.recertification_rule", course_id=course.id))
    elif request.method == "POST":
        status = 400
    return render_template("certificates/rule.html", form=form, course=course), status
