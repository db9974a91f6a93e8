"""The per-worker content cache is never stale: every content change, in any process, replaces
the content version, and a worker rebuilds what it serves when the version it reads changed."""

from __future__ import annotations

from sqlalchemy import select, update

from config import TestingConfig
from modules.content_cache import course_tree
from modules.models import Enrolment, Lesson
from quizzes.models import Quiz
from tests.factories import build_course, lessons_in
from training import create_app
from training.content_version import ContentVersion, current_token
from training.extensions import db as _db


def token() -> str | None:
    _db.session.rollback()  # a new transaction reads the committed version
    return current_token()


def lesson_url(course, lesson) -> str:
    return f"/courses/{course.slug}/lessons/{lesson.id}"


def reader_of_a_new_course(db, make_user, login):
    """A course of two lessons and an enrolled trainee, logged in; the course and its first lesson."""
    course = build_course((2,))
    first = lessons_in(course.id)[0]
    trainee = make_user("trainee")
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id))
    db.session.commit()
    login(trainee)
    return course, first


def test_an_edit_in_another_app_instance_is_seen_at_the_next_request(
        app, db, database_url, client, make_user, login, count_queries, signing_key_path, media_root):
    course, first = reader_of_a_new_course(db, make_user, login)
    assert "Lesson 1.1" in client.get(lesson_url(course, first)).get_data(as_text=True)
    with count_queries() as statements:
        assert "Lesson 1.1" in client.get(lesson_url(course, first)).get_data(as_text=True)
    # (the trainee's lesson facts pick the course's lesson ids in a subquery; no statement loads
    # the rows of courses or lessons)
    assert not [s for s in statements if s.lstrip().startswith(("SELECT courses.", "SELECT lessons."))], \
        "the second page is served from the worker's copy of the course"

    # another worker (another app object, its own engine and cache) edits the lesson
    other = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=False,
                       CERT_SIGNING_KEY_PATH=signing_key_path, MEDIA_ROOT=media_root)
    with other.app_context():
        before = current_token()
        _db.session.get(Lesson, first.id).title = "Dry needling of the upper trapezius"
        _db.session.commit()
        assert current_token() != before
        _db.session.remove()
        _db.engine.dispose()

    page = client.get(lesson_url(course, first)).get_data(as_text=True)
    assert "Dry needling of the upper trapezius" in page and "Lesson 1.1" not in page


def test_bulk_statements_and_raw_changes_replace_the_version(app, db):
    course = build_course((1,))
    before = token()
    db.session.execute(update(Lesson).where(Lesson.id == lessons_in(course.id)[0].id).values(minutes=20))
    db.session.commit()
    after = token()
    assert after != before
    db.session.execute(update(Quiz).values(pass_mark=70))  # no rows, still a content statement
    db.session.commit()
    assert token() != after


def test_changes_that_are_not_content_and_edits_that_change_nothing_keep_the_version(app, db, make_user):
    course = build_course((1,))
    before = token()
    trainee = make_user("trainee")
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id))
    lesson = db.session.get(Lesson, lessons_in(course.id)[0].id)
    lesson.title = lesson.title  # set to the value it has: nothing changed
    db.session.commit()
    assert token() == before


def test_a_rolled_back_edit_leaves_the_version_and_the_cache_alone(app, db):
    course = build_course((1,))
    before = token()
    assert course_tree(course.slug).title == course.title
    lesson = db.session.get(Lesson, lessons_in(course.id)[0].id)
    lesson.title = "Never saved"
    db.session.flush()
    # inside the editing transaction the page sees its own edit, never the cached copy ...
    assert course_tree(course.slug).modules[0].lessons[0].title == "Never saved"
    db.session.rollback()
    # ... and nothing of it was kept for anyone else
    assert token() == before
    assert course_tree(course.slug).modules[0].lessons[0].title == "Lesson 1.1"


def test_the_version_row_is_recreated_if_missing(app, db):
    db.session.execute(ContentVersion.__table__.delete())
    db.session.commit()
    assert token() is None  # no row: nothing is cached, every request loads
    build_course((1,))
    assert token() is not None
    assert db.session.scalar(select(ContentVersion.id)) == 1


def test_a_logged_in_page_reads_the_version_along_with_the_user(app, db, client, make_user, login, count_queries):
    course, first = reader_of_a_new_course(db, make_user, login)
    assert client.get(lesson_url(course, first)).status_code == 200
    with count_queries() as statements:
        assert client.get(lesson_url(course, first)).status_code == 200
    reading_version = [s for s in statements if "content_version" in s]
    assert len(reading_version) == 1 and "FROM users" in reading_version[0], statements
    db.session.execute(update(Lesson).where(Lesson.id == first.id).values(title="Lesson 1.1, revised"))
    db.session.commit()
    assert "Lesson 1.1, revised" in client.get(lesson_url(course, first)).get_data(as_text=True)
