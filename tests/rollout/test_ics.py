"""iCalendar text: UTC times, escaping, CRLF, folding at 75 octets."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rollout import ics

MX = timezone(timedelta(hours=-6))


def event(**fields):
    values = {
        "uid": "sesion-7@atiende.example",
        "starts_at": datetime(2025, 3, 4, 9, 0, tzinfo=MX),
        "ends_at": datetime(2025, 3, 4, 13, 30, tzinfo=MX),
        "summary": "Grupo Norte · Curso EC0305",
        "location": "Sala 2, piso 3; edificio A",
    }
    return ics.Event(**{**values, **fields})


def text(*events):
    return ics.calendar(
        events,
        name="Grupo Norte",
        stamp=datetime(2025, 1, 1, tzinfo=UTC),
        prodid="-//Atiende//Grupos//ES",
    )


def test_times_in_utc_with_z_and_fields():
    body = text(event())
    assert "DTSTART:20250304T150000Z\r\n" in body
    assert "DTEND:20250304T193000Z\r\n" in body
    assert "SUMMARY:Grupo Norte · Curso EC0305\r\n" in body
    assert "LOCATION:Sala 2\\, piso 3\\; edificio A\r\n" in body
    assert "UID:sesion-7@atiende.example\r\n" in body
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")


def test_every_line_ends_in_crlf():
    body = text(event(), event(uid="sesion-8@atiende.example"))
    assert "\n" not in body.replace("\r\n", "")
    assert body.count("BEGIN:VEVENT") == 2


def test_uid_is_stable():
    assert text(event()) == text(event())


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    body = text(event(summary="Sesión práctica ñ " * 12, description="a\nb"))
    for line in body.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:" + "Sesión práctica ñ " * 12 + "\r\n" in unfolded
    assert "DESCRIPTION:a\\nb\r\n" in unfolded


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        text(event(starts_at=datetime(2025, 3, 4, 9, 0)))
