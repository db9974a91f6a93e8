"""Instructors: questions of every type, settings, preview, GIFT in and out, regrade, reports."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from quizzes.attempts import save_answers, start_attempt, submit_attempt
from quizzes.gift import parse_gift
from quizzes.models import Attempt, Question, Quiz, Regrade
from training.audit.models import AuditEntry

from .conftest import GIFT, full_marks_form


def pool_size(db, module_id) -> int:
    return db.session.scalar(select(func.count()).select_from(Question).where(Question.module_id == module_id))


@pytest.fixture
def instructor_client(client, make_user, login):
    login(make_user("instructor"))
    return client


@pytest.mark.parametrize(
    ("qtype", "fields", "check"),
    [
        ("single", {"choices-0-text": "Filiform", "choices-0-percent": "100", "choices-1-text": "Hollow",
                    "choices-1-percent": "0"}, lambda q: [c["fraction"] for c in q.data["choices"]] == [1.0, 0.0]),
        ("multiple", {"choices-0-text": "A", "choices-0-percent": "50", "choices-1-text": "B",
                      "choices-1-percent": "50", "choices-2-text": "C", "choices-2-percent": "-100"},
         lambda q: len(q.data["choices"]) == 3),
        ("truefalse", {"truth": "false"}, lambda q: q.data["choices"][1]["fraction"] == 1.0),
        ("numeric", {"numeric-0-value": "10", "numeric-0-tolerance": "0.5", "numeric-0-percent": "100",
                     "numeric-1-low": "1", "numeric-1-high": "3", "numeric-1-percent": "50"},
         lambda q: q.data["numeric"][1]["low"] == 1.0 and q.data["numeric"][0]["tolerance"] == 0.5),
        ("short", {"choices-0-text": "sharps container", "choices-0-percent": "100"},
         lambda q: q.data["choices"][0]["text"] == "sharps container"),
        ("matching", {"pairs-0-prompt": "a", "pairs-0-answer": "1", "pairs-1-prompt": "b", "pairs-1-answer": "2",
                      "pairs-2-prompt": "c", "pairs-2-answer": "3"}, lambda q: len(q.data["pairs"]) == 3),
    ],
)
def test_instructor_creates_every_question_type(instructor_client, db, quiz_course, qtype, fields, check):
    setup = quiz_course()
    before = pool_size(db, setup.module2.id)
    response = instructor_client.post(
        f"/author/quizzes/modules/{setup.module2.id}/questions/new/{qtype}",
        data={"title": f"New {qtype}", "prompt": "What **is** it?", "points": "2", **fields},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    question = db.session.scalar(select(Question).where(Question.title == f"New {qtype}"))
    assert question.qtype == qtype and question.points == 2.0 and check(question)
    assert "<strong>is</strong>" in question.prompt_html
    assert pool_size(db, setup.module2.id) == before + 1


def test_invalid_question_is_refused_with_message(instructor_client, db, quiz_course):
    setup = quiz_course()
    response = instructor_client.post(
        f"/author/quizzes/modules/{setup.module2.id}/questions/new/multiple",
        data={"title": "Bad", "prompt": "Pick", "points": "1", "choices-0-text": "A", "choices-0-percent": "60",
              "choices-1-text": "B", "choices-1-percent": "10"},
    )
    assert response.status_code == 400
    assert "add up to 100%" in response.get_data(as_text=True)
    assert pool_size(db, setup.module2.id) == 0


def test_settings_form(instructor_client, db, quiz_course):
    setup = quiz_course()
    response = instructor_client.post(f"/author/quizzes/modules/{setup.module2.id}/settings", data={
        "title": "Module two quiz", "pass_mark": "70", "attempts_allowed": "", "grading_method": "last",
        "time_limit_minutes": "15", "draw_count": "5", "review_policy": "once_passed", "shuffle_questions": "y",
    })
    assert response.status_code == 302
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == setup.module2.id))
    settings = (quiz.pass_mark, quiz.attempts_allowed, quiz.grading_method, quiz.time_limit_minutes,
                quiz.draw_count, quiz.review_policy, quiz.shuffle_choices)
    assert settings == (70, None, "last", 15, 5, "once_passed", False)
    bad = instructor_client.post(f"/author/quizzes/modules/{setup.module2.id}/settings", data={
        "title": "x", "pass_mark": "150", "grading_method": "best", "review_policy": "always"})
    assert bad.status_code == 400


def test_preview_shows_questions_without_saving(instructor_client, db, quiz_course):
    setup = quiz_course()
    page = instructor_client.get(f"/author/quizzes/{setup.quiz.id}/preview").get_data(as_text=True)
    assert "Which needle is used" in page and "Match the term" in page
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_gift_upload_imports_all_or_nothing(instructor_client, db, quiz_course):
    setup = quiz_course()
    url = f"/author/quizzes/modules/{setup.module2.id}/import"
    broken = GIFT + "\n::Broken::[markdown]Unclosed {=a ~b\n"
    response = instructor_client.post(url, data={"file": (io.BytesIO(broken.encode()), "bank.gift")},
                                      content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page and "Line " in page
    assert pool_size(db, setup.module2.id) == 0
    for payload in (b"\x00\x01binary\xff", "::T::Q {T}".encode("utf-16")):
        bad = instructor_client.post(url, data={"file": (io.BytesIO(payload), "x.gift")},
                                     content_type="multipart/form-data")
        assert bad.status_code == 400
    huge = instructor_client.post(url, data={"file": (io.BytesIO(b"a" * (3 * 1024 * 1024)), "big.gift")},
                                  content_type="multipart/form-data")
    assert huge.status_code == 413
    ok = instructor_client.post(url, data={"file": (io.BytesIO(GIFT.encode()), "bank.gift")},
                                content_type="multipart/form-data")
    assert ok.status_code == 303
    assert pool_size(db, setup.module2.id) == 6


def test_export_then_import_gives_the_same_questions(instructor_client, app, db, quiz_course, tmp_path):
    setup = quiz_course()
    exported = instructor_client.get(f"/author/quizzes/modules/{setup.module1.id}/export.gift")
    assert exported.status_code == 200
    text = exported.get_data(as_text=True)
    path = tmp_path / "pool.gift"
    path.write_text(text, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["quizzes", "import-gift", "--module", str(setup.module2.id), str(path)])
    assert result.exit_code == 0, result.output
    cli_export = runner.invoke(args=["quizzes", "export-gift", "--module", str(setup.module2.id)])
    assert cli_export.exit_code == 0
    original = [(q.qtype, q.title, q.prompt, q.answer_data()) for q in parse_gift(text)]
    again = [(q.qtype, q.title, q.prompt, q.answer_data()) for q in parse_gift(cli_export.output)]
    assert original == again and len(original) == 6


def test_cli_import_reports_line_and_imports_nothing(app, db, quiz_course, tmp_path):
    setup = quiz_course()
    path = tmp_path / "bad.gift"
    path.write_text("::A::Fine {T}\n\n::B::Broken {#ten}\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["quizzes", "import-gift", "--module", "m2", str(path)])
    assert result.exit_code == 1
    assert "line 3" in result.output
    assert pool_size(db, setup.module2.id) == 0
    unknown = app.test_cli_runner().invoke(args=["quizzes", "import-gift", "--module", "nope", str(path)])
    assert unknown.exit_code == 2


def test_fixing_a_question_and_regrading(instructor_client, app, db, make_user, quiz_course):
    setup = quiz_course()
    trainee = make_user("trainee")
    numeric = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    with app.test_request_context():
        attempt = start_attempt(setup.quiz, trainee)
        form = full_marks_form(db, attempt)
        form[f"q{numeric.id}"] = ["12"]  # wrong under the current key
        save_answers(attempt, form)
        submit_attempt(attempt)
        db.session.commit()
    assert attempt.score == 5.0
    fix = instructor_client.post(f"/author/quizzes/questions/{numeric.id}", data={
        "title": "Numeric", "prompt": numeric.prompt, "points": "1",
        "numeric-0-value": "12", "numeric-0-tolerance": "0", "numeric-0-percent": "100"})
    assert fix.status_code == 302
    page = instructor_client.get(f"/author/quizzes/questions/{numeric.id}").get_data(as_text=True)
    assert "graded against an earlier version" in page
    assert instructor_client.post(f"/author/quizzes/questions/{numeric.id}/regrade").status_code == 302
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.score == 6.0 and attempt.percent == 100.0 and attempt.passed
    regrade = db.session.scalar(select(Regrade))
    assert regrade.attempts_rescored == 1 and regrade.by_name.startswith("Test User")
    assert regrade.changes[0]["old_percent"] < regrade.changes[0]["new_percent"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "quiz.regraded")) is not None


def test_attempt_review_and_statistics_pages(instructor_client, app, db, make_user, quiz_course):
    setup = quiz_course()
    with app.test_request_context():
        for index in range(3):
            attempt = start_attempt(setup.quiz, make_user("trainee"))
            if index:
                save_answers(attempt, full_marks_form(db, attempt))
            submit_attempt(attempt)
            db.session.commit()
    listing = instructor_client.get(f"/author/quizzes/{setup.quiz.id}/attempts").get_data(as_text=True)
    assert listing.count("/author/quizzes/attempts/") == 3
    detail = instructor_client.get(f"/author/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert "Correct answer" in detail and "Filiform" in detail
    stats = instructor_client.get(f"/author/quizzes/{setup.quiz.id}/statistics").get_data(as_text=True)
    assert "Submitted attempts" in stats and "<svg" in stats
    assert "66.7%" in stats  # mean of 0, 100, 100


def test_item_analysis_labels_by_title_links_and_marks_bands(instructor_client, app, db, make_user, quiz_course):
    from quizzes.statistics import BANDS, MIN_SAMPLE

    setup = quiz_course(draw_count=None)
    with app.test_request_context():
        for _ in range(MIN_SAMPLE):
            attempt = start_attempt(setup.quiz, make_user("trainee"))
            form = full_marks_form(db, attempt)
            single = db.session.scalar(select(Question).where(Question.title == "Single"))
            form.pop(f"q{single.id}")  # nobody answers "Single": too hard
            save_answers(attempt, form)
            submit_attempt(attempt)
            db.session.commit()
    stats = instructor_client.get(f"/author/quizzes/{setup.quiz.id}/statistics").get_data(as_text=True)
    single = db.session.scalar(select(Question).where(Question.title == "Single"))
    numeric = db.session.scalar(select(Question).where(Question.qtype == "numeric"))
    assert f'<a href="/author/quizzes/questions/{single.id}">Single</a>' in stats
    assert f">Q{single.id}<" not in stats  # labelled by title, not by database id
    assert stats.count(f'fill="{BANDS["too_hard"][0]}"') == 2  # its bar and the legend
    assert stats.count(f'fill="{BANDS["too_easy"][0]}"') == 6  # five questions at 100% and the legend
    assert BANDS["too_easy"][0] != BANDS["too_hard"][0]
    assert "too easy (facility above 90%)" in stats and "too hard (facility below 25%)" in stats
    assert 'class="small-sample"' not in stats and f"/author/quizzes/questions/{numeric.id}" in stats


def test_item_analysis_greys_small_samples(instructor_client, app, db, make_user, quiz_course):
    setup = quiz_course(draw_count=None)
    with app.test_request_context():
        attempt = start_attempt(setup.quiz, make_user("trainee"))
        submit_attempt(attempt)
        db.session.commit()
    stats = instructor_client.get(f"/author/quizzes/{setup.quiz.id}/statistics").get_data(as_text=True)
    assert stats.count('class="small-sample"') == 6 and "few attempts" in stats
