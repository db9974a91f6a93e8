"""Instructors: create, edit, reorder, publish courses, modules and lessons; lesson history.

Every refused change is rolled back, re-shows the form with the message next to the field,
and answers 400, so nothing is half-saved and the instructor sees why.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.forms import CourseForm, LessonForm, ModuleForm, MoveForm, lines
from modules.models import Course, Lesson, LessonRevision, Module, objective_pairs
from modules.rendering import render_markdown
from modules.seat_time import DEFAULT_SEAT_TIME_PERCENT
from modules.services import (
    ContentError,
    delete_lesson,
    delete_module,
    objective_lines,
    parse_objective_lines,
    place,
    save_course,
    save_lesson,
    save_module,
    set_course_published,
)
from training.auth.decorators import role_required
from training.confirm import Confirmation, confirm_page
from training.extensions import db
from training.forms import ActionForm, show_error

bp = Blueprint("authoring", __name__, url_prefix="/author")

AUTHORS = ("instructor",)


def _refuse(form, err: ContentError) -> None:
    """Undo the attempt and put the message next to its field (or on top of the page)."""
    db.session.rollback()
    if err.field and hasattr(form, err.field):
        show_error(form, err)
    else:  # not every authoring page shows errors above its form
        flash(str(err), "danger")


def _status(form) -> int:
    return 400 if form.errors else 200


def _course_tree(course_id: int) -> Course:
    return db.one_or_404(
        select(Course).where(Course.id == course_id)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    )


def _course_page(course: Course, form: CourseForm | None = None, move_error=None, status=200):
    if form is None:
        form = CourseForm(obj=course, formdata=None)
        fill_lists(form, course)
    return render_template(
        "authoring/course.html", course=course, form=form, action=ActionForm(), move=MoveForm(),
        move_error=move_error,
    ), status


@bp.route("/")
@role_required(*AUTHORS)
def index():
    courses = db.session.scalars(select(Course).order_by(Course.title)).all()
    return render_template("authoring/index.html", courses=courses)


def fill_lists(form: CourseForm, course: Course) -> None:
    """Show the course's lists one item per line (obj= alone would show a Python list)."""
    form.signoff_checklist.data = "\n".join(course.signoff_checklist or [])
    form.prerequisites.data = "\n".join(course.prerequisites or [])


def _course_values(form: CourseForm) -> dict:
    return {
        "code": form.code.data.strip().upper(),
        "slug": form.slug.data,
        "title": form.title.data,
        "summary": form.summary.data or "",
        "provider": form.provider.data,
        "approval_number": form.approval_number.data or "",
        "practical_hours": form.practical_hours.data,
        "requires_signoff": form.requires_signoff.data,
        "seat_time_percent": (DEFAULT_SEAT_TIME_PERCENT if form.seat_time_percent.data is None
                              else form.seat_time_percent.data),
        "signoff_checklist": lines(form.signoff_checklist.data),
        "prerequisites": lines(form.prerequisites.data),
    }


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_course():
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = save_course(Course(published=False), _course_values(form))
            db.session.commit()
        except ContentError as err:
            _refuse(form, err)
        else:
            flash("Course created as a draft.", "success")
            return redirect(url_for("authoring.course", course_id=course.id))
    return render_template("authoring/course_form.html", form=form, course=None), _status(form)


@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def course(course_id: int):
    course = _course_tree(course_id)
    form = CourseForm(obj=course)
    if not form.is_submitted():
        fill_lists(form, course)
    if form.validate_on_submit():
        try:
            save_course(course, _course_values(form))
            db.session.commit()
        except ContentError as err:
            _refuse(form, err)
            course = _course_tree(course_id)
        else:
            flash("Course saved.", "success")
            return redirect(url_for("authoring.course", course_id=course.id))
    return _course_page(course, form, status=_status(form))


@bp.route("/courses/<int:course_id>/publish", methods=["POST"])
@role_required(*AUTHORS)
def publish_course(course_id: int):
    return _set_published(_course_tree(course_id), True)


@bp.route("/courses/<int:course_id>/unpublish", methods=["POST"])
@role_required(*AUTHORS)
def unpublish_course(course_id: int):
    return _set_published(_course_tree(course_id), False)


def _set_published(course: Course, published: bool):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        set_course_published(course, published)
    except ContentError as err:
        db.session.rollback()
        flash(str(err), "danger")
        return redirect(url_for("authoring.course", course_id=course.id))
    db.session.commit()
    flash("Course published." if published else "Course unpublished: trainees no longer see it.",
          "success")
    return redirect(url_for("authoring.course", course_id=course.id))


