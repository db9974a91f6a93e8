"""Public verification of certificates, with no login, and the published signing keys.

A lookup changes nothing, so the form is a GET that redirects to ``/verify/<code>``. Every
verification page shares one rate limit (``VERIFY_LIMIT``) per address, so codes cannot be
guessed in bulk (there are 2^100 of them anyway), and a wrong or malformed code only ever says
"not found". Checking an uploaded PDF has its own, tighter limit and a size bound.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from training.auth.decorators import public
from training.certificates.documents import possible_notes, verification_url, verify_code
from training.certificates.forms import CheckPdfForm, VerifyForm
from training.certificates.keyring import published_keys
from training.certificates.keys import signing_key
from training.certificates.pdf_check import PdfRefused, check_pdf
from training.certificates.snapshot import normalize_code
from training.certificates.verification import HOURS, PRINTED_FIELDS, describe, linkedin_url
from training.extensions import limiter

bp = Blueprint("verify", __name__)

KEY_PATH = "/.well-known/certificate-signing-key.pem"
KEYS_PATH = "/.well-known/certificate-signing-keys.json"


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT"]


def _upload_limit() -> str:
    return current_app.config["VERIFY_UPLOAD_LIMIT"]


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
        return render_template("certificates/verify_form.html", form=form,
                               pdf_form=CheckPdfForm()), 400
    return render_template("certificates/verify_form.html", form=form, pdf_form=CheckPdfForm())


def _lookup(code: str):
    result = verify_code(code)
    return result, (404 if result.state in ("not_found", "malformed") else 200)


@bp.route("/verify/<code>")
@limiter.shared_limit(_verify_limit, scope="verify")
@public
def certificate(code: str):
    canonical = normalize_code(code)
    if canonical is not None and canonical != code:  # typed in lower case or without dashes
        return redirect(url_for("verify.certificate", code=canonical), 301)
    result, status = _lookup(code)
    view = describe(result)
    return render_template(
        "certificates/verify.html", result=result, view=view, form=VerifyForm(formdata=None),
        printed_fields=PRINTED_FIELDS, hours=HOURS,
        linkedin=linkedin_url(result.certificate) if result.snapshot else "",
    ), status


@bp.route("/verify/<code>.json")
@limiter.shared_limit(_verify_limit, scope="verify")
@public
def certificate_json(code: str):
    """The verification page's twin for machines: the same facts as JSON."""
    result, status = _lookup(code)
    response = jsonify(describe(result))
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.route("/verify/check-pdf", methods=["GET", "POST"])
@limiter.limit(_upload_limit, methods=["POST"], scope="verify-upload")
@public
def check_pdf_upload():
    """Check a PDF someone was given: signed record and printed page (never stored)."""
    form = CheckPdfForm()
    result, status = None, 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                data = form.pdf.data.stream.read(current_app.config["VERIFY_UPLOAD_MAX_BYTES"] + 1)
                result = check_pdf(data, max_bytes=current_app.config["VERIFY_UPLOAD_MAX_BYTES"],
                                   notes=possible_notes, verify_url=verification_url)
                status = 200
            except PdfRefused as err:
                form.pdf.errors = [str(err)]
            finally:
                form.pdf.data.stream.close()
    current = verify_code(result.snapshot["verification_code"]) if result and result.ok else None
    return render_template("certificates/check_pdf.html", form=form, result=result,
                           current=current), status


@bp.route(KEY_PATH)
@limiter.exempt
@public
def public_key():
    """The Ed25519 public key in force, which checks every new certificate's signature (PEM)."""
    key = signing_key()
    return Response(key.public_pem, mimetype="application/x-pem-file", headers={
        "Cache-Control": "public, max-age=3600",
        "X-Key-Fingerprint": key.fingerprint,
    })


@bp.route(KEYS_PATH)
@limiter.exempt
@public
def published_keys_json():
    """Every key that ever signed certificates, with the period it signed in (key rotation)."""
    keys = [{"fingerprint": k.fingerprint, "public_key_pem": k.public_pem,
             "valid_from": k.valid_from.isoformat() + "Z",
             "valid_until": k.valid_until.isoformat() + "Z" if k.valid_until else None,
             "active": k.active} for k in published_keys()]
    response = jsonify({"algorithm": "Ed25519", "keys": keys})
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
