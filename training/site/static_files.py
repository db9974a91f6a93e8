"""Static files served by WhiteNoise: hashed names, gzip and brotli, far-future caching.

``flask static build`` (run by ``make run`` and once per release in production) copies the
app's static folder and the Bootstrap files the pages load into ``STATIC_BUILD_DIR`` under
content-hashed names (``app.3f2a9c01b7de.css``), writes ``.gz`` and ``.br`` copies beside them
and a ``manifest.json``. When that manifest exists, ``url_for('static', ...)`` links to the
hashed names, which WhiteNoise serves with a one-year immutable ``Cache-Control``: a changed
file gets a new name, so a browser never needs to revalidate. Without a build (tests,
``flask run``), WhiteNoise serves the source folders under their own names, briefly cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

MANIFEST = "manifest.json"
#: the Bootstrap files base.html loads (Bootstrap-Flask's own files)
BOOTSTRAP_FILES = ("css/bootstrap.min.css", "js/bootstrap.bundle.min.js", "js/bootstrap.min.js")
#: endpoint -> (folder inside the build, URL prefix WhiteNoise serves it under)
SECTIONS = {"static": ("static", "static/"), "bootstrap.static": ("bootstrap", "bootstrap/static/")}
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.\w+$")
ONE_YEAR = 365 * 24 * 3600


def source_folders(app: Flask) -> dict[str, tuple[Path, tuple[str, ...] | None]]:
    """Per endpoint: the source folder and the files to take from it (None: every file)."""
    bootstrap_root = Path(app.blueprints["bootstrap"].static_folder)
    return {
        "static": (Path(app.static_folder), None),
        "bootstrap.static": (bootstrap_root, BOOTSTRAP_FILES),
    }


def hashed_name(relative: str, data: bytes) -> str:
    stem, dot, extension = relative.rpartition(".")
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"{stem}.{digest}.{extension}" if dot else f"{relative}.{digest}"


def build_static(app: Flask, target: Path) -> dict[str, dict[str, str]]:
    """Write the hashed, compressed copies and the manifest; replaces ``target`` atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".static-", dir=target.parent))
    compressor = Compressor(quiet=True)
    manifest: dict[str, dict[str, str]] = {}
    for endpoint, (root, only) in source_folders(app).items():
        folder = SECTIONS[endpoint][0]
        names = only or sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        manifest[endpoint] = {}
        for relative in names:
            source = root / relative
            if not source.is_file():
                continue
            data = source.read_bytes()
            name = hashed_name(relative, data)
            destination = staging / folder / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            if compressor.should_compress(name):
                compressor.compress(str(destination))
            manifest[endpoint][relative] = name
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    old = target.with_name(target.name + ".old")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def load_manifest(build_dir: Path) -> dict[str, dict[str, str]] | None:
    path = build_dir / MANIFEST
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def is_hashed(_path: str, url: str) -> bool:
    """WhiteNoise's test for files that never change under their name."""
    return bool(HASHED_NAME.search(url))


def _nosniff(headers, _path, _url):
    headers["X-Content-Type-Options"] = "nosniff"


def register_static_files(app: Flask) -> None:
    """Serve static files through WhiteNoise; use the hashed build when there is one."""
    setting = app.config.get("STATIC_BUILD_DIR")
    build_dir = Path(setting) if setting else None
    manifest = load_manifest(build_dir) if build_dir else None
    whitenoise = WhiteNoise(app.wsgi_app, max_age=None if manifest else 60, immutable_file_test=is_hashed,
                            autorefresh=False, add_headers_function=_nosniff)
    if manifest:
        for folder, prefix in SECTIONS.values():
            whitenoise.add_files(str(build_dir / folder), prefix=prefix)
    else:
        for endpoint, (root, _only) in source_folders(app).items():
            whitenoise.add_files(str(root), prefix=SECTIONS[endpoint][1])
    app.wsgi_app = whitenoise
    app.extensions["static_manifest"] = manifest or {}

    @app.url_defaults
    def hashed_static_names(endpoint, values):
        names = app.extensions["static_manifest"].get(endpoint)
        if names and "filename" in values:
            values["filename"] = names.get(values["filename"], values["filename"])

    app.cli.add_command(static_cli)


@click.group("static")
def static_cli():
    """Static files: build the hashed, compressed copies WhiteNoise serves."""


@static_cli.command("build")
@with_appcontext
def build_command():
    """Write STATIC_BUILD_DIR (run once per release, before the app starts)."""
    if not current_app.config.get("STATIC_BUILD_DIR"):
        raise click.ClickException("STATIC_BUILD_DIR is not set")
    target = Path(current_app.config["STATIC_BUILD_DIR"])
    manifest = build_static(current_app, target)
    count = sum(len(names) for names in manifest.values())
    click.echo(f"Built {count} static files into {target}")
