"""Public verification of certificates, with no login, and the published signing key.

A lookup changes nothing, so the form is a GET that redirects to ``/verify/<code>``. Both
pages share one rate limit (``VERIFY_LIMIT``) per address, so codes cannot be guessed in bulk
(there are 2^100 of them anyway), and a wrong or malformed code only ever says "not found".
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from training.auth.decorators import public
from training.certificates.documents import verify_code
from training.certificates.forms import VerifyForm
from training.certificates.keys import signing_key
from training.certificates.snapshot import normalize_code
from training.extensions import limiter

bp = Blueprint("verify", __name__)

KEY_PATH = "/.well-known/certificate-signing-key.pem"


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT"]


@bp.route("/verify")
@limiter.shared_limit(_verify_limit, scope="verify")
@public
def lookup():
    form = VerifyForm(request.args)
    if "code" in request.args:
        code = normalize_code(request.args.get("code", ""))
        if code is not None:
            return redirect(url_for("verify.certificate", code=code))
        form.code.errors = ["That is not a verification code. It has 20 letters and digits, "
                            "e.g. 7KQ2-M9XD-0A4F-RT8B-ZZ3C."]
        return render_template("certificates/verify_form.html", form=form), 400
    return render_template("certificates/verify_form.html", form=form)


@bp.route("/verify/<code>")
@limiter.shared_limit(_verify_limit, scope="verify")
@public
def certificate(code: str):
    canonical = normalize_code(code)
    if canonical is not None and canonical != code:  # typed in lower case or without dashes
        return redirect(url_for("verify.certificate", code=canonical), 301)
    result = verify_code(code)
    status = 404 if result.state in ("not_found", "malformed") else 200
    return render_template(
        "certificates/verify.html", result=result, form=VerifyForm(formdata=None),
        fingerprint=signing_key().fingerprint if result.certificate is not None else "",
    ), status


@bp.route(KEY_PATH)
@limiter.exempt
@public
def public_key():
    """The Ed25519 public key that checks every certificate's signature (PEM)."""
    key = signing_key()
    return Response(key.public_pem, mimetype="application/x-pem-file", headers={
        "Cache-Control": "public, max-age=3600",
        "X-Key-Fingerprint": key.fingerprint,
    })
