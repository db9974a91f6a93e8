"""Instructors manage a course's media library; signed-in readers fetch the images."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from modules.media.body_charts import add_body_charts
from modules.media.errors import MediaError
from modules.media.forms import MediaUploadForm
from modules.media.models import MediaAsset
from modules.media.services import (
    MEDIA_NAME,
    add_asset,
    assets_for_course,
    delete_asset,
    file_path,
    may_read,
    usage_listing,
)
from modules.models import Course
from training.auth.decorators import login_required_any, role_required
from training.extensions import db
from training.forms import ActionForm

bp = Blueprint("media", __name__)

AUTHORS = ("instructor",)
#: a year: the URL is the content's hash, so a file behind a URL never changes
CACHE_SECONDS = 365 * 24 * 3600
#: an SVG opened on its own runs nothing and loads nothing
SVG_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
MIMETYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "svg": "image/svg+xml"}


def _library_page(course: Course, form: MediaUploadForm, status: int = 200):
    assets = assets_for_course(course.id)
    return render_template(
        "media/library.html", course=course, assets=assets, uses=usage_listing(course.id), form=form,
        action=ActionForm(),
    ), status


@bp.route("/author/courses/<int:course_id>/media", methods=["GET", "POST"])
@role_required(*AUTHORS)
def library(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = MediaUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            asset = add_asset(course.id, upload.read(), upload.filename or "", current_user)
        except MediaError as err:
            db.session.rollback()
            form.file.errors.append(f"Nothing was stored. {err}")
        else:
            db.session.commit()
            flash(f"“{asset.name}” is in the library. Insert it in a lesson with the line shown.", "success")
            return redirect(url_for("media.library", course_id=course.id), 303)
    return _library_page(course, form, 400 if form.errors else 200)


@bp.route("/author/courses/<int:course_id>/media/body-charts", methods=["POST"])
@role_required(*AUTHORS)
def body_charts(course_id: int):
    course = db.get_or_404(Course, course_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    added = add_body_charts(course.id, current_user)
    db.session.commit()
    flash(f"The {len(added)} body charts are in the library.", "success")
    return redirect(url_for("media.library", course_id=course.id), 303)


@bp.route("/author/media/<int:asset_id>/delete", methods=["POST"])
@role_required(*AUTHORS)
def remove(asset_id: int):
    asset = db.get_or_404(MediaAsset, asset_id)
    course_id = asset.course_id
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        leftover = delete_asset(asset, current_user)
    except MediaError as err:
        db.session.rollback()
        flash(str(err), "danger")
        return redirect(url_for("media.library", course_id=course_id), 303)
    db.session.commit()
    if leftover is not None:
        leftover.unlink(missing_ok=True)
    flash("Image deleted.", "success")
    return redirect(url_for("media.library", course_id=course_id), 303)


@bp.route("/media/<name>")
@login_required_any
def serve(name: str):
    """The stored file, to instructors and to trainees of a course whose library holds it."""
    match = MEDIA_NAME.fullmatch(name)
    if match is None:
        abort(404)
    sha = match.group(1)
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.sha256 == sha).limit(1))
    if asset is None or asset.filename != name or not may_read(current_user, sha):
        abort(404)
    path = file_path(sha, name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=MIMETYPES[asset.kind], max_age=CACHE_SECONDS, etag=sha,
                         conditional=True, download_name=asset.name if asset.kind != "svg" else name)
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}, immutable"
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if asset.kind == "svg":
        response.headers["Content-Security-Policy"] = SVG_CSP
    return response
