"""Evidence packs: signed like certificates, verifiable by page and CLI, tamper-evident, frozen against rule changes."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import enrol, finish_online, make_course, sign_off
from training.database import utcnow
from training.extensions import db
from training.jurisdictions.files import RULES_DIR, RuleFilesError
from training.jurisdictions.loader import load_rules
from training.jurisdictions.models import EvidencePack


@pytest.fixture
def trainee(make_user, rules):
    instructor = make_user("instructor", name="Ravi Menon")
    course = make_course()
    user = make_user("trainee", name="Dana Whitfield", license_state="GA", licensed_since=date(2020, 1, 1))
    enrol(user, course)
    finish_online(user, course)
    sign_off(instructor, user, course)
    return user


def make_pack(client, code="GA", path="/practise") -> EvidencePack:
    response = client.post(f"{path}/{code}/evidence-pack")
    assert response.status_code == 302
    pack_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(EvidencePack, pack_id)


def test_pack_lists_requirement_evidence_and_rule(client, login, trainee):
    login(trainee)
    pack = make_pack(client)
    payload = pack.payload
    assert (pack.outcome, pack.rule_version) == ("not_met", 1)
    assert payload["requirements"][0]["missing"] == "23 more in-person hours"
    assert payload["rule"]["source"]["authority"].startswith("Georgia")
    [certificate] = payload["evidence"]["certificates"]
    assert re.search(r"/verify/[0-9A-Z-]{24}$", certificate["verification_url"])
    assert {s["assessor"] for s in payload["evidence"]["assessed_skills"]} == {"Ravi Menon"}
    assert payload["evidence"]["supervised_sessions"] == []
    page = client.get(f"/practise/packs/{pack.id}").get_data(as_text=True)
    assert "23 more in-person hours" in page


def test_json_twin_verifies_and_tampering_is_caught(app, client, login, trainee, tmp_path):
    login(trainee)
    pack = make_pack(client)
    body = client.get(f"/practise/packs/{pack.id}/evidence-pack.json").data
    runner = app.test_cli_runner()
    good = tmp_path / "pack.json"
    good.write_bytes(body)
    result = runner.invoke(args=["jurisdictions", "verify", str(good)])
    assert result.exit_code == 0 and "VALID: evidence pack" in result.output
    record = json.loads(body)
    record["payload"]["outcome"] = "met"
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(record))
    result = runner.invoke(args=["jurisdictions", "verify", str(bad)])
    assert result.exit_code == 1 and "altered after issue" in result.output


def test_pdf_carries_the_signed_record(app, client, login, trainee, tmp_path):
    login(trainee)
    pack = make_pack(client)
    pdf = client.get(f"/practise/packs/{pack.id}/evidence-pack.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/practise/packs/{pack.id}/evidence-pack.pdf").data == pdf.data  # deterministic
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf.data)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["jurisdictions", "verify", str(path)]).exit_code == 0
    path.write_bytes(pdf.data.replace(b'"outcome":"not_met"', b'"outcome":"met"    '))
    result = runner.invoke(args=["jurisdictions", "verify", str(path)])
    assert result.exit_code == 1 and "altered after issue" in result.output


def test_public_verification_page_and_stored_tamper(client, login, trainee):
    login(trainee)
    pack = make_pack(client)
    public = client.application.test_client()
    page = public.get(f"/evidence/{pack.verification_code}")
    assert page.status_code == 200 and "Valid." in page.get_data(as_text=True)
    assert public.get("/evidence/0000-0000-0000-0000-0000").status_code == 404
    assert public.get("/evidence/not-a-code").status_code == 404
    pack.payload = dict(pack.payload, outcome="met")
    db.session.commit()
    page = public.get(f"/evidence/{pack.verification_code}")
    assert page.status_code == 200 and "Invalid." in page.get_data(as_text=True)
    result = client.application.test_cli_runner().invoke(args=["jurisdictions", "verify", pack.verification_code])
    assert result.exit_code == 1


def test_packs_are_private_to_the_trainee_and_staff(client, login, make_user, trainee):
    login(trainee)
    pack = make_pack(client)
    login(make_user("trainee"))
    assert client.get(f"/practise/packs/{pack.id}").status_code == 404
    assert client.get(f"/practise/packs/{pack.id}/evidence-pack.json").status_code == 404
    auditor = make_user("auditor")
    login(auditor)
    assert client.get(f"/practise/packs/{pack.id}").status_code == 200
    staff_pack = make_pack(client, "FL", f"/practise/trainees/{trainee.id}")
    assert staff_pack.created_by_id == auditor.id and staff_pack.user_id == trainee.id


def test_creating_a_pack_needs_csrf(csrf_app, login, trainee):
    client = csrf_app.test_client()
    login(trainee, on=client)
    assert client.post("/practise/GA/evidence-pack").status_code == 400
    assert db.session.scalars(select(EvidencePack)).all() == []


def test_a_new_rule_version_never_changes_an_issued_evaluation(client, login, trainee, tmp_path):
    login(trainee)
    old_pack = make_pack(client)
    frozen = json.loads(json.dumps(old_pack.payload))
    today = utcnow().date()
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    georgia = (folder / "georgia.yaml").read_text()
    closed = georgia.replace("effective_to: null", f"effective_to: {today - timedelta(days=1)}")
    version_2 = closed.split("    rules:\n")[1].replace("version: 1", "version: 2").replace(
        "effective_from: 2026-01-01", f"effective_from: {today}").replace(
        f"effective_to: {today - timedelta(days=1)}", "effective_to: null").replace("minimum: 50", "minimum: 30")
    (folder / "georgia.yaml").write_text(georgia + version_2)
    with pytest.raises(RuleFilesError, match="overlaps version 1"):
        load_rules(folder)  # version 1 must be closed first
    db.session.rollback()
    (folder / "georgia.yaml").write_text(closed + version_2.replace("minimum: 30", "minimum: 25"))
    report = load_rules(folder)
    db.session.commit()
    assert report.rules_added == ["GA physical_therapist v2"] and len(report.rules_closed) == 1

    new_pack = make_pack(client)
    assert (new_pack.rule_version, new_pack.outcome) == (2, "met")
    db.session.refresh(old_pack)
    assert (old_pack.rule_version, old_pack.outcome) == (1, "not_met")
    assert old_pack.payload == frozen
    assert frozen["rule"]["requirements"][0]["minimum"] == "50"
    page = client.get(f"/evidence/{old_pack.verification_code}").get_data(as_text=True)
    assert "Valid." in page and "rule version 1" in page
    (folder / "georgia.yaml").write_text(closed.replace("minimum: 50", "minimum: 45") + version_2)
    with pytest.raises(RuleFilesError, match="GA physical_therapist v1 is already loaded with other content"):
        load_rules(folder)
