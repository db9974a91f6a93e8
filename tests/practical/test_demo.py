"""The demo data: two upcoming lab sessions, one full with a waitlist; seeding again changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from training.extensions import db
from training.practical.models import Seat, Workshop
from training.seed import seed_demo_command


def test_seed_demo_has_two_upcoming_sessions_one_full_with_a_waitlist(app):
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(seed_demo_command)
        assert result.exit_code == 0, result.output
    workshops = db.session.scalars(select(Workshop).order_by(Workshop.starts_at)).all()
    assert len(workshops) == 2
    full, open_one = workshops
    counts = dict(db.session.execute(
        select(Seat.status, func.count()).where(Seat.workshop_id == full.id).group_by(Seat.status)).all())
    assert counts == {"confirmed": full.capacity, "waitlisted": 2}
    assert db.session.scalar(select(func.count()).select_from(Seat).where(Seat.workshop_id == open_one.id)) == 2
    assert full.timezone == "America/Chicago" and open_one.timezone == "America/Denver"
