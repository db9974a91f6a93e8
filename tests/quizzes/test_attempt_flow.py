"""Taking a quiz through the routes: start, autosave, submit, result, module unlock."""

from __future__ import annotations

from sqlalchemy import func, select

from modules.models import LessonCompletion
from quizzes.models import Attempt, Question
from training.audit.models import AuditEntry

from .conftest import enrol, full_marks_form


def start(client, quiz) -> Attempt:
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return attempt_id


def load(db, attempt_id) -> Attempt:
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)


def test_trainee_passes_quiz_and_next_module_unlocks(client, db, make_user, login, quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course, lessons_done=False)
    login(trainee)
    response = client.post(f"/courses/{setup.course.slug}/lessons/{setup.lesson1.id}/complete")
    # the last lesson of the module leads on to the module's quiz
    assert response.headers["Location"].endswith(f"/quizzes/{setup.quiz.id}")
    # lessons done but quiz not passed: module 2 stays locked
    assert client.get(f"/courses/{setup.course.slug}/lessons/{setup.lesson2.id}").status_code == 403

    attempt_id = start(client, setup.quiz)
    page = client.get(f"/quizzes/attempts/{attempt_id}")
    assert page.status_code == 200
    attempt = load(db, attempt_id)
    form = full_marks_form(db, attempt)
    response = client.post(f"/quizzes/attempts/{attempt_id}/save", data={**form, "submit": "1"})
    assert response.status_code == 303
    attempt = load(db, attempt_id)
    assert attempt.submitted_at is not None
    assert attempt.percent == 100.0 and attempt.passed
    result = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "100%" in result and "passed" in result
    # after passing, "Continue" leads to the next module
    lesson2 = f"/courses/{setup.course.slug}/lessons/{setup.lesson2.id}"
    assert f'id="continue" href="{lesson2}"' in result
    assert client.get(f"/courses/{setup.course.slug}/lessons/{setup.lesson2.id}").status_code == 200
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "quiz.submitted")) is not None


def test_answers_are_saved_as_the_trainee_goes(client, db, make_user, login, quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = start(client, setup.quiz)
    numeric = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    response = client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{numeric.id}": "12,5"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json() == {"saved": True}
    attempt = load(db, attempt_id)
    saved = {r.question_id: r.answer for r in attempt.responses}
    assert saved[numeric.id] == {"value": 12.5}
    # a closed tab loses nothing: the page shows the saved answer when reopened
    assert 'value="12.5"' in client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)


def test_page_before_submission_reveals_no_answer(client, db, make_user, login, quiz_course):
    setup = quiz_course(shuffle_choices=False)
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = start(client, setup.quiz)
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    for secret in ("Right.", "That one is hollow", "sharps container", "sharps bin", "fraction",
                   "%50%", "value=\"10\""):
        assert secret not in page
    # choice inputs carry the position shown, never the stored choice id or its weight
    single = db.session.scalar(select(Question).where(Question.title == "Single"))
    assert f'name="q{single.id}" id="q{single.id}-1" value="1"' in page
    assert 'data-correct' not in page and 'correct' not in page.lower().split("<main")[1].split("</form>")[0]


def test_second_submission_changes_nothing(client, db, make_user, login, quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = start(client, setup.quiz)
    form = full_marks_form(db, load(db, attempt_id))
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={**form, "submit": "1"})
    first = load(db, attempt_id)
    snapshot = (first.submitted_at, first.percent, first.passed)
    replay = client.post(f"/quizzes/attempts/{attempt_id}/save", data={"submit": "1"})
    assert replay.status_code == 303
    again = client.post(f"/quizzes/attempts/{attempt_id}/submit")
    assert again.status_code == 303
    second = load(db, attempt_id)
    assert (second.submitted_at, second.percent, second.passed) == snapshot
    submitted_events = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "quiz.submitted")).all()
    assert len(submitted_events) == 1


