"""Trainees: catalogue, enrolment, reading in order, locks, drafts, progress."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from modules.models import Course, Enrolment, LessonCompletion
from modules.reading import load_course
from modules.signals import lesson_completed
from tests.factories import build_course, lessons_in, modules_in, record_completions
from training.extensions import db
from training.progress.engine import course_progress
from training.steps import Gate, StepKind, StepState, register_step_provider


def lesson_url(course, lesson) -> str:
    return f"/courses/{course.slug}/lessons/{lesson.id}"


def completions(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LessonCompletion).where(LessonCompletion.user_id == user_id)
    )


def test_catalogue_lists_published_courses_only(client, login, trainee):
    shown = build_course(title="Open Course")
    hidden = build_course(title="Draft Course", published=False)
    login(trainee)
    page = client.get("/courses/").get_data(as_text=True)
    assert "Open Course" in page and "Draft Course" not in page
    assert client.get(f"/courses/{hidden.slug}").status_code == 404
    assert client.get(f"/courses/{shown.slug}").status_code == 200


def test_draft_course_lessons_are_invisible_to_trainees_but_not_to_instructors(
    client, login, trainee, instructor
):
    course = build_course(published=False)
    first = lessons_in(course.id)[0]
    login(trainee)
    assert client.get(lesson_url(course, first)).status_code == 404
    assert client.post(f"/courses/{course.slug}/enrol").status_code == 404
    login(instructor)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "draft" in page
    assert client.get(lesson_url(course, first)).status_code == 200


def test_enrol_then_read_in_order(client, login, trainee):
    course = build_course((2, 1))
    first, second, third = lessons_in(course.id)
    login(trainee)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Enrol" in page and "Course progress" not in page

    response = client.post(f"/courses/{course.slug}/enrol")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1
    client.post(f"/courses/{course.slug}/enrol")  # a second click changes nothing
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1

    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert 'aria-label="Course progress" aria-valuenow="0"' in page
    assert 'aria-label="Progress in Module 1"' in page
    assert page.count(">locked</span>") == 2  # module 2 and its lesson
    assert f'href="{lesson_url(course, third)}"' not in page
    assert client.get(lesson_url(course, third)).status_code == 403

    lesson_page = client.get(lesson_url(course, first)).get_data(as_text=True)
    assert "Text of lesson 1.1." in lesson_page and "Mark as complete" in lesson_page
    assert f'href="{lesson_url(course, second)}"' in lesson_page  # next
    response = client.post(f"{lesson_url(course, first)}/complete")
    assert response.headers["Location"].endswith(lesson_url(course, second))
    done_page = client.get(lesson_url(course, first)).get_data(as_text=True)
    assert f'id="continue" href="{lesson_url(course, second)}">Continue: Lesson 1.2' in done_page
    response = client.post(f"{lesson_url(course, second)}/complete")
    # the engine's "Continue": module 1 has no quiz, so on to module 2
    assert response.headers["Location"].endswith(lesson_url(course, third))

    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert ">locked</span>" not in page
    assert 'aria-label="Course progress" aria-valuenow="67"' in page
    assert 'aria-label="Progress in Module 1" aria-valuenow="100"' in page
    lesson_page = client.get(lesson_url(course, third)).get_data(as_text=True)
    assert f'href="{lesson_url(course, second)}"' in lesson_page  # previous, across modules
    client.post(f"{lesson_url(course, third)}/complete")
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert 'aria-valuenow="100"' in page and "You have completed every step" in page


def test_locked_lesson_cannot_be_opened_or_completed_by_url(client, login, trainee):
    course = build_course((1, 1))
    first, locked = lessons_in(course.id)
    login(trainee)
    client.post(f"/courses/{course.slug}/enrol")
    response = client.get(lesson_url(course, locked))
    assert response.status_code == 403
    assert "locked until you complete the previous module" in response.get_data(as_text=True)
    assert client.post(f"{lesson_url(course, locked)}/complete").status_code == 403
    assert completions(trainee.id) == 0
    record_completions(trainee.id, [first])
    assert client.get(lesson_url(course, locked)).status_code == 200


def test_trainee_who_is_not_enrolled_cannot_read_or_complete_lessons(client, login, trainee):
    course = build_course((1,))
    [lesson] = lessons_in(course.id)
    login(trainee)
    response = client.get(lesson_url(course, lesson))
    assert response.status_code == 403
    assert "Enrol in the course" in response.get_data(as_text=True)
    assert client.post(f"{lesson_url(course, lesson)}/complete").status_code == 403
    assert completions(trainee.id) == 0


def test_lesson_of_another_course_is_not_found(client, login, trainee):
    course, other = build_course((1,)), build_course((1,))
    login(trainee)
    client.post(f"/courses/{course.slug}/enrol")
    assert client.get(lesson_url(course, lessons_in(other.id)[0])).status_code == 404


def test_completing_sends_the_signal_once(client, login, trainee, app):
    course = build_course((2,))
    first = lessons_in(course.id)[0]
    received = []

    def listener(sender, user):
        received.append((sender.id, user.id))

    lesson_completed.connect(listener)
    try:
        login(trainee)
        client.post(f"/courses/{course.slug}/enrol")
        client.post(f"{lesson_url(course, first)}/complete")
        client.post(f"{lesson_url(course, first)}/complete")
    finally:
        lesson_completed.disconnect(listener)
    assert received == [(first.id, trainee.id)]
    assert completions(trainee.id) == 1


def test_draft_module_and_lesson_are_hidden_and_do_not_block(client, login, trainee, instructor):
    course = build_course((1, 2, 1))
    first, second_a, second_b, third = lessons_in(course.id)
    module_2 = modules_in(course.id)[1]
    second_b.published = False
    module_2_id = module_2.id
    db.session.commit()
    login(trainee)
    client.post(f"/courses/{course.slug}/enrol")
    record_completions(trainee.id, [first, second_a])
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Lesson 2.2" not in page
    assert client.get(lesson_url(course, second_b)).status_code == 404
    assert client.get(lesson_url(course, third)).status_code == 200  # module 2 counts as done

    db.session.get(type(module_2), module_2_id).published = False
    db.session.commit()
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert f'id="module-{module_2_id}"' not in page and "Lesson 2.1" not in page
    assert client.get(lesson_url(course, second_a)).status_code == 404

    login(instructor)  # authors see drafts, marked as such, to check them before publishing
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert f'id="module-{module_2_id}"' in page and "Lesson 2.2" in page
    assert page.count(">draft</span>") == 2
    assert client.get(lesson_url(course, second_b)).status_code == 200


class StandInQuiz:
    """A step provider standing in for another layer's gate at the end of module 1."""

    kind = StepKind.QUIZ

    def __init__(self, module_id: int):
        self.module_id = module_id
        self.passed: set[int] = set()

    def load(self, course, user_ids):
        return set(self.passed) & set(user_ids)

    def steps(self, course, facts, user_id):
        return [StepState(key="stand-in", kind=StepKind.QUIZ, title="Module 1 quiz",
                          done=user_id in facts, module_id=self.module_id, position=99,
                          gate=Gate.MODULE_STEPS)]


