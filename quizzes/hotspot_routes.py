"""Instructors: export and import a pool's hotspot questions as their documented JSON form."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from modules.models import Module
from quizzes.forms import GiftUploadForm
from quizzes.hotspot_exchange import HotspotImportError, export_hotspots, read_hotspot_specs
from quizzes.hotspot_json import MAX_FILE_BYTES
from quizzes.models import Quiz
from quizzes.question_form import TYPE_LABELS
from quizzes.questions import QuestionError, add_question, pool_questions, record_import
from training.auth.decorators import role_required
from training.extensions import db
from training.forms import ActionForm

bp = Blueprint("hotspot_exchange", __name__, url_prefix="/author/quizzes")


@bp.route("/modules/<int:module_id>/hotspots.json")
@role_required("instructor")
def export(module_id: int):
    module = db.get_or_404(Module, module_id)
    return Response(export_hotspots(module), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{module.slug}-hotspots.json"'})


@bp.route("/modules/<int:module_id>/hotspots", methods=["POST"])
@role_required("instructor")
def import_json(module_id: int):
    module = db.get_or_404(Module, module_id)
    form = GiftUploadForm()
    if not form.validate_on_submit():
        flash(" ".join(form.file.errors) or "Choose a file to import.", "danger")
        return redirect(url_for("quiz_authoring.pool", module_id=module.id), 303)
    raw = form.file.data.read(MAX_FILE_BYTES + 1)
    try:
        if len(raw) > MAX_FILE_BYTES or b"\x00" in raw:
            raise HotspotImportError("the file is not a JSON text file of at most 1 MiB")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise HotspotImportError("the file is not UTF-8 text") from err
        added = [add_question(module.id, spec) for spec in read_hotspot_specs(module, text, current_user)]
        record_import(module.id, "hotspot-json", added)
    except (HotspotImportError, QuestionError) as err:
        db.session.rollback()
        flash(f"Nothing was imported: {err}.", "danger")
        return render_template(
            "quizzes/authoring/pool.html", module=module, questions=pool_questions(module.id, True),
            quiz=db.session.scalar(select(Quiz).where(Quiz.module_id == module.id)), upload=GiftUploadForm(),
            action=ActionForm(), type_labels=TYPE_LABELS,
        ), 400
    db.session.commit()
    flash(f"Imported {len(added)} hotspot questions.", "success")
    return redirect(url_for("quiz_authoring.pool", module_id=module.id), 303)