def test_bad_answers_are_refused_and_keep_the_stored_answer(client, db, make_user, login, quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = start(client, setup.quiz)
    numeric = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    single = db.session.scalar(select(Question).where(Question.title == "Single"))
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{numeric.id}": "7"})
    cases = [
        {f"q{numeric.id}": "ten"},                      # wrong type
        {f"q{numeric.id}": "nan"},                      # not a number
        {f"q{single.id}": "9"},                         # position not shown
        {f"q{single.id}": "-1"},                        # tampered value
        {f"q{single.id}": "\u00b2"},                    # a digit to str.isdigit, not to int()
    ]
    for data in cases:
        response = client.post(f"/quizzes/attempts/{attempt_id}/save", data=data)
        assert response.status_code == 422, data
        assert "could not be accepted" in response.get_data(as_text=True)
    for key in ("q999999", "q\u00b2"):
        not_in_attempt = client.post(f"/quizzes/attempts/{attempt_id}/save", data={key: "1"})
        assert not_in_attempt.status_code == 303
    attempt = load(db, attempt_id)
    assert {r.question_id: r.answer for r in attempt.responses}[numeric.id] == {"value": 7.0}
    assert attempt.submitted_at is None


def test_a_bad_value_keeps_every_other_answer_and_marks_only_its_question(
        client, db, make_user, login, quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = start(client, setup.quiz)
    numeric = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    short = db.session.scalar(select(Question).where(Question.qtype == "short"))
    single = db.session.scalar(select(Question).where(Question.title == "Single"))
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{numeric.id}": "7"})

    page = client.post(f"/quizzes/attempts/{attempt_id}/save", data={
        f"q{numeric.id}": "twelve", f"q{short.id}": "sharps container", f"q{single.id}": ["", "1"]})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "1 answer could not be accepted. Every other answer is saved." in html
    assert html.count('aria-invalid="true" aria-describedby') == 2  # the question's fieldset and its input
    assert f'id="q{numeric.id}-error"' in html and 'value="twelve"' in html  # what was typed is shown again
    assert f'id="q{single.id}-1" value="1" checked' in html
    attempt = load(db, attempt_id)
    answers = {r.question_id: r.answer for r in attempt.responses}
    assert answers[numeric.id] == {"value": 7.0}  # the bad value did not replace the stored answer
    assert answers[short.id] == {"text": "sharps container"}
    assert answers[single.id] is not None

    reply = client.post(f"/quizzes/attempts/{attempt_id}/save", headers={"Accept": "application/json"},
                        data={f"q{numeric.id}": "8", f"q{single.id}": "x"})
    assert reply.status_code == 422
    assert reply.get_json()["errors"] == {str(single.id): "That choice is not one of the options shown."}
    assert {r.question_id: r.answer for r in load(db, attempt_id).responses}[numeric.id] == {"value": 8.0}


def test_review_and_submit_shows_the_summary_first(client, db, make_user, login, quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = start(client, setup.quiz)
    numeric = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    response = client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{numeric.id}": "7", "review": "1"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/quizzes/attempts/{attempt_id}/summary")
    summary = client.get(f"/quizzes/attempts/{attempt_id}/summary").get_data(as_text=True)
    total = len(load(db, attempt_id).responses)
    assert f"<strong>1 of {total}</strong> questions answered" in summary
    assert summary.count("not answered</span>") == total - 1
    assert load(db, attempt_id).submitted_at is None  # nothing is submitted until the last step
    client.post(f"/quizzes/attempts/{attempt_id}/submit")
    assert load(db, attempt_id).submitted_at is not None
    assert client.get(f"/quizzes/attempts/{attempt_id}/summary").status_code == 302


def test_unticking_every_box_clears_the_answer(client, db, make_user, login, quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course)
    login(trainee)
    attempt_id = start(client, setup.quiz)
    multiple = db.session.scalar(select(Question).where(Question.qtype == "multiple"))
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{multiple.id}": ["", "1"]})
    assert {r.question_id: r.answer for r in load(db, attempt_id).responses}[multiple.id] is not None
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{multiple.id}": [""]})  # the page's hidden field
    assert {r.question_id: r.answer for r in load(db, attempt_id).responses}[multiple.id] is None


def test_trainee_cannot_see_another_trainees_attempt(app, client, db, make_user, login, quiz_course):
    setup = quiz_course()
    owner, other = make_user("trainee"), make_user("trainee")
    enrol(db, owner, setup.course)
    enrol(db, other, setup.course)
    login(owner)
    attempt_id = start(client, setup.quiz)
    intruder = app.test_client()
    login(other, on=intruder)
    for url in (f"/quizzes/attempts/{attempt_id}", f"/quizzes/attempts/{attempt_id}/result"):
        assert intruder.get(url).status_code == 404
    assert intruder.post(f"/quizzes/attempts/{attempt_id}/save", data={}).status_code == 404


def test_quiz_needs_enrolment_and_unlocked_module(client, db, make_user, login, quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    login(trainee)
    assert client.get(f"/quizzes/{setup.quiz.id}").status_code == 403
    enrol(db, trainee, setup.course)
    assert client.get(f"/quizzes/{setup.quiz.id}").status_code == 200


def test_quiz_is_refused_before_the_modules_lessons_on_get_and_post(client, db, make_user, login,
                                                                     quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    enrol(db, trainee, setup.course, lessons_done=False)
    login(trainee)
    lesson1 = f"/courses/{setup.course.slug}/lessons/{setup.lesson1.id}"
    page = client.get(f"/quizzes/{setup.quiz.id}")
    assert page.status_code == 403
    assert f'<a href="{lesson1}">Lesson one</a>' in page.get_data(as_text=True)
    response = client.post(f"/quizzes/{setup.quiz.id}/start")
    assert response.status_code == 403
    assert "opens once you have completed the lessons" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0
    db.session.add(LessonCompletion(user_id=trainee.id, lesson_id=setup.lesson1.id))
    db.session.commit()
    assert client.get(f"/quizzes/{setup.quiz.id}").status_code == 200
    assert client.post(f"/quizzes/{setup.quiz.id}/start").status_code == 302


def test_lessons_without_quiz_pass_do_not_complete_module(db, make_user, quiz_course, app):
    from modules.reading import load_course
    from training.progress.engine import course_progress

    setup = quiz_course()
    trainee = make_user("trainee")
    db.session.add(LessonCompletion(user_id=trainee.id, lesson_id=setup.lesson1.id))
    db.session.commit()
    progress = course_progress(load_course(setup.course.slug, include_drafts=False), trainee.id)
    assert not progress.modules[0].complete
    assert progress.modules[1].locked
    assert progress.modules[0].other_steps[0].title == "Module one quiz"
