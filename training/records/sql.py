"""SQL that formats values the way exports print them, on both supported databases.

Exports stream hundreds of thousands of rows; letting the database produce the final text
(ISO 8601 times, snapshot fields pulled out of the JSON) means each row reaches Python as a
tuple of strings, with no JSON decoding or datetime parsing per row.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class iso_utc(FunctionElement):  # noqa: N801 - reads like the SQL function it renders
    """A stored naive-UTC timestamp as ``YYYY-MM-DDTHH:MM:SSZ`` text (NULL stays NULL)."""

    type = String()
    inherit_cache = True
    name = "iso_utc"


class iso_date(FunctionElement):  # noqa: N801
    """A date as ``YYYY-MM-DD`` text."""

    type = String()
    inherit_cache = True
    name = "iso_date"


@compiles(iso_utc, "sqlite")
def _iso_utc_sqlite(element, compiler, **kw) -> str:
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {compiler.process(element.clauses, **kw)})"


@compiles(iso_utc, "postgresql")
def _iso_utc_postgresql(element, compiler, **kw) -> str:
    return f"""to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


@compiles(iso_date, "sqlite")
def _iso_date_sqlite(element, compiler, **kw) -> str:
    return f"strftime('%Y-%m-%d', {compiler.process(element.clauses, **kw)})"


@compiles(iso_date, "postgresql")
def _iso_date_postgresql(element, compiler, **kw) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"
