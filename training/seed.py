"""``flask seed-demo``: demo accounts and the shipped course, safe to run again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from modules.content_loader import seed_content
from quizzes.content_loader import seed_quizzes
from training.auth.models import User
from training.auth.services import create_user, find_user_by_email, set_roles
from training.extensions import db
from training.practical.content_loader import seed_rubrics
from training.practical.demo import seed_workshops

DEMO_ACCOUNTS = [
    # email, name, roles, password, profession, license number, state
    ("trainee@example.org", "Dana Whitfield", {"trainee"}, "trainee-Harbor-Lantern-47",
     "physical_therapist", "PT-0458123", "TX"),
    ("instructor@example.org", "Ravi Menon", {"instructor"}, "instructor-Cedar-Quartz-62",
     "physical_therapist", "PT-0099321", "TX"),
    ("auditor@example.org", "Helen Osei", {"auditor"}, "auditor-Maple-Compass-85",
     None, None, None),
    ("admin@example.org", "Sam Ortega", {"admin"}, "admin-Granite-Willow-93",
     None, None, None),
]


def ensure_demo_accounts() -> list[tuple[User, str]]:
    """Create each demo account once; an existing one keeps its password but gets its role."""
    accounts = []
    for email, name, roles, password, profession, license_number, state in DEMO_ACCOUNTS:
        user = find_user_by_email(email)
        if user is None:
            user = create_user(
                email=email, name=name, password=password, roles=roles, profession=profession,
                license_number=license_number, license_state=state, via="seed-demo",
            )
        elif not roles <= user.roles:
            set_roles(user, user.roles | roles)
        accounts.append((user, password))
    return accounts


def seed_hooks():
    """Content loaders of the feature packages, run in this order after the accounts exist."""
    from training.jurisdictions.loader import seed_rules

    return [seed_content, seed_quizzes, seed_rubrics, seed_rules, seed_workshops]


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create one account per role and load the shipped course (idempotent)."""
    accounts = ensure_demo_accounts()
    for hook in seed_hooks():
        hook()
    db.session.commit()
    click.echo("Demo logins (change these passwords outside a demo):")
    for user, password in accounts:
        click.echo(f"  {'/'.join(sorted(user.roles)):<11} {user.email:<26} {password}")
