"""Auditor pages: CE records, exports, trainee records, the audit log and API tokens.

Read-only apart from what auditors own (their API tokens) and what reading leaves behind
(an audit entry per export). Downloads are POSTs so they carry a CSRF token and cannot be
triggered by another site or a prefetching browser, each one being an audited event.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from quizzes.results import attempt_seconds
from training.audit import chain_head, format_head
from training.audit.chain import parse_head
from training.audit.services import verify_stored_chain
from training.auth.decorators import role_required
from training.auth.forms import PROFESSION_CHOICES
from training.auth.models import User
from training.confirm import Confirmation, confirm_page
from training.extensions import db
from training.forms import ActionForm
from training.progress.services import STATUS_LABELS
from training.records import audit_log as log_service
from training.records import tokens as token_service
from training.records.exports import prepare_certificate_export, stream_response
from training.records.filters import (
    DEFAULT_SORT,
    MAX_ID,
    PAGE_SIZES,
    STATUSES,
    CertificateFilter,
    Listing,
    QueryError,
    parse_export_request,
    parse_page_request,
)
from training.records.forms import (
    AuditExportForm,
    ExportForm,
    TokenForm,
    VerifyForm,
)
from training.records.practical import practical_record, prepare_practical_export
from training.records.services import course_choices, records_page
from training.records.subjects import subject_labels
from training.records.trainees import parse_search_request, search_trainees, trainee_record

bp = Blueprint("records", __name__, url_prefix="/records")

auditor_only = role_required("auditor")


@bp.route("/certificates")
@auditor_only
def certificates():
    try:
        flt, listing = parse_page_request(request.args)
    except QueryError as err:
        return _certificates_page(CertificateFilter(), Listing(), None, err.errors), 400
    return _certificates_page(flt, listing, records_page(flt, listing), {})


def _certificates_page(flt: CertificateFilter, listing: Listing, page, errors: dict[str, str]):
    return render_template(
        "records/certificates.html",
        flt=flt, listing=listing, page=page, errors=errors, values=request.args,
        courses=course_choices(), professions=PROFESSION_CHOICES, statuses=STATUSES,
        page_sizes=PAGE_SIZES, default_sort=DEFAULT_SORT, export_form=ExportForm(),
    )


@bp.route("/certificates/export", methods=["POST"])
@auditor_only
def export_certificates():
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400, "Choose CSV or JSON Lines for the download.")
    try:
        flt, listing = parse_export_request(request.args)
    except QueryError as err:
        abort(400, f"The export was not made: {err.message}")
    export = prepare_certificate_export(flt, listing, form.format.data)
    db.session.commit()  # the audit entry is on record before the first byte leaves
    return stream_response(export)


@bp.route("/trainees")
@auditor_only
def trainees():
    try:
        query, page_number = parse_search_request(request.args)
    except QueryError as err:
        return render_template("records/trainees.html", page=None, query="", errors=err.errors), 400
    page = search_trainees(query, page_number)
    return render_template("records/trainees.html", page=page, query=query, errors={})


@bp.route(f"/trainees/<int(max={MAX_ID}):user_id>")
@auditor_only
def trainee(user_id: int):
    user = db.get_or_404(User, user_id)
    return render_template("records/trainee.html", record=trainee_record(user),
                           practical=practical_record(user.id), export_form=ActionForm(),
                           labels=STATUS_LABELS, attempt_seconds=attempt_seconds)


@bp.route(f"/trainees/<int(max={MAX_ID}):user_id>/practical.csv", methods=["POST"])
@auditor_only
def export_practical(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    filename, lines = prepare_practical_export(user, current_user._get_current_object())
    db.session.commit()
    body = "".join(lines).encode("utf-8")
    return body, 200, {"Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
                       "Content-Disposition": f'attachment; filename="{filename}"'}


@bp.route("/audit")
@auditor_only
def audit_log():
    try:
        flt, page_number = log_service.parse_audit_request(request.args)
    except QueryError as err:
        return _audit_page(log_service.AuditFilter(), None, err.errors), 400
    return _audit_page(flt, log_service.audit_page(flt, page_number), {})


def _audit_page(flt, page, errors: dict[str, str], verify_form=None, result=None):
    return render_template(
        "records/audit_log.html",
        flt=flt, page=page, errors=errors, values=request.args,
        labels=subject_labels(e.subject for e in page.items) if page is not None else {},
        actions=log_service.action_choices(),
        head=format_head(chain_head()), export_form=AuditExportForm(),
        verify_form=verify_form or VerifyForm(formdata=None), result=result,
    )


@bp.route("/audit/export", methods=["POST"])
@auditor_only
def export_audit_log():
    if not AuditExportForm().validate_on_submit():
        abort(400)
    try:
        flt = log_service.parse_audit_export_request(request.args)
    except QueryError as err:
        abort(400, f"The export was not made: {err.message}")
    export = log_service.prepare_audit_export(flt)
    db.session.commit()
    return stream_response(export)


@bp.route("/audit/verify", methods=["POST"])
@auditor_only
def verify_audit_log():
    """Walk the whole chain on demand; a POST because it is expensive, not because it writes."""
    form = VerifyForm()
    if not form.validate_on_submit():
        return _audit_page(log_service.AuditFilter(), None, {}, verify_form=form), 400
    anchor = parse_head(form.head.data) if form.head.data else None
    problem = verify_stored_chain(anchor)
    everything = log_service.AuditFilter()
    page = log_service.audit_page(everything, 1)
    return _audit_page(everything, page, {}, verify_form=form, result=problem or "intact")


@bp.route("/tokens", methods=["GET", "POST"], endpoint="tokens")
@auditor_only
def tokens_page():
    """List the auditor's own tokens; a POST creates one and shows it this once."""
    form = TokenForm()
    new_token = None
    status = 200
    if form.validate_on_submit():
        _, new_token = token_service.create_token(current_user, form.name.data)
        db.session.commit()
        status = 201
    elif form.is_submitted():
        status = 400
    return render_template(
        "records/tokens.html",
        form=form if new_token is None else TokenForm(formdata=None),
        new_token=new_token,
        tokens=token_service.tokens_of(current_user),
        revoke_form=ActionForm(),
    ), status


@bp.route(f"/tokens/<int(max={MAX_ID}):token_id>/revoke/confirm")
@auditor_only
def confirm_revoke_token(token_id: int):
    token = next((t for t in token_service.tokens_of(current_user) if t.id == token_id and not t.revoked_at), None)
    if token is None:
        abort(404)
    return confirm_page(Confirmation(
        heading=f"Revoke the API token “{token.name}”?",
        consequences=[f"Every tool using the token that starts with {token.prefix}… is refused from now on.",
                      "A revoked token cannot be used again; create a new one if a tool still needs access."],
        button="Revoke token", action_url=url_for("records.revoke_token", token_id=token.id),
        cancel_url=url_for("records.tokens"),
    ), ActionForm())


@bp.route(f"/tokens/<int(max={MAX_ID}):token_id>/revoke", methods=["POST"])
@auditor_only
def revoke_token(token_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    token = token_service.revoke_token(current_user, token_id)
    if token is None:
        abort(404)
    db.session.commit()
    flash(f"Token “{token.name}” ({token.prefix}…) is revoked; tools using it are refused.",
          "success")
    return redirect(url_for("records.tokens"))
