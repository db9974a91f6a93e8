"""The links every page repeats (menu, footer, stylesheets, scripts) are built once per worker:
they must stay exactly what ``url_for`` gives, under whatever prefix the app is served."""

from __future__ import annotations

import re

from flask import url_for


def chrome_links(html: str) -> list[str]:
    head, _, rest = html.partition('<main id="main"')
    _, _, foot = rest.partition("</main>")
    return re.findall(r'(?:href|src|action)="([^"#]+)"', head + foot)


def expected_links(app, script_root: str, *, nav: list[str], logged_in: bool) -> list[str]:
    with app.test_request_context("/", base_url=f"http://localhost{script_root}"):
        account = ["auth.profile", "auth.logout"] if logged_in else ["auth.login", "auth.register"]
        return [
            url_for("bootstrap.static", filename="css/bootstrap.min.css"),
            url_for("static", filename="css/app.css"),
            url_for("site.home"),
            *[url_for(endpoint) for endpoint in nav],
            *[url_for(endpoint) for endpoint in account],
            url_for("public.catalogue"), url_for("verify.lookup"), url_for("site.home"),
            url_for("bootstrap.static", filename="umd/popper.min.js"),
            url_for("bootstrap.static", filename="js/bootstrap.min.js"),
            url_for("static", filename="js/app.js"),
        ]


TRAINEE_MENU = ["progress.dashboard", "courses.catalogue", "certificates.mine", "jurisdictions.mine",
                "practical.index"]


def test_a_visitor_and_a_trainee_get_the_links_url_for_builds(app, client, make_user, login):
    assert chrome_links(client.get("/login").get_data(as_text=True)) == expected_links(
        app, "", nav=[], logged_in=False)
    login(make_user("trainee"))
    assert chrome_links(client.get("/account").get_data(as_text=True)) == expected_links(
        app, "", nav=TRAINEE_MENU, logged_in=True)


def test_links_follow_the_prefix_the_app_is_served_under(app, client, make_user, login):
    login(make_user("trainee"))
    root = chrome_links(client.get("/account").get_data(as_text=True))
    prefixed = chrome_links(client.get("/account", base_url="http://localhost/ce").get_data(as_text=True))
    assert prefixed == expected_links(app, "/ce", nav=TRAINEE_MENU, logged_in=True)
    assert all(link.startswith("/ce/") for link in prefixed)
    assert chrome_links(client.get("/account").get_data(as_text=True)) == root  # and back again


def test_the_current_page_is_marked_in_the_menu(client, make_user, login):
    login(make_user("trainee"))
    html = client.get("/courses/").get_data(as_text=True)
    assert re.search(r'<a class="nav-link active"\s+aria-current="page"\s+href="/courses/">Courses</a>', html)
