"""The navigation bar: each role sees what it can do."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: tuple[str, ...]


NAV_ITEMS: list[NavItem] = [
    NavItem("courses.catalogue", "Courses", ("trainee", "instructor")),
    NavItem("authoring.index", "Authoring", ("instructor",)),
    NavItem("admin.users", "Users", ("admin",)),
]


def register_navigation(app: Flask) -> None:
    @app.context_processor
    def inject_navigation():
        def nav_items() -> list[NavItem]:
            return [
                item for item in NAV_ITEMS
                if item.endpoint in app.view_functions and current_user.has_role(*item.roles)
            ]

        return {"nav_items": nav_items}
