"""Open Badges 3.0 on the web: credentials, the issuer profile, achievements, status lists.

All public and read-only. A credential is addressed by the certificate's unguessable
verification code, like its verification page, and says nothing more than that page does.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import select

from modules.models import Course
from training.auth.decorators import public
from training.certificates.documents import find_by_code, integrity
from training.certificates.openbadges import issuer_profile, signed_credential, status_list_credential
from training.certificates.status_list import list_exists
from training.extensions import db, limiter

bp = Blueprint("openbadges", __name__, url_prefix="/openbadges")

CREDENTIAL_TYPE = "application/vc+ld+json"


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT"]


def _json(document: dict, *, cache: str, filename: str | None = None):
    response = jsonify(document)
    response.headers["Cache-Control"] = cache
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/credentials/<code>.json")
@limiter.shared_limit(_verify_limit, scope="verify")
@public
def credential(code: str):
    """The certificate as a signed OpenBadgeCredential; ``?download=1`` saves it as a file."""
    certificate = find_by_code(code)
    if certificate is None or certificate.verification_code != code:
        abort(404)
    if not integrity(certificate).ok:
        abort(409, description="This certificate's record failed its integrity check.")
    filename = f"{certificate.serial}.openbadge.json" if request.args.get("download") else None
    response = _json(signed_credential(certificate), cache="public, max-age=300", filename=filename)
    response.headers["Link"] = f'<{request.base_url}>; rel="canonical"'
    return response


@bp.route("/issuer")
@limiter.exempt
@public
def issuer():
    """The provider's issuer profile with every key it ever signed with."""
    return _json(issuer_profile(), cache="public, max-age=300")


@bp.route("/achievements/<course_code>")
@limiter.exempt
@public
def achievement(course_code: str):
    """What a course's badge stands for (the ``achievement`` of its credentials)."""
    course = db.session.scalar(select(Course).where(Course.code == course_code[:40]))
    if course is None:
        abort(404)
    return _json({"id": request.base_url, "type": ["Achievement"], "name": course.title,
                  "humanCode": course.code, "achievementType": "Certificate",
                  "description": course.summary or course.title}, cache="public, max-age=3600")


@bp.route("/status-lists/<purpose>/<int:list_number>")
@limiter.exempt
@public
def status_list(purpose: str, list_number: int):
    """A signed BitstringStatusListCredential; unknown lists are 404."""
    if not list_exists(purpose, list_number):
        abort(404)
    return _json(status_list_credential(purpose, list_number), cache="public, max-age=60")
