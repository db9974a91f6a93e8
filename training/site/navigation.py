"""The navigation bar: each role sees what it can do."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: tuple[str, ...]


NAV_ITEMS: list[NavItem] = [
    NavItem("progress.dashboard", "My progress", ("trainee",)),
    NavItem("courses.catalogue", "Courses", ("trainee", "instructor")),
    NavItem("certificates.mine", "My certificates", ("trainee",)),
    NavItem("jurisdictions.mine", "Where can I practise?", ("trainee",)),
    NavItem("authoring.index", "Authoring", ("instructor",)),
    NavItem("practical.index", "Practical", ("trainee", "instructor", "admin")),
    NavItem("progress.cohorts", "Cohorts", ("instructor",)),
    NavItem("records.certificates", "CE records", ("auditor",)),
    NavItem("records.audit_log", "Audit log", ("auditor",)),
    NavItem("rosters.index", "Board rosters", ("auditor",)),
    NavItem("records.tokens", "API tokens", ("auditor",)),
    NavItem("admin.users", "Users", ("admin",)),
    NavItem("certificates.admin_list", "Certificates", ("admin",)),
    NavItem("accommodations.index", "Time accommodations", ("instructor", "admin")),
]


def register_navigation(app: Flask) -> None:
    #: the menu of each set of roles: a handful of sets, each filtered once per worker
    menus: dict[frozenset[str], tuple[NavItem, ...]] = {}

    def menu_for(roles: frozenset[str]) -> tuple[NavItem, ...]:
        menu = menus.get(roles)
        if menu is None:
            menu = menus[roles] = tuple(
                item for item in NAV_ITEMS if item.endpoint in app.view_functions and roles.intersection(item.roles))
        return menu

    @app.context_processor
    def inject_navigation():
        def nav_items() -> tuple[NavItem, ...]:
            """The entries for the roles this request's user holds now (read per request)."""
            return menu_for(frozenset(current_user.roles))

        return {"nav_items": nav_items}

    #: (script root, endpoint, arguments) -> URL; the URL map is fixed once the app serves
    fixed_urls: dict[tuple, str] = {}

    @app.template_global()
    def fixed_url(endpoint: str, **values: str) -> str:
        """``url_for`` for the links every page repeats (menu, footer, stylesheets), built once.

        Their URLs depend on nothing but the endpoint, the given arguments and the prefix the
        app is served under, so each is built once per worker instead of on every page.
        """
        key = (request.script_root, endpoint, *sorted(values.items()))
        url = fixed_urls.get(key)
        if url is None:
            url = fixed_urls[key] = url_for(endpoint, **values)
        return url
