"""The one filter parser behind the records page, the exports and the API."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from training.records.filters import (
    API_MAX_LIMIT,
    CertificateFilter,
    QueryError,
    decode_cursor,
    encode_cursor,
    parse_api_request,
    parse_export_request,
    parse_page_request,
)


def args(**values) -> MultiDict:
    return MultiDict(values)


def errors_of(parse, query: MultiDict) -> dict[str, str]:
    with pytest.raises(QueryError) as caught:
        parse(query)
    return caught.value.errors


def test_full_filter_is_parsed_and_canonical():
    flt, listing = parse_page_request(args(
        issued_from="2026-01-01", issued_to=" 2026-06-30 ", course="DN-101", profession="chiropractor",
        license_state="TX", status="valid", sort="trainee", page="3", per_page="50",
    ))
    assert flt == CertificateFilter(
        date(2026, 1, 1), date(2026, 6, 30), "DN-101", "chiropractor", "TX", "valid"
    )
    assert (listing.sort, listing.page, listing.per_page) == ("trainee", 3, 50)
    assert flt.to_args() == {
        "issued_from": "2026-01-01", "issued_to": "2026-06-30", "course": "DN-101",
        "profession": "chiropractor", "license_state": "TX", "status": "valid",
    }


def test_empty_values_mean_any():
    flt, listing = parse_page_request(args(issued_from="", course="", status=""))
    assert flt == CertificateFilter() and flt.to_args() == {} and listing.sort == "-issued"


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "01/02/2026", "yesterday", "2026-1-1",
                                 "２０２６-01-01", "2026-01-01T00:00"])
def test_bad_dates(bad):
    errors = errors_of(parse_page_request, args(issued_from=bad))
    assert errors == {"issued_from": "enter a date as YYYY-MM-DD, e.g. 2026-01-31."}


def test_reversed_range_is_refused_on_the_end_date():
    errors = errors_of(parse_api_request, args(issued_from="2026-06-30", issued_to="2026-01-01"))
    assert errors == {"issued_to": "the end date is before the start date."}
    flt, _ = parse_api_request(args(issued_from="2026-06-30", issued_to="2026-06-30"))
    assert flt.issued_from == flt.issued_to  # one day is fine


def test_unknown_and_repeated_parameters():
    errors = errors_of(parse_page_request, MultiDict([("stauts", "valid"), ("status", "valid"),
                                                      ("status", "revoked")]))
    assert errors["stauts"].startswith("unknown parameter; allowed: issued_from, issued_to,")
    assert errors["status"] == "give this parameter only once."
    # the API has no pages or sorting: those names are unknown there
    errors = errors_of(parse_api_request, args(page="2", sort="serial"))
    assert set(errors) == {"page", "sort"}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("status", "lapsed", "choose one of revoked, superseded, suspended, expired, valid."),
        ("profession", "Physical therapist", "choose one of physical_therapist, chiropractor,"),
        ("course", "DN 101; DROP", "is not a course code (e.g. DN-101)."),
        ("license_state", "X" * 61, "use at most 60 characters."),
        ("license_state", "T\x00X", "must not contain control characters."),
        ("sort", "password_hash", "choose one of issued, -issued,"),
    ],
)
def test_bad_values(name, value, message):
    assert errors_of(parse_page_request, args(**{name: value}))[name].startswith(message)


@pytest.mark.parametrize("per_page", ["0", "101", "1000000", "-5", "ten", "1e3", "٣"])
def test_page_size_is_bounded(per_page):
    assert errors_of(parse_page_request, args(per_page=per_page)) == {
        "per_page": "enter a whole number from 1 to 100."
    }


def test_api_limit_and_cursor():
    flt, page = parse_api_request(args(limit=str(API_MAX_LIMIT), cursor=encode_cursor(41)))
    assert (page.limit, page.after_id) == (API_MAX_LIMIT, 41)
    assert errors_of(parse_api_request, args(limit="201")) == {
        "limit": "enter a whole number from 1 to 200."
    }
    assert errors_of(parse_api_request, args(limit="99999999999999999999999"))["limit"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    ["nonsense!", "abc", _b64(b"[1]"), _b64(b"[[1]]"), _b64(b'{"after": "5"}'),
     _b64(b'{"after": 0}'), _b64(b'{"after": -1}'), _b64(b'{"after": true}'),
     _b64(b'{"after": 1, "x": 2}'), _b64(b'{"after": 1e3}'), _b64(b"\xff\xfe"), "A" * 101,
     _b64(b'{"after": 99999999999999999999999}'), _b64(b'{"after": 2147483648}')],
)
def test_bad_cursors(cursor):
    with pytest.raises(ValueError):
        decode_cursor(cursor)
    assert errors_of(parse_api_request, args(cursor=cursor)) == {
        "cursor": "is not a cursor from this API; pass next_cursor unchanged."
    }


def test_cursor_round_trip():
    assert decode_cursor(encode_cursor(123456)) == 123456


def test_export_accepts_the_page_query_string_but_not_more():
    flt, listing = parse_export_request(args(status="revoked", sort="serial", page="4", per_page="50"))
    assert flt.status == "revoked" and listing.sort == "serial"
    assert set(errors_of(parse_export_request, args(cursor="x"))) == {"cursor"}


def test_every_error_is_reported_at_once():
    errors = errors_of(parse_page_request, args(issued_from="x", status="y", page="0", what="z"))
    assert set(errors) == {"issued_from", "status", "page", "what"}


@pytest.mark.parametrize(
    ("flt", "slug"),
    [
        (CertificateFilter(), "all"),
        (CertificateFilter(course="DN-101", status="valid", issued_from=date(2026, 1, 1),
                           issued_to=date(2026, 6, 30)),
         "course-DN-101_status-valid_2026-01-01_to_2026-06-30"),
        (CertificateFilter(issued_from=date(2026, 1, 1)), "from-2026-01-01"),
        (CertificateFilter(issued_to=date(2026, 1, 1)), "to-2026-01-01"),
        (CertificateFilter(license_state='Nueva "León"/../x', profession="medical_doctor"),
         "profession-medical-doctor_state-Nueva-Le-n-..-x"),
    ],
)
def test_slug_is_safe_for_file_names(flt, slug):
    assert flt.slug() == slug
