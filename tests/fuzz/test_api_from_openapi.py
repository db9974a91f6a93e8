"""The records API fuzzed from its own OpenAPI document (schemathesis).

Every operation gets requests generated from the schema (valid and invalid parameters), sent
with an auditor's bearer token; none may answer 5xx and every answer must match the document
(status codes, content type, body schema). The schema is loaded from the running app, so a
route added to the document is fuzzed without touching this file.
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings

from training.records.filters import encode_cursor

API_EXAMPLES = int(os.environ.get("FUZZ_API_EXAMPLES", "200"))


def test_api_matches_its_document(world):
    app, _users, token = world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the OpenAPI document lists no operation"
    calls = 0
    for operation in operations:

        @settings(max_examples=API_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            nonlocal calls
            calls += 1
            # a real auditor token replaces the generated one; the checks then also probe that
            # calls without it, or with a forged one, are refused
            headers = {"Authorization": f"Bearer {token}"}
            if case.query and "cursor" in case.query:
                # a cursor is opaque: the document cannot describe which strings are real ones,
                # so generated cases carry one the API made (forged cursors: tests/records)
                case.query["cursor"] = encode_cursor(1)
            if case.query and {"issued_from", "issued_to"} <= set(case.query):
                # a range must not run backwards, a rule across two parameters that OpenAPI
                # cannot state (reversed ranges are refused with 400: tests/records)
                low, high = sorted([case.query["issued_from"], case.query["issued_to"]])
                case.query.update(issued_from=low, issued_to=high)
            case.headers = {**(case.headers or {}), **headers}
            response = case.call()
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
            case.validate_response(response)

        check()
    assert calls >= len(operations)
