"""``flask audit verify``: walk the hash chain and report the first entry that does not match."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from training.audit.chain import ChainRow, verify_chain
from training.audit.models import AuditEntry
from training.audit.services import chain_head
from training.extensions import db

audit_cli = AppGroup("audit", help="Check the audit log.")


def iter_chain_rows(batch: int = 1000):
    """Every entry in sequence order, read in batches so memory stays flat."""
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    for entry in db.session.scalars(stmt):
        yield ChainRow(
            seq=entry.seq, at_iso=entry.at.isoformat(), actor=entry.actor, action=entry.action,
            subject=entry.subject, details=entry.details, prev_hash=entry.prev_hash, hash=entry.hash,
        )


@audit_cli.command("verify")
@click.option("--head", help="A head recorded earlier, as SEQ:HASH, to detect entries cut off the end.")
def verify_command(head: str | None) -> None:
    """Exit 0 when the chain is intact; otherwise name the first entry that does not match."""
    anchor = None
    if head:
        seq, _, digest = head.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise click.BadParameter("use SEQ:HASH, as shown on the audit page", param_hint="--head")
        anchor = (int(seq), digest)
    problem = verify_chain(iter_chain_rows(), anchor=anchor)
    if problem is not None:
        click.echo(f"Audit chain broken at entry {problem.seq}: {problem.reason}", err=True)
        sys.exit(1)
    seq, digest = chain_head()
    click.echo(f"Audit chain intact: {seq} entries, head {digest}")
