"""Auditor pages: CE records, exports, the audit log and API tokens."""

from flask import Blueprint

bp = Blueprint("records", __name__, url_prefix="/records")
