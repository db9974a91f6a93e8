"""The yardstick: the smallest honest page on this stack, served like the real app.

One ORM query of 20 rows from its own SQLite file, one small Jinja template, Flask and
Flask-SQLAlchemy as in the app. Measured in the same run on the same machine, it turns every
throughput figure into a ratio that means the same thing on a laptop and on a CI runner.
Serve it with ``gunicorn 'bench.yardstick:create_app()'`` and ``YARDSTICK_DB=/path/file.sqlite``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from flask import Flask, Response, jsonify, render_template
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROWS = 20
TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1>
<table><thead><tr><th>#</th><th>Course</th><th>Hours</th></tr></thead><tbody>
{% for item in items %}<tr><td>{{ item.id }}</td><td>{{ item.title }}</td><td>{{ item.hours }}</td></tr>
{% endfor %}</tbody></table></body></html>
"""


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    hours: Mapped[int]


def prepare(path: Path, rows: int = 200) -> None:
    """Create the yardstick's database (more rows than the page reads, so LIMIT matters)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL, hours INTEGER NOT NULL)")
        conn.executemany(
            "INSERT INTO items (id, title, hours) VALUES (?, ?, ?)",
            [(n, f"Dry needling course {n}", n % 30) for n in range(1, rows + 1)],
        )


def create_app() -> Flask:
    """The yardstick app for gunicorn (a factory, so importing this module serves nothing)."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{os.environ['YARDSTICK_DB']}"
    app.jinja_loader = DictLoader({"page.html": TEMPLATE})
    db.init_app(app)

    @app.route("/")
    def page() -> str:
        items = db.session.scalars(select(Item).order_by(Item.id).limit(ROWS)).all()
        return render_template("page.html", title="Courses", items=items)

    @app.route("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    return app
