"""Static files: WhiteNoise serves hashed, compressed copies with far-future caching."""

from __future__ import annotations

import gzip
import re

import brotli

from config import TestingConfig
from training import create_app
from training.site.static_files import build_static


def built_app(tmp_path, database_url, signing_key_path):
    source = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, CERT_SIGNING_KEY_PATH=signing_key_path)
    build_static(source, tmp_path / "static-build")
    return create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, CERT_SIGNING_KEY_PATH=signing_key_path,
                      STATIC_BUILD_DIR=str(tmp_path / "static-build"))


def test_pages_link_hashed_names_served_compressed_and_cached_for_a_year(tmp_path, database_url, signing_key_path):
    app = built_app(tmp_path, database_url, signing_key_path)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1)
    bootstrap = re.search(r'href="(/bootstrap/static/css/bootstrap\.min\.[0-9a-f]{12}\.css)"', page).group(1)
    assert re.search(r'src="/static/js/app\.[0-9a-f]{12}\.js"', page)

    plain = client.get(css)
    assert plain.status_code == 200
    assert "max-age=315360000" in plain.headers["Cache-Control"] and "immutable" in plain.headers["Cache-Control"]
    original = plain.get_data()

    br = client.get(bootstrap, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert len(br.get_data()) < 40_000  # bootstrap.min.css is ~230 KB uncompressed
    assert b".btn-primary" in brotli.decompress(br.get_data())

    gz = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.get_data()) == original
    assert gz.headers["X-Content-Type-Options"] == "nosniff"


def test_a_changed_file_gets_a_new_name(tmp_path, database_url, signing_key_path):
    from training.site.static_files import hashed_name

    assert hashed_name("css/app.css", b"a") != hashed_name("css/app.css", b"b")
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", hashed_name("css/app.css", b"a"))


def test_without_a_build_source_files_are_served_briefly_cached(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/static/css/app.css"' in page
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "max-age=60, public"


def test_flask_static_build_command(tmp_path, database_url, signing_key_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, CERT_SIGNING_KEY_PATH=signing_key_path,
                     STATIC_BUILD_DIR=str(tmp_path / "out"))
    result = app.test_cli_runner().invoke(args=["static", "build"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "manifest.json").is_file()
    assert list((tmp_path / "out" / "static" / "css").glob("app.*.css.br"))
