"""A module quiz of hotspot questions on the shipped back chart."""

from __future__ import annotations

from modules.media.body_charts import add_body_chart
from modules.models import Course, Enrolment, Lesson, LessonCompletion, Module
from modules.services import save_revision
from quizzes.models import Question, Quiz
from quizzes.questions import add_question
from quizzes.spec import QuestionSpec, QuestionType, ZoneSpec

#: the back chart is 240 x 480: a height/width aspect of 2
TRAPEZIUS = ZoneSpec(1, "Upper trapezius", 1.0, "circle", cx=40, cy=20, r=5)
PLEURA = ZoneSpec(2, "Lung apex", -0.5, "polygon", points=[[60, 18], [70, 18], [70, 26], [60, 26]])


def hotspot_spec(image: str, aspect: float, **changes) -> QuestionSpec:
    values = dict(
        qtype=QuestionType.HOTSPOT, prompt="Mark the upper trapezius trigger point.", title="Trapezius",
        image=image, aspect=aspect, max_marks=2, zones=[TRAPEZIUS, PLEURA], general_feedback="Mid-way along.",
    )
    values.update(changes)
    return QuestionSpec(**values)


def hotspot_course(db, app, tmp_path, **quiz):
    app.config["MEDIA_ROOT"] = str(tmp_path / "media")
    course = Course(code="HOT", slug="hot", title="Hotspot course", provider="P", published=True)
    module = Module(position=1, slug="m1", title="Module one", objectives=["Find trigger points"])
    course.modules = [module]
    lesson = Lesson(position=1, slug="l1", title="Lesson", minutes=5)
    module.lessons = [lesson]
    db.session.add(course)
    db.session.flush()
    save_revision(lesson, "Lesson", "Body")
    chart = add_body_chart(course.id, "back")
    question = add_question(module.id, hotspot_spec(chart.filename, chart.height / chart.width))
    settings = {"title": "Hotspot quiz", "pass_mark": 50, "grading_method": "highest", "shuffle_questions": False,
                "shuffle_choices": False, "review_policy": "after_attempt"}
    settings.update(quiz)
    db.session.add(Quiz(module_id=module.id, **settings))
    db.session.commit()
    return course, module, question, chart


def enrol(db, user, course) -> None:
    """Enrol ``user`` and complete the lessons, so that the module quiz is open."""
    db.session.add(Enrolment(user_id=user.id, course_id=course.id))
    for module in course.modules:
        for lesson in module.lessons:
            db.session.add(LessonCompletion(user_id=user.id, lesson_id=lesson.id))
    db.session.commit()


__all__ = ["Question", "hotspot_course", "hotspot_spec", "enrol"]
