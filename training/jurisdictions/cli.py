"""``flask jurisdictions check [DIR]`` and ``flask jurisdictions load [DIR]``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from training.extensions import db
from training.jurisdictions.files import RULES_DIR, RuleFilesError, read_rules
from training.jurisdictions.loader import load_rules

jurisdictions_cli = AppGroup("jurisdictions", help="Check and load the jurisdiction rule files.")

_folder = click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))


def _refuse(err: RuleFilesError) -> None:
    for problem in err.problems:
        click.echo(f"ERROR {problem}", err=True)
    click.echo(f"{len(err.problems)} problem(s); nothing was loaded.", err=True)
    raise SystemExit(1)


@jurisdictions_cli.command("check")
@_folder
def check_command(folder: Path | None) -> None:
    """Validate every rule file (default: the shipped ones); exit 1 naming file and line."""
    try:
        specs = read_rules(folder or RULES_DIR)
    except RuleFilesError as err:
        _refuse(err)
    rules = sum(len(s.rules) for s in specs)
    click.echo(f"OK: {len(specs)} jurisdictions, {rules} rule version(s).")


@jurisdictions_cli.command("load")
@_folder
def load_command(folder: Path | None) -> None:
    """Check, then add new jurisdictions and rule versions (safe to repeat)."""
    try:
        report = load_rules(folder or RULES_DIR)
    except RuleFilesError as err:
        db.session.rollback()
        _refuse(err)
    db.session.commit()
    click.echo(f"Loaded: {len(report.jurisdictions_added)} jurisdiction(s) added, "
               f"{len(report.jurisdictions_updated)} updated, {len(report.rules_added)} rule version(s) added, "
               f"{len(report.rules_closed)} closed, {report.unchanged} unchanged.")
    for label in report.rules_added:
        click.echo(f"  + {label}")
    for label in report.rules_closed:
        click.echo(f"  closed {label}")


@jurisdictions_cli.command("verify")
@click.argument("target")
def verify_command(target: str) -> None:
    """Check an evidence pack (PDF or JSON file, or its code): exit 0 only when valid."""
    from training.certificates.keys import signing_key
    from training.jurisdictions.packs import check_record, record_from_file, verify_pack_code

    path = Path(target)
    if path.is_file():
        record = record_from_file(path.read_bytes())
        check = check_record(record, signing_key().public) if record is not None else None
        if check is None or not check.ok:
            click.echo(f"INVALID: {check.reason if check else 'no evidence pack record in this file'}", err=True)
            raise SystemExit(1)
        payload = record["payload"]
        stored = verify_pack_code(payload.get("code", ""))
        if stored.state != "valid" or stored.pack.payload != payload:
            click.echo(f"INVALID: the signature holds, but pack {payload.get('code')} is not on record here", err=True)
            raise SystemExit(1)
    else:
        stored = verify_pack_code(target)
        if stored.state != "valid":
            click.echo(f"INVALID: {stored.reason or stored.state.replace('_', ' ')}", err=True)
            raise SystemExit(1)
        payload = stored.pack.payload
    click.echo(f"VALID: evidence pack {payload['code']}: {payload['trainee']['name']}, "
               f"{payload['jurisdiction']['name']}, {payload['outcome_label']} on {payload['evaluated_on']}")
