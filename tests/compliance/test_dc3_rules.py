"""Pure rules of the DC-3: identifiers, deadlines, hours."""

from datetime import date

import pytest

from accounts.mexican_ids import curp_error, rfc_error
from compliance.deadlines import business_days_between, dc3_due_on
from compliance.documents import course_hours
from tests.compliance.support import EMPLOYER_RFC, valid_curp, valid_rfc

ANA = valid_curp("GOMA850101MDFRRN0")

CURP_CASES = [
    (ANA, None),
    ("GOMA8501", "18 caracteres; tiene 8"),
    ("1OMA850101MDFRRN01", "carácter 1 («1») debe ser una letra"),
    ("GOMA85O101MDFRRN01", "carácter 7 («O») debe ser un dígito"),
    (valid_curp("GOMA851301MDFRRN0"), "fecha de nacimiento"),
    (ANA[:-1] + ("1" if ANA[-1] != "1" else "2"), "carácter 18"),
    (valid_curp("GOMA850101MZZRRN0"), "clave de estado"),
]


@pytest.mark.parametrize(("value", "expected"), CURP_CASES)
def test_curp_error_names_the_failing_character_or_check(value, expected):
    problem = curp_error(value)
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


RFC_CASES = [
    (EMPLOYER_RFC, None),  # a company: 12 characters
    (valid_rfc("GOMA850101AB"), None),  # a person: 13
    ("ATE0101", "12 caracteres (persona moral) o 13 (persona física); tiene 7"),
    ("AT1010101AB7", "carácter 3 («1») debe ser una letra"),
    (valid_rfc("ATE011301AB"), "fecha del RFC (caracteres 4 a 9"),
    (EMPLOYER_RFC[:-1] + ("1" if EMPLOYER_RFC[-1] != "1" else "2"), "carácter 12"),
    ("XAXX010101000", "homoclave"),
]


@pytest.mark.parametrize(("value", "expected"), RFC_CASES)
def test_rfc_error_names_the_failing_character_or_check(value, expected):
    problem = rfc_error(value)
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


DUE_CASES = [
    # course end, due (20 business days later)
    (date(2026, 3, 2), date(2026, 3, 31)),  # 16 March (Benito Juárez) skipped
    (date(2026, 6, 1), date(2026, 6, 29)),  # no holiday
    (date(2026, 12, 18), date(2027, 1, 19)),  # 25 Dec and 1 Jan skipped
    (date(2026, 6, 6), date(2026, 7, 3)),  # a Saturday: counting starts Monday
]


@pytest.mark.parametrize(("ended", "due"), DUE_CASES)
def test_dc3_is_due_20_business_days_after_the_course_ends(ended, due):
    assert dc3_due_on(ended) == due
    assert business_days_between(ended, due) == 20


HOURS_CASES = [
    # override, lesson minutes, session seconds, hours
    (None, 0, 0, 0),
    (None, 20, 0, 1),  # something is at least an hour
    (None, 90, 0, 2),  # 1.5 h: halves up
    (None, 80, 0, 1),
    (None, 60, 3 * 3600, 4),
    (12, 60, 3 * 3600, 12),  # the trainer's figure wins
]


@pytest.mark.parametrize(("override", "minutes", "seconds", "hours"), HOURS_CASES)
def test_course_hours(override, minutes, seconds, hours):
    assert (
        course_hours(override=override, lesson_minutes=minutes, session_seconds=seconds)
        == hours
    )
