"""Instructors: create, edit, reorder, publish courses, modules and lessons; lesson history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from modules.forms import ActionForm, CourseForm, LessonForm, ModuleForm, MoveForm, lines
from modules.models import Course, Lesson, LessonRevision, Module
from modules.rendering import render_markdown
from modules.services import (
    ContentError,
    add_lesson,
    add_module,
    check_course_slug,
    delete_lesson,
    delete_module,
    place,
    save_revision,
    update_contact_hours,
)
from training.auth.decorators import role_required
from training.extensions import db

bp = Blueprint("authoring", __name__, url_prefix="/author")

AUTHORS = ("instructor",)


def _fail(form, err: ContentError):
    db.session.rollback()
    field = getattr(form, err.field, None) if err.field else None
    if field is not None:
        field.errors.append(str(err))
    else:
        flash(str(err), "danger")


@bp.route("/")
@role_required(*AUTHORS)
def index():
    courses = db.session.scalars(select(Course).order_by(Course.title)).all()
    return render_template("authoring/index.html", courses=courses)


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_course():
    form = CourseForm()
    if form.validate_on_submit():
        course = Course()
        _apply_course_form(form, course)
        try:
            check_course_slug(course)
            db.session.add(course)
            db.session.commit()
        except ContentError as err:
            _fail(form, err)
        else:
            flash("Course created as a draft.", "success")
            return redirect(url_for("authoring.course", course_id=course.id))
    return render_template("authoring/course_form.html", form=form, course=None), 400 if form.errors else 200


@bp.route("/courses/<int:course_id>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def course(course_id: int):
    course = db.one_or_404(
        select(Course).where(Course.id == course_id)
        .options(selectinload(Course.modules).selectinload(Module.lessons))
    )
    form = CourseForm(obj=course, signoff_checklist="\n".join(course.signoff_checklist or []))
    if form.validate_on_submit():
        _apply_course_form(form, course)
        try:
            check_course_slug(course)
            db.session.commit()
        except ContentError as err:
            _fail(form, err)
        else:
            flash("Course saved.", "success")
            return redirect(url_for("authoring.course", course_id=course.id))
    return render_template(
        "authoring/course.html", course=course, form=form, action=ActionForm(), move=MoveForm()
    ), 400 if form.errors else 200


def _apply_course_form(form: CourseForm, course: Course) -> None:
    for name in ("code", "slug", "title", "summary", "provider", "approval_number",
                 "practical_hours", "requires_signoff"):
        setattr(course, name, getattr(form, name).data)
    course.code = course.code.strip().upper()
    course.signoff_checklist = lines(form.signoff_checklist.data)


@bp.route("/courses/<int:course_id>/publish", methods=["POST"])
@role_required(*AUTHORS)
def publish_course(course_id: int):
    return _set_published(db.get_or_404(Course, course_id), True)


@bp.route("/courses/<int:course_id>/unpublish", methods=["POST"])
@role_required(*AUTHORS)
def unpublish_course(course_id: int):
    return _set_published(db.get_or_404(Course, course_id), False)


def _set_published(course: Course, published: bool):
    if not ActionForm().validate_on_submit():
        abort(400)
    if published and not any(m.lessons for m in course.modules):
        flash("Add at least one module with a lesson before publishing.", "danger")
        return redirect(url_for("authoring.course", course_id=course.id)), 409
    course.published = published
    update_contact_hours(course)
    db.session.commit()
    flash("Course published." if published else "Course unpublished: trainees no longer see it.", "success")
    return redirect(url_for("authoring.course", course_id=course.id))


@bp.route("/courses/<int:course_id>/modules/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_module(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = ModuleForm()
    if form.validate_on_submit():
        module = Module(course_id=course.id, position=0)
        _apply_module_form(form, module)
        try:
            add_module(course, module)
            update_contact_hours(course)
            db.session.commit()
        except ContentError as err:
            _fail(form, err)
        else:
            flash("Module added.", "success")
            return redirect(url_for("authoring.course", course_id=course.id))
    return render_template("authoring/module_form.html", form=form, course=course, module=None), (
        400 if form.errors else 200
    )


@bp.route("/modules/<int:module_id>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def module(module_id: int):
    module = db.get_or_404(Module, module_id)
    form = ModuleForm(obj=module, objectives="\n".join(module.objectives or []))
    if form.validate_on_submit():
        _apply_module_form(form, module)
        try:
            add_module(module.course, module, module.position)  # re-checks the slug, keeps position
            update_contact_hours(module.course)
            db.session.commit()
        except ContentError as err:
            _fail(form, err)
        else:
            flash("Module saved.", "success")
            return redirect(url_for("authoring.course", course_id=module.course_id))
    return render_template("authoring/module_form.html", form=form, course=module.course, module=module), (
        400 if form.errors else 200
    )


def _apply_module_form(form: ModuleForm, module: Module) -> None:
    module.title = form.title.data
    module.slug = form.slug.data
    module.objectives = lines(form.objectives.data)
    module.intro = form.intro.data or ""
    module.published = form.published.data


@bp.route("/modules/<int:module_id>/move", methods=["POST"])
@role_required(*AUTHORS)
def move_module(module_id: int):
    module = db.get_or_404(Module, module_id)
    return _move(module, module.course.modules, module.course_id)


@bp.route("/lessons/<int:lesson_id>/move", methods=["POST"])
@role_required(*AUTHORS)
def move_lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    return _move(lesson, lesson.module.lessons, lesson.module.course_id)


def _move(item, siblings, course_id: int):
    form = MoveForm()
    if not form.validate_on_submit():
        flash("Give a position from 1 to the number of items.", "danger")
        return redirect(url_for("authoring.course", course_id=course_id)), 400
    try:
        place(siblings, item, form.position.data)
    except ContentError as err:
        db.session.rollback()
        flash(str(err), "danger")
        return redirect(url_for("authoring.course", course_id=course_id)), 400
    db.session.commit()
    return redirect(url_for("authoring.course", course_id=course_id))


@bp.route("/modules/<int:module_id>/delete", methods=["POST"])
@role_required(*AUTHORS)
def remove_module(module_id: int):
    module = db.get_or_404(Module, module_id)
    course = module.course
    if not ActionForm().validate_on_submit():
        abort(400)
    delete_module(module)
    update_contact_hours(course)
    db.session.commit()
    flash("Module deleted.", "success")
    return redirect(url_for("authoring.course", course_id=course.id))


@bp.route("/lessons/<int:lesson_id>/delete", methods=["POST"])
@role_required(*AUTHORS)
def remove_lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id)
    course = lesson.module.course
    if not ActionForm().validate_on_submit():
        abort(400)
    delete_lesson(lesson)
    update_contact_hours(course)
    db.session.commit()
    flash("Lesson deleted.", "success")
    return redirect(url_for("authoring.course", course_id=course.id))


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
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            target = lesson or Lesson(module_id=module.id, position=0)
            target.slug, target.minutes, target.published = form.slug.data, form.minutes.data, form.published.data
            try:
                add_lesson(module, target, target.position or None)
                save_revision(target, form.title.data, form.body.data, author=current_user)
                update_contact_hours(module.course)
                db.session.commit()
            except ContentError as err:
                _fail(form, err)
            else:
                flash("Lesson saved.", "success")
                return redirect(url_for("authoring.lesson", lesson_id=target.id))
    status = 400 if form.errors else 200
    return render_template(
        "authoring/lesson_form.html", form=form, module=module, lesson=lesson, preview=preview
    ), status


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
        select(LessonRevision).where(LessonRevision.lesson_id == lesson.id, LessonRevision.number == number)
    )
    return render_template("authoring/revision.html", lesson=lesson, revision=revision)
