"""Hotspot questions: scoring, strict answers, no zones before submission, review, exchange."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from modules.media.models import MediaAsset
from quizzes.grading import InvalidAnswer, parse_answer, score_fraction
from quizzes.hotspot import zone_contains
from quizzes.models import Attempt, Question, Quiz
from quizzes.questions import export_pool
from quizzes.spec import ZoneSpec
from tests.quizzes.hotspot_helpers import PLEURA, TRAPEZIUS, enrol, hotspot_course, hotspot_spec
from training.audit.models import AuditEntry


def spec(**changes):
    values = {"image": "x.svg", "aspect": 2.0} | changes
    return hotspot_spec(values.pop("image"), values.pop("aspect"), **values)


def test_circle_is_round_on_a_tall_image():
    circle = ZoneSpec(1, "c", 1.0, "circle", cx=50, cy=50, r=10)
    assert zone_contains(circle, 59, 50, 2.0)  # 9% of the width to the side
    assert zone_contains(circle, 50, 54, 2.0)  # 4% of the height = 8% of the width down
    assert not zone_contains(circle, 50, 56, 2.0)  # 6% of the height = 12% of the width
    square = ZoneSpec(2, "p", 1.0, "polygon", points=[[10, 10], [20, 10], [20, 20], [10, 20]])
    assert zone_contains(square, 15, 15, 2.0) and not zone_contains(square, 25, 15, 2.0)


@pytest.mark.parametrize(("marks", "expected"), [
    ([[40, 20]], 1.0),  # in the target
    ([[40, 20], [41, 20]], 1.0),  # twice in the same zone counts once
    ([[40, 20], [65, 20]], 0.5),  # target, then the danger zone subtracts 50%
    ([[40, 20], [90, 90]], 0.5),  # a stray mark subtracts 1 / max_marks
    ([[65, 20]], 0.0),  # only the danger zone: never below zero
    ([[90, 90], [5, 5]], 0.0),
    ([], 0.0),
])
def test_scoring_follows_multiple_response_rules(marks, expected):
    assert score_fraction(spec(), {"marks": marks}) == pytest.approx(expected)


def test_two_targets_share_the_points():
    second = ZoneSpec(3, "Levator scapulae", 0.5, "circle", cx=30, cy=15, r=3)
    half = ZoneSpec(1, "Upper trapezius", 0.5, "circle", cx=40, cy=20, r=5)
    two = spec(zones=[half, second], max_marks=2)
    assert score_fraction(two, {"marks": [[40, 20]]}) == pytest.approx(0.5)
    assert score_fraction(two, {"marks": [[40, 20], [30, 15]]}) == pytest.approx(1.0)


@pytest.mark.parametrize("values", [
    ["101,20"], ["-1,5"], ["50"], ["Upper trapezius"], ["zone:1"], ["nan,5"], ["inf,5"],
    ["10,10", "20,20", "30,30"],  # more than max_marks
])
def test_bad_answers_are_refused(values):
    with pytest.raises(InvalidAnswer):
        parse_answer(spec(), values)


def test_answer_is_stored_as_rounded_percentages():
    assert parse_answer(spec(), ["40.123,20", " "]) == {"marks": [[40.12, 20.0]]}
    assert parse_answer(spec(), ["", ""]) is None


def test_zone_rules_are_checked():
    from quizzes.questions import QuestionError, check_spec

    bad = [
        spec(image=""), spec(zones=[]), spec(zones=[ZoneSpec(1, "", 1.0, "circle", cx=5, cy=5, r=2)]),
        spec(zones=[ZoneSpec(1, "a", 1.0, "circle", cx=500, cy=5, r=2)]),
        spec(zones=[ZoneSpec(1, "a", 1.0, "polygon", points=[[1, 1], [2, 2]])]),
        spec(zones=[ZoneSpec(1, "a", 0.6, "circle", cx=5, cy=5, r=2)]),
        spec(max_marks=0), spec(max_marks=21),
    ]
    for question in bad:
        with pytest.raises(QuestionError):
            check_spec(question)
    check_spec(spec())


def _attempt(client, db, app, tmp_path, make_user, login, **quiz):
    course, module, question, chart = hotspot_course(db, app, tmp_path, **quiz)
    trainee = make_user("trainee")
    enrol(db, trainee, course)
    login(trainee)
    quiz_row = db.session.scalar(select(Quiz))
    response = client.post(f"/quizzes/{quiz_row.id}/start")
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return attempt_id, question, chart


def test_attempt_page_shows_the_chart_but_never_the_zones(client, db, app, tmp_path, make_user, login):
    attempt_id, question, chart = _attempt(client, db, app, tmp_path, make_user, login)
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert f"/media/{chart.filename}" in page and 'data-hotspot' in page
    # one position field per allowed marker, and the empty field every question posts (clears an answer)
    assert page.count(f'name="q{question.id}"') == 3
    assert page.count(f'name="q{question.id}" data-marker-input') == 2
    form = page.split('id="attempt-form"')[1].split("</form>")[0]
    for secret in ("Upper trapezius", "Lung apex", '"cx"', "zones", "polygon", "Mid-way along", "weight"):
        assert secret not in form, secret
    # the chart itself gives nothing away either
    assert client.get(f"/media/{chart.filename}").status_code == 200
    assert b"trapezius" not in client.get(f"/media/{chart.filename}").data.lower()


@pytest.mark.parametrize("values", [["150,20"], ["10,10", "20,20", "30,30"], ["Upper trapezius"], ["1"]])
def test_bad_hotspot_answers_get_a_4xx_and_nothing_saved(client, db, app, tmp_path, make_user, login, values):
    attempt_id, question, _chart = _attempt(client, db, app, tmp_path, make_user, login)
    response = client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{question.id}": values},
                           headers={"Accept": "application/json"})
    assert response.status_code == 422 and str(question.id) in response.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).responses[0].answer is None


def test_submitted_attempt_is_graded_and_reviewed_against_the_zones(client, db, app, tmp_path, make_user, login):
    attempt_id, question, chart = _attempt(client, db, app, tmp_path, make_user, login)
    response = client.post(f"/quizzes/attempts/{attempt_id}/save",
                           data={f"q{question.id}": ["40,20", "65,20"], "submit": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.percent == 50.0 and attempt.passed
    page = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Target zone: Upper trapezius" in page and "Zones to avoid: Lung apex" in page
    assert "Your mark 1 at 40.0% across, 20.0% down: in Upper trapezius" in page
    assert "Your mark 2 at 65.0% across, 20.0% down: in Lung apex" in page
    assert "<ellipse" in page and "<polygon" in page


def test_gift_export_says_which_questions_it_left_out(db, app, tmp_path):
    _course, module, _question, _chart = hotspot_course(db, app, tmp_path)
    text, skipped = export_pool(module.id)
    assert skipped == ["Trapezius"]
    assert text.startswith("// 1 hotspot question(s) left out") and "//   Trapezius" in text


def test_json_export_import_round_trip_and_refusals(client, db, app, tmp_path, make_user, login):
    course, module, question, chart = hotspot_course(db, app, tmp_path)
    login(make_user("instructor"))
    exported = client.get(f"/author/quizzes/modules/{module.id}/hotspots.json")
    items = json.loads(exported.data)
    assert items[0]["chart"] == "back" and items[0]["zones"][0] == {
        "label": "Upper trapezius", "weight": 100.0, "shape": "circle", "cx": 40, "cy": 20, "r": 5}
    items[0]["name"] = "Trapezius again"
    items[0]["chart"] = "neck-shoulder"  # a body chart not yet in the library is added to it

    def post(payload):
        return client.post(f"/author/quizzes/modules/{module.id}/hotspots",
                           data={"file": (io.BytesIO(payload), "h.json")}, content_type="multipart/form-data")

    assert post(json.dumps(items).encode()).status_code == 303
    again = db.session.scalar(select(Question).where(Question.title == "Trapezius again"))
    assert again.data["zones"] == question.data["zones"] and again.data["image"].endswith(".svg")
    assert db.session.scalar(select(MediaAsset).where(MediaAsset.name == "neck-shoulder.svg")) is not None
    bad = [dict(items[0], name="Broken", zones=[{"label": "x", "weight": 100, "shape": "star"}])]
    response = post(json.dumps(bad).encode())
    assert response.status_code == 400 and "question 1 (&#39;Broken&#39;)" in response.get_data(as_text=True)
    unknown = [dict(items[0], name="Other", objectives=["nope"])]
    assert "unknown objective" in post(json.dumps(unknown).encode()).get_data(as_text=True)
    assert post(b"{not json").status_code == 400
    assert db.session.scalar(select(Question).where(Question.title.in_(["Broken", "Other"]))) is None
    imports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "questions.imported")).all()
    assert [(e.details["format"], e.details["question_ids"]) for e in imports] == [("hotspot-json", [again.id])]


def test_item_analysis_covers_hotspot_questions(client, db, app, tmp_path, make_user, login):
    course, module, question, chart = hotspot_course(db, app, tmp_path)
    quiz = db.session.scalar(select(Quiz))
    for marks in (["40,20"], ["90,90"], ["40,20", "65,20"]):
        trainee = make_user("trainee")
        enrol(db, trainee, course)
        login(trainee)
        attempt_id = int(client.post(f"/quizzes/{quiz.id}/start").headers["Location"].rsplit("/", 1)[1])
        client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{question.id}": marks, "submit": "1"})
    login(make_user("instructor"))
    page = client.get(f"/author/quizzes/{quiz.id}/statistics").get_data(as_text=True)
    assert "Trapezius" in page and "50.0" in page  # facility: (1 + 0 + 0.5) / 3


def test_author_saves_a_hotspot_question_from_the_form(client, db, app, tmp_path, make_user, login):
    course, module, _question, chart = hotspot_course(db, app, tmp_path)
    login(make_user("instructor"))
    page = client.get(f"/author/quizzes/modules/{module.id}/questions/new/hotspot")
    assert page.status_code == 200 and "data-zone-editor" in page.get_data(as_text=True)
    zones = [{"label": "Gluteus medius", "weight": 100, "shape": "polygon", "points": [[10, 60], [30, 60], [20, 75]]}]
    form = {"title": "Glute", "prompt": "Mark it", "points": "1", "image": chart.filename, "max_marks": "1",
            "zones": json.dumps(zones), "objectives": ["o1"]}
    response = client.post(f"/author/quizzes/modules/{module.id}/questions/new/hotspot", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = db.session.scalar(select(Question).where(Question.title == "Glute"))
    assert saved.objectives == ["o1"] and saved.data["zones"][0]["points"][2] == [20, 75]
    assert saved.data["aspect"] == 2.0
    bad = client.post(f"/author/quizzes/modules/{module.id}/questions/new/hotspot",
                      data={**form, "title": "Bad", "zones": "[{"})
    assert bad.status_code == 400 and "The zones could not be read" in bad.get_data(as_text=True)
    other = client.post(f"/author/quizzes/modules/{module.id}/questions/new/hotspot",
                        data={**form, "title": "Bad", "image": "f" * 64 + ".svg"})
    assert other.status_code == 400 and "media library" in other.get_data(as_text=True)
    # the chart is in use by these questions: the library refuses to delete it
    library = client.get(f"/author/courses/{course.id}/media").get_data(as_text=True)
    assert "Question: Glute" in library and "Question: Trapezius" in library
    client.post(f"/author/media/{chart.id}/delete")
    assert db.session.get(MediaAsset, chart.id) is not None


_ = (PLEURA, TRAPEZIUS)


def test_review_withheld_means_no_zones_after_submission(client, db, app, tmp_path, make_user, login):
    attempt_id, question, _chart = _attempt(client, db, app, tmp_path, make_user, login, review_policy="never")
    saved = client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{question.id}": ["90,90"]},
                        headers={"Accept": "application/json"})
    assert saved.get_json() == {"saved": True}  # the autosave reply says nothing about the zones
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={f"q{question.id}": ["90,90"], "submit": "1"})
    page = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    for secret in ("Upper trapezius", "Lung apex", "<ellipse", "<polygon", "Target zone"):
        assert secret not in page
