"""``flask users ...``: account management from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from training.auth.roles import Role
from training.auth.services import AccountError, create_user
from training.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")

ROLE_VALUES = [r.value for r in Role]


@users_cli.command("create")
@click.option("--email", required=True, help="Login email (unique, case-insensitive).")
@click.option("--name", required=True, help="Full name.")
@click.option(
    "--role", "roles", required=True, multiple=True, type=click.Choice(ROLE_VALUES),
    help="Role to grant; repeat for several.",
)
@click.option("--password", help="Initial password; prompted for when omitted.")
def create_command(email: str, name: str, roles: tuple[str, ...], password: str | None) -> None:
    """Create a user with the given roles."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email=email, name=name, password=password, roles=set(roles), via="cli")
    except AccountError as err:
        db.session.rollback()
        raise click.UsageError(str(err)) from err
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(user.roles))}.")
