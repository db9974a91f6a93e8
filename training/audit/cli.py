"""``flask audit verify``: walk the hash chain and report the first entry that does not match."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from training.audit.chain import parse_head
from training.audit.services import chain_head, format_head, verify_stored_chain

audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
@click.option(
    "--head",
    metavar="SEQ:HASH",
    help="A head recorded earlier (audit page, X-Audit-Chain-Head of an export), "
    "to detect entries cut off the end.",
)
def verify_command(head: str | None) -> None:
    """Exit 0 when the chain is intact; otherwise name the first entry that does not match."""
    anchor = None
    if head:
        try:
            anchor = parse_head(head)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="--head") from None
    problem = verify_stored_chain(anchor)
    if problem is not None:
        click.echo(f"Audit chain broken at entry {problem.seq}: {problem.reason}", err=True)
        sys.exit(1)
    current = chain_head()
    click.echo(f"Audit chain intact: {current[0]} entries, head {format_head(current)}")
