"""Friendly error pages (JSON for the API)."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from training.extensions import db

MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to open this page.",
    404: "There is nothing at this address.",
    405: "This address does not accept that kind of request.",
    413: "The upload is too large.",
    429: "Too many requests. Please wait a moment and try again.",
    500: "Something went wrong on our side. The error has been logged.",
}


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)


def _render(status: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify(error=message, status=status), status
    return render_template("errors/error.html", status=status, message=message), status


def _csrf_error(err: CSRFError):
    return _render(400, "The form expired or was not sent from this site. Please try again.")


def _http_error(err: HTTPException):
    status = err.code or 500
    # a description given to abort() explains this particular refusal; werkzeug's defaults do not
    custom = err.description and err.description != type(err).description
    message = err.description if custom else MESSAGES.get(status, err.name)
    response = _render(status, message)
    if status == 429 and getattr(err, "retry_after", None):
        response[0].headers["Retry-After"] = str(err.retry_after)
    return response


def _server_error(err: Exception):
    db.session.rollback()
    current_app.logger.exception("Unhandled error")
    return _render(500, MESSAGES[500])
