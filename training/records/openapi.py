"""OpenAPI 3.1 description of the records API, built from the same constants the code uses.

The record schema is generated from ``EXPORT_COLUMNS`` and the filter parameters from the
filter module, so the document cannot fall behind the implementation; a test validates real
responses against it.
"""

from __future__ import annotations

from typing import Any

from training.records.csv_safe import EXPORT_COLUMNS
from training.records.filters import API_DEFAULT_LIMIT, API_MAX_LIMIT, PROFESSIONS, STATUSES

_COURSE_PATTERN = "^[A-Za-z0-9._-]+$"
_CERTIFICATE_REF = "#/components/schemas/Certificate"
_NULLABLE = {"online_active_hours", "revoked_at", "revocation_reason", "superseded_by"}
_FORMATS = {
    "verification_url": "uri",
    "email": "email",
    "completion_date": "date",
    "issue_date": "date-time",
    "revoked_at": "date-time",
}
_DESCRIPTIONS = {
    "last_name": "As printed on the certificate (frozen at issue).",
    "email": "The trainee's current account email.",
    "profession": "As printed, e.g. 'Physical therapist'.",
    "online_hours": "Decimal as text, e.g. '9.5'.",
    "online_active_hours": "Measured active time on the lessons, hours as text with two "
                           "decimals, e.g. '5.12'; null on certificates issued before time "
                           "on task was measured.",
    "practical_hours": "Decimal as text.",
    "ceus": "Decimal as text with one decimal, e.g. '2.7'.",
    "issue_date": "UTC, e.g. 2026-11-22T14:03:05Z.",
    "revoked_at": "UTC; null unless revoked.",
    "superseded_by": "Serial of the certificate that replaced this one; null otherwise.",
    "approval_number": "The boards' approvals printed on the certificate when the course has any, "
                       "otherwise the provider's approval number.",
}


def _record_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for key, header in EXPORT_COLUMNS:
        schema: dict[str, Any] = {"type": ["string", "null"] if key in _NULLABLE else "string"}
        if key in _FORMATS:
            schema["format"] = _FORMATS[key]
        if key == "status":
            schema["enum"] = list(STATUSES)
        schema["description"] = f"{header}. {_DESCRIPTIONS.get(key, '')}".strip()
        properties[key] = schema
    return {
        "type": "object",
        "properties": properties,
        "required": [key for key, _ in EXPORT_COLUMNS],
        "additionalProperties": False,
    }


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description}


_FILTER_PARAMETERS = [
    _query("issued_from", {"type": "string", "format": "date"}, "Issued on or after this UTC day."),
    _query("issued_to", {"type": "string", "format": "date"}, "Issued on or before this UTC day."),
    _query("course", {"type": "string", "maxLength": 20, "pattern": _COURSE_PATTERN}, "Course."),
    _query("profession", {"type": "string", "enum": list(PROFESSIONS)}, "Trainee's profession."),
    _query("license_state", {"type": "string", "maxLength": 60}, "License state (any case)."),
    _query("status", {"type": "string", "enum": list(STATUSES)}, "Certificate status."),
]


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


_AUTH_ERRORS = {
    "401": _error_response("Missing, malformed, unknown or revoked token, or deactivated owner."),
    "403": _error_response("The token's owner is not an auditor."),
    "429": _error_response("Too many requests."),
}


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI document as a JSON-ready dict."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dry Needling CE records API",
            "version": "1.0.0",
            "description": (
                "Read-only CE certificate records for auditors' tools. Authenticate with a bearer "
                "token created on the API tokens page. Unknown or repeated query parameters are "
                "refused with 400, as are malformed dates, reversed ranges and bad cursors."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/api/v1/certificates": {
                "get": {
                    "operationId": "listCertificates",
                    "summary": "Certificates matching the filters, in issue order, by cursor.",
                    "parameters": [
                        *_FILTER_PARAMETERS,
                        _query(
                            "limit",
                            {"type": "integer", "minimum": 1, "maximum": API_MAX_LIMIT,
                             "default": API_DEFAULT_LIMIT},
                            "Page size.",
                        ),
                        _query(
                            "cursor", {"type": "string", "maxLength": 100},
                            "next_cursor of the previous page, unchanged.",
                        ),
                    ],
                    "responses": {
                        "200": _json("CertificatePage", "One page of records."),
                        "400": _error_response("Invalid query parameters (see fields)."),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/api/v1/certificates/{serial}": {
                "get": {
                    "operationId": "getCertificate",
                    "summary": "One certificate by serial number.",
                    "parameters": [
                        {"name": "serial", "in": "path", "required": True,
                         "schema": {"type": "string", "maxLength": 40}}
                    ],
                    "responses": {
                        "200": _json("Certificate", "The record."),
                        "404": _error_response("No certificate has this serial number."),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document.",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from the API tokens page ('dnce_...').",
                }
            },
            "schemas": {
                "Certificate": _record_schema(),
                "CertificatePage": {
                    "type": "object",
                    "properties": {
                        "data": {"type": "array", "items": {"$ref": _CERTIFICATE_REF}},
                        "next_cursor": {
                            "type": ["string", "null"],
                            "description": "Pass as cursor for the next page; null on the last.",
                        },
                        "limit": {"type": "integer", "minimum": 1, "maximum": API_MAX_LIMIT},
                        "filter": {"type": "object", "additionalProperties": {"type": "string"},
                                   "description": "The filters applied, in canonical form."},
                    },
                    "required": ["data", "next_cursor", "limit", "filter"],
                    "additionalProperties": False,
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                                   "description": "One message per refused parameter."},
                    },
                    "required": ["error", "status"],
                    "additionalProperties": False,
                },
            },
        },
    }
