"""The stored audit chain and ``flask audit verify``: every tampering with the table is caught."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, select, update

from training.audit import chain_head, format_head, record_event
from training.audit.chain import GENESIS_HASH, entry_hash
from training.audit.models import AuditEntry, AuditHead
from training.audit.services import verify_stored_chain


@pytest.fixture
def entries(db, make_user):
    """Five committed entries (the first by a user, the rest by the system)."""
    user = make_user("admin")
    record_event("user.created", f"user:{user.id}", {"roles": ["admin"]}, actor=user)
    for n in range(2, 6):
        record_event("test.event", f"thing:{n}", {"n": n, "note": "Zoë, \"quoted\""})
    db.session.commit()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def verify(app, *args: str):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_entries_are_linked_and_the_head_follows(db, entries):
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH and entries[0].actor.endswith("@example.org")
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert entries[1].actor == "system" and entries[1].actor_id is None
    for e in entries:
        assert e.hash == entry_hash(e.prev_hash, e.seq, e.at.isoformat(), e.actor, e.action,
                                    e.subject, e.details)
    assert chain_head() == (5, entries[-1].hash)
    assert format_head(chain_head()) == f"5:{entries[-1].hash}"


def test_record_event_returns_the_new_head(db, entries):
    entry = record_event("x", "y")
    assert (entry.seq, entry.hash) == chain_head() and entry.prev_hash == entries[-1].hash


def test_intact_and_empty_chains_verify(app, db, entries):
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"Audit chain intact: 5 entries, head 5:{entries[-1].hash}" in result.output
    assert verify(app, "--head", f"3:{entries[2].hash}").exit_code == 0
    assert verify(app, "--head", f"5:{entries[4].hash.upper()}").exit_code == 0


def test_empty_log_verifies(app, db):
    assert verify(app).exit_code == 0


def _broken(app, *args: str) -> str:
    result = verify(app, *args)
    assert result.exit_code == 1, result.output
    return result.output


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"details": {"n": 3, "note": "Zoë, \"quoted\"", "extra": 1}}, "altered"),
        ({"actor": "someone.else@example.org"}, "altered"),
        ({"action": "test.other"}, "altered"),
        ({"subject": "thing:33"}, "altered"),
        ({"at": datetime(2020, 1, 1)}, "altered"),
    ],
)
def test_altered_row_is_named(app, db, entries, values, reason):
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(**values))
    db.session.commit()
    output = _broken(app)
    assert "Audit chain broken at entry 3:" in output and reason in output


def test_altered_and_rehashed_row_breaks_the_next_link(app, db, entries):
    e = entries[2]
    forged = entry_hash(e.prev_hash, 3, e.at.isoformat(), "x@example.org", e.action, e.subject,
                        e.details)
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 3)
                       .values(actor="x@example.org", hash=forged))
    db.session.commit()
    assert "broken at entry 4: prev_hash does not match" in _broken(app)


def test_deleted_row(app, db, entries):
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    db.session.commit()
    assert "broken at entry 4: seq gap after 2" in _broken(app)


def test_deleted_first_row(app, db, entries):
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq == 1))
    db.session.commit()
    assert "broken at entry 2: chain starts at seq 2" in _broken(app)


def test_inserted_row(app, db, entries):
    """A forged entry slipped in after entry 2, later entries renumbered and re-linked."""
    two = entries[1]
    at = two.at.isoformat()
    forged_hash = entry_hash(two.hash, 3, at, "intruder@example.org", "user.created", "user:9", {})
    db.session.execute(update(AuditEntry).where(AuditEntry.seq >= 3).values(seq=-AuditEntry.seq))
    db.session.execute(update(AuditEntry).where(AuditEntry.seq < 0).values(seq=1 - AuditEntry.seq))
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(prev_hash=forged_hash))
    db.session.add(AuditEntry(seq=3, at=two.at, actor="intruder@example.org", action="user.created",
                              subject="user:9", details={}, prev_hash=two.hash, hash=forged_hash))
    db.session.commit()
    assert "broken at entry 4: hash mismatch" in _broken(app)


def test_entries_cut_off_the_end(app, db, entries):
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq >= 4))
    db.session.commit()
    # the head row still says 5: caught without any outside help
    assert "broken at entry 5: chain ends at seq 3: entries cut off the end" in _broken(app)


def test_cut_off_with_a_rewritten_head_row_needs_the_exported_head(app, db, entries):
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq >= 4))
    db.session.execute(update(AuditHead).values(seq=3, hash=entries[2].hash))
    db.session.commit()
    assert verify(app).exit_code == 0  # a chain alone cannot tell
    output = _broken(app, "--head", f"5:{entries[4].hash}")
    assert "broken at entry 5: chain ends at seq 3" in output
    output = _broken(app, "--head", f"3:{entries[3].hash}")  # right seq, wrong hash
    assert "broken at entry 3: entry differs from the recorded anchor hash" in output


def test_forged_append_that_skips_the_head_row(app, db, entries):
    last = entries[-1]
    at = last.at.isoformat()
    digest = entry_hash(last.hash, 6, at, "intruder@example.org", "x", "", {})
    db.session.add(AuditEntry(seq=6, at=last.at, actor="intruder@example.org", action="x",
                              subject="", details={}, prev_hash=last.hash, hash=digest))
    db.session.commit()
    assert "broken at entry 6: entry not recorded in the head row" in _broken(app)


@pytest.mark.parametrize("head", ["5", "five:abc", "5:" + "g" * 64, "5:" + "a" * 63, ":" + "a" * 64])
def test_bad_head_option(app, db, entries, head):
    result = verify(app, "--head", head)
    assert result.exit_code == 2 and "SEQ:HASH" in result.output


def test_verify_stored_chain_service(db, entries):
    assert verify_stored_chain() is None
    assert verify_stored_chain((9, "a" * 64)).seq == 9
