"""Loading rules: idempotent, all or nothing, loaded versions never altered; the CLI reports file and line."""

from __future__ import annotations

import shutil

from sqlalchemy import func, select

from training.audit.models import AuditEntry
from training.extensions import db
from training.jurisdictions.files import RULES_DIR
from training.jurisdictions.models import Jurisdiction, JurisdictionRule


def counts():
    return (db.session.scalar(select(func.count()).select_from(Jurisdiction)),
            db.session.scalar(select(func.count()).select_from(JurisdictionRule)))


def test_load_is_idempotent_and_audited(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["jurisdictions", "load"])
    assert first.exit_code == 0, first.output
    assert "51 jurisdiction(s) added" in first.output
    loaded = counts()
    assert loaded == (51, 12)
    second = runner.invoke(args=["jurisdictions", "load"])
    assert second.exit_code == 0 and "0 rule version(s) added, 0 closed, 12 unchanged" in second.output
    assert counts() == loaded
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("jurisdictions.rules_loaded") == 1


def test_check_reports_file_and_line_and_loads_nothing(app, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    path = folder / "delaware.yaml"
    path.write_text(path.read_text().replace("effective_to: null", "effective_to: 2025-01-01"))
    runner = app.test_cli_runner()
    for command in ("check", "load"):
        result = runner.invoke(args=["jurisdictions", command, str(folder)])
        assert result.exit_code == 1
        expected = "delaware.yaml, line 8: DE physical_therapist version 1: effective_to 2025-01-01 is before"
        assert expected in result.output
        assert "nothing was loaded" in result.output
    assert counts() == (0, 0)


def test_a_changed_loaded_version_is_refused_whole(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["jurisdictions", "load"]).exit_code == 0
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    (folder / "georgia.yaml").write_text((folder / "georgia.yaml").read_text().replace("minimum: 50", "minimum: 60"))
    (folder / "extra.yaml").write_text("jurisdictions:\n  - code: PR\n    name: Puerto Rico\n    rules: []\n")
    result = runner.invoke(args=["jurisdictions", "load", str(folder)])
    assert result.exit_code == 1
    assert "georgia.yaml, line 5: GA physical_therapist v1 is already loaded with other content" in result.output
    assert counts() == (51, 12)  # Puerto Rico was not added either


def test_check_passes_on_the_shipped_files(app):
    result = app.test_cli_runner().invoke(args=["jurisdictions", "check"])
    assert result.exit_code == 0 and "OK: 51 jurisdictions, 12 rule version(s)." in result.output