def test_extra_steps_from_other_layers_gate_the_next_module(app, client, login, trainee):
    """A provider's step: lessons alone do not unlock the next module."""
    course = build_course((1, 1))
    first, second = lessons_in(course.id)
    provider = StandInQuiz(modules_in(course.id)[0].id)
    register_step_provider(app, provider)
    login(trainee)
    client.post(f"/courses/{course.slug}/enrol")
    record_completions(trainee.id, [first])
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Module 1 quiz" in page
    assert re.search(r'aria-label="Progress in Module 1" aria-valuenow="50"', page)
    assert client.get(lesson_url(course, second)).status_code == 403
    provider.passed.add(trainee.id)
    assert client.get(lesson_url(course, second)).status_code == 200


def test_progress_for_a_visitor_without_progress(app, trainee):
    course = build_course((1, 1))
    loaded = load_course(course.slug, include_drafts=False)
    progress = course_progress(loaded, trainee.id)
    assert [m.locked for m in progress.modules] == [False, True]
    assert progress.percent == 0 and not progress.complete
    assert progress.next_step.title == "Lesson 1.1"
    assert load_course("no-such-course", include_drafts=True) is None
    db.session.get(Course, course.id).published = False
    db.session.commit()
    assert load_course(course.slug, include_drafts=False) is None


def test_enrol_and_complete_need_the_csrf_token(csrf_app, make_user, login):
    course = build_course((1,))
    trainee = make_user("trainee")
    client = csrf_app.test_client()
    login(trainee, on=client)
    response = client.post(f"/courses/{course.slug}/enrol")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/courses/{course.slug}/enrol", data={"csrf_token": token})
    assert response.status_code == 302