@bp.route("/courses/<int:course_id>/modules/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_module(course_id: int):
    course = db.get_or_404(Course, course_id)
    return _edit_module(ModuleForm(), course, None)


@bp.route("/modules/<int:module_id>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def module(module_id: int):
    module = db.get_or_404(Module, module_id)
    form = ModuleForm(obj=module)
    if not form.is_submitted() or "objectives" not in request.form:  # ids are kept only through their lines
        form.objectives.data = objective_lines(module)
    return _edit_module(form, module.course, module)


def _edit_module(form: ModuleForm, course: Course, module: Module | None):
    if form.validate_on_submit():
        try:
            ids, texts = parse_objective_lines(lines(form.objectives.data))
            saved = save_module(
                course, module or Module(), title=form.title.data, slug=form.slug.data,
                objectives=texts, objective_ids=ids, intro=form.intro.data or "",
                published=form.published.data,
            )
            db.session.commit()
        except ContentError as err:
            _refuse(form, err)
        else:
            flash("Module saved." if module else "Module added.", "success")
            return redirect(url_for("authoring.course", course_id=saved.course_id))
    return render_template(
        "authoring/module_form.html", form=form, course=course, module=module
    ), _status(form)


@bp.route("/modules/<int:module_id>/move", methods=["POST"])
@role_required(*AUTHORS)
def move_module(module_id: int):
    module = db.get_or_404(Module, module_id)
    return _move(module, "module", module.course_id)


@bp.route("/lessons/<int:lesson_id>/move", methods=["POST"])
@role_required(*AUTHORS)
def move_lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    return _move(lesson, "lesson", lesson.module.course_id)


def _move(item: Module | Lesson, kind: str, course_id: int):
    """Reorder; a bad position re-shows the course page with the message beside that item."""
    form = MoveForm()
    siblings = item.course.modules if kind == "module" else item.module.lessons
    try:
        if not form.validate_on_submit():
            raise ContentError(" ".join(form.position.errors) or "Give a position.", "position")
        place(siblings, item, form.position.data)
    except ContentError as err:
        db.session.rollback()
        error = {"kind": kind, "id": item.id, "message": str(err)}
        return _course_page(_course_tree(course_id), move_error=error, status=400)
    db.session.commit()
    flash(f"{kind.title()} moved to position {form.position.data}.", "success")
    return redirect(url_for("authoring.course", course_id=course_id))


@bp.route("/modules/<int:module_id>/delete", methods=["POST"])
@role_required(*AUTHORS)
def remove_module(module_id: int):
    module = db.get_or_404(Module, module_id)
    return _remove(module, module.course_id, delete_module)


@bp.route("/lessons/<int:lesson_id>/delete", methods=["POST"])
@role_required(*AUTHORS)
def remove_lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    return _remove(lesson, lesson.module.course_id, delete_lesson)


@bp.route("/modules/<int:module_id>/delete/confirm")
@role_required(*AUTHORS)
def confirm_remove_module(module_id: int):
    module = db.get_or_404(Module, module_id)
    return confirm_page(Confirmation(
        heading=f"Delete module “{module.title}”?",
        consequences=[f"The module and its {len(module.lessons)} lesson(s), with every revision, are deleted for good.",
                      "Its quiz and question pool go with it; the modules after it move up one place.",
                      "A module in which trainees have completed lessons cannot be deleted: unpublish it instead."],
        button="Delete module", action_url=url_for("authoring.remove_module", module_id=module.id),
        cancel_url=url_for("authoring.course", course_id=module.course_id),
    ), ActionForm())


@bp.route("/lessons/<int:lesson_id>/delete/confirm")
@role_required(*AUTHORS)
def confirm_remove_lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    return confirm_page(Confirmation(
        heading=f"Delete lesson “{lesson.title}”?",
        consequences=["The lesson and every revision of it are deleted for good; the lessons after it move up.",
                      "The course's contact hours are recomputed without its minutes.",
                      "A lesson that trainees have completed cannot be deleted: unpublish it instead."],
        button="Delete lesson", action_url=url_for("authoring.remove_lesson", lesson_id=lesson.id),
        cancel_url=url_for("authoring.course", course_id=lesson.module.course_id),
    ), ActionForm())


def _remove(item: Module | Lesson, course_id: int, delete) -> object:
    if not ActionForm().validate_on_submit():
        abort(400)
    title = item.title
    try:
        delete(item)
    except ContentError as err:
        db.session.rollback()
        flash(str(err), "danger")
    else:
        db.session.commit()
        flash(f"Deleted “{title}”.", "success")
    return redirect(url_for("authoring.course", course_id=course_id))


@bp.route("/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_lesson(module_id: int):
    module = db.get_or_404(Module, module_id)
    return _edit_lesson(LessonForm(), module, None)


@bp.route("/lessons/<int:lesson_id>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    body = lesson.current_revision.body if lesson.current_revision else ""
    return _edit_lesson(LessonForm(obj=lesson, body=body), lesson.module, lesson)


def _edit_lesson(form: LessonForm, module: Module, lesson: Lesson | None):
    form.objectives.choices = [(key, f"{key}: {text}") for key, text in objective_pairs(module)]
    preview = None
    if form.is_submitted() and form.preview.data:
        # a preview changes nothing, so it must work while the title or slug is unfinished
        preview = render_markdown(form.body.data or "")
    elif form.validate_on_submit():
        try:
            saved = lesson or Lesson()
            save_lesson(
                module, saved, title=form.title.data, body=form.body.data, author=current_user,
                slug=form.slug.data, minutes=form.minutes.data, published=form.published.data,
                objectives=list(form.objectives.data or []),
            )
            db.session.commit()
        except ContentError as err:
            _refuse(form, err)
        else:
            flash("Lesson saved.", "success")
            return redirect(url_for("authoring.lesson", lesson_id=saved.id))
    return render_template(
        "authoring/lesson_form.html", form=form, module=module, lesson=lesson, preview=preview
    ), _status(form)


@bp.route("/lessons/<int:lesson_id>/revisions")
@role_required(*AUTHORS)
def revisions(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    return render_template("authoring/revisions.html", lesson=lesson)


@bp.route("/lessons/<int:lesson_id>/revisions/<int:number>")
@role_required(*AUTHORS)
def revision(lesson_id: int, number: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    revision = db.one_or_404(
        select(LessonRevision)
        .where(LessonRevision.lesson_id == lesson.id, LessonRevision.number == number)
    )
    return render_template("authoring/revision.html", lesson=lesson, revision=revision)
