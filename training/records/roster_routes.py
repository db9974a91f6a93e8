"""Auditors: CE Broker rosters per board and period, and completions past reporting deadlines."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user
from sqlalchemy import select

from training.auth.decorators import role_required
from training.database import utcnow
from training.extensions import db
from training.jurisdictions.models import Jurisdiction
from training.records.csv_safe import iter_csv
from training.records.roster import ROSTER_COLUMNS, past_deadline, record_roster_export, roster
from training.records.roster_forms import RosterForm

bp = Blueprint("rosters", __name__, url_prefix="/records/rosters")


def _jurisdictions() -> list[Jurisdiction]:
    return list(db.session.scalars(select(Jurisdiction).order_by(Jurisdiction.name)))


def _form(jurisdictions, formdata=None) -> RosterForm:
    choices = [(j.code, j.name) for j in jurisdictions]
    return RosterForm(formdata=formdata, choices=choices) if formdata is not None else RosterForm(choices=choices)


@bp.route("")
@role_required("auditor")
def index():
    jurisdictions = _jurisdictions()
    form = _form(jurisdictions)
    if not form.jurisdiction.data:
        form.jurisdiction.data = "FL"
    return render_template("records/rosters.html", form=form)


@bp.route("/export", methods=["POST"])
@role_required("auditor")
def export():
    jurisdictions = _jurisdictions()
    form = _form(jurisdictions, request.form)
    if not form.validate_on_submit():
        return render_template("records/rosters.html", form=form), 400
    jurisdiction = next(j for j in jurisdictions if j.code == form.jurisdiction.data)
    completions, rows, split_rows = roster(jurisdiction, form.start.data, form.end.data)
    record_roster_export(jurisdiction, form.start.data, form.end.data, completions, len(rows),
                         by=current_user._get_current_object())
    db.session.commit()
    body = "".join(iter_csv(rows, bom=True, columns=ROSTER_COLUMNS)).encode("utf-8")
    name = f"ce-broker-roster_{jurisdiction.code}_{form.start.data}_{form.end.data}.csv"
    return Response(body, content_type="text/csv; charset=utf-8; header=present", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store",
        "X-Roster-Rows": str(len(rows)), "X-Names-Split-From-Full-Name": str(split_rows),
    })


@bp.route("/deadlines")
@role_required("auditor")
def deadlines():
    today = utcnow().date()
    boards = [j for j in _jurisdictions() if j.reporting_deadline_days]
    late = [(j, past_deadline(j, today)) for j in boards]
    return render_template("records/deadlines.html", late=late, today=today)
