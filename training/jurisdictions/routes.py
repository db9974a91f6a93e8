"""Where may I practise? Trainees see their own evaluation; instructors and auditors see any trainee's.

Pages only read (evaluations are computed, never stored by a GET); an evidence pack, which
freezes and signs an evaluation, is created by a POST.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from training.auth.decorators import public, role_required
from training.auth.models import User, UserRole
from training.extensions import db, limiter
from training.forms import ActionForm
from training.jurisdictions.evaluator import OUTCOME_LABELS
from training.jurisdictions.evidence import gather_evidence
from training.jurisdictions.models import EvidencePack, Jurisdiction
from training.jurisdictions.packs import create_pack, record_json, verify_pack_code
from training.jurisdictions.services import (
    all_jurisdictions,
    evaluate_everywhere,
    find_jurisdiction,
    rule_in_effect,
    verdict_for,
)
from training.timezones import reader_today
from training.urls import public_url

bp = Blueprint("jurisdictions", __name__, url_prefix="/practise")
verify_bp = Blueprint("pack_verify", __name__)

STAFF = ("instructor", "auditor")


def _jurisdiction_or_404(code: str) -> Jurisdiction:
    jurisdiction = db.session.scalar(select(Jurisdiction).where(Jurisdiction.code == code.upper())) \
        if len(code) == 2 else None
    if jurisdiction is None:
        abort(404)
    return jurisdiction


def _trainee_or_404(user_id: int) -> User:
    user = db.session.scalar(select(User).join(UserRole, UserRole.user_id == User.id)
                             .where(User.id == user_id, UserRole.role == "trainee"))
    if user is None:
        abort(404)
    return user


def _overview(user: User, *, own: bool):
    if "state" in request.args:
        chosen = find_jurisdiction(request.args.get("state", ""))
        if chosen is None:
            abort(404)
        target = ("jurisdictions.mine_detail", {"code": chosen.code}) if own else \
            ("jurisdictions.trainee_detail", {"user_id": user.id, "code": chosen.code})
        return redirect(url_for(target[0], **target[1]))
    today = reader_today()
    evidence, verdicts = evaluate_everywhere(user, today)
    home = find_jurisdiction(user.license_state)
    first = next((v for v in verdicts if home is not None and v.jurisdiction.id == home.id), None)
    return render_template("jurisdictions/overview.html", trainee=user, own=own, evidence=evidence, today=today,
                           home=first, verdicts=[v for v in verdicts if v is not first], labels=OUTCOME_LABELS,
                           jurisdictions=all_jurisdictions())


def _detail(user: User, code: str, *, own: bool):
    jurisdiction = _jurisdiction_or_404(code)
    today = reader_today()
    evidence = gather_evidence(user)
    verdict = verdict_for(jurisdiction, rule_in_effect(jurisdiction, user.profession, today), evidence, today)
    packs = db.session.scalars(select(EvidencePack).where(
        EvidencePack.user_id == user.id, EvidencePack.jurisdiction_code == jurisdiction.code,
    ).order_by(EvidencePack.created_at.desc(), EvidencePack.id.desc()).limit(20)).all()
    return render_template("jurisdictions/detail.html", trainee=user, own=own, verdict=verdict, evidence=evidence,
                           labels=OUTCOME_LABELS, packs=packs, form=ActionForm())


def _make_pack(user: User, code: str):
    jurisdiction = _jurisdiction_or_404(code)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    today = reader_today()
    evidence = gather_evidence(user)
    verdict = verdict_for(jurisdiction, rule_in_effect(jurisdiction, user.profession, today), evidence, today)
    pack = create_pack(user, verdict, evidence, by=current_user._get_current_object())
    db.session.commit()
    return redirect(url_for("jurisdictions.pack", pack_id=pack.id))


@bp.route("")
@role_required("trainee")
def mine():
    return _overview(current_user, own=True)


@bp.route("/<code>")
@role_required("trainee")
def mine_detail(code: str):
    return _detail(current_user, code, own=True)


@bp.route("/<code>/evidence-pack", methods=["POST"])
@role_required("trainee")
def mine_pack(code: str):
    return _make_pack(current_user, code)


@bp.route("/trainees/<int:user_id>")
@role_required(*STAFF)
def trainee(user_id: int):
    return _overview(_trainee_or_404(user_id), own=False)


@bp.route("/trainees/<int:user_id>/<code>")
@role_required(*STAFF)
def trainee_detail(user_id: int, code: str):
    return _detail(_trainee_or_404(user_id), code, own=False)


@bp.route("/trainees/<int:user_id>/<code>/evidence-pack", methods=["POST"])
@role_required(*STAFF)
def trainee_pack(user_id: int, code: str):
    return _make_pack(_trainee_or_404(user_id), code)


def _pack_or_404(pack_id: int) -> EvidencePack:
    pack = db.session.get(EvidencePack, pack_id)
    if pack is None or (not current_user.has_role(*STAFF) and pack.user_id != current_user.id):
        abort(404)
    return pack


@bp.route("/packs/<int:pack_id>")
@role_required("trainee", *STAFF)
def pack(pack_id: int):
    pack = _pack_or_404(pack_id)
    return render_template("jurisdictions/pack.html", pack=pack, payload=pack.payload, labels=OUTCOME_LABELS)


@bp.route("/packs/<int:pack_id>/evidence-pack.json")
@role_required("trainee", *STAFF)
def pack_json(pack_id: int):
    pack = _pack_or_404(pack_id)
    return Response(record_json(pack), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="evidence-pack-{pack.verification_code}.json"'})


@bp.route("/packs/<int:pack_id>/evidence-pack.pdf")
@role_required("trainee", *STAFF)
def pack_pdf(pack_id: int):
    from training.jurisdictions.pack_pdf import render_pack_pdf

    pack = _pack_or_404(pack_id)
    body = render_pack_pdf(pack.payload, public_url("pack_verify.verify_pack", code=pack.verification_code),
                           record_json(pack))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="evidence-pack-{pack.verification_code}.pdf"'})


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT"]


@verify_bp.route("/evidence/<code>")
@limiter.shared_limit(_verify_limit, scope="verify")
@public
def verify_pack(code: str):
    result = verify_pack_code(code)
    status = 404 if result.state in ("not_found", "malformed") else 200
    return render_template("jurisdictions/pack_verify.html", result=result, labels=OUTCOME_LABELS), status
