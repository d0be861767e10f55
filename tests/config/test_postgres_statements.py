"""psycopg keeps the conversion of our statements of many rows
(config.postgres_statements): a statement of hundreds of parameters is
converted once, not on every run. These read psycopg's module constant and
cache, which are not public: they fail when a psycopg release moves them."""

import subprocess
import sys
import textwrap

import psycopg._queries
import pytest
from psycopg.adapt import Transformer

from config import postgres_statements

from .test_settings import BASE_DIR, _clean_env

# As a start's INSERT of 36 responses of 9 columns.
ROWS, COLUMNS = 36, 9
STATEMENT = "INSERT INTO t (a, b, c, d, e, f, g, h, i) VALUES " + ", ".join(
    f"({', '.join(['%s'] * COLUMNS)})" for _row in range(ROWS)
)
PARAMETERS = list(range(ROWS * COLUMNS))


@pytest.fixture
def psycopg_default(monkeypatch):
    monkeypatch.setattr(psycopg._queries, "MAX_CACHED_STATEMENT_PARAMS", 50)


def conversions_kept(statement: str, parameters: list) -> int:
    """How many of two conversions of ``statement`` came from psycopg's cache."""
    before = psycopg._queries._query2pg.cache_info().hits
    for _run in range(2):
        psycopg._queries.PostgresQuery(Transformer()).convert(statement, parameters)
    return psycopg._queries._query2pg.cache_info().hits - before


def test_psycopg_converts_a_statement_of_many_parameters_every_time(psycopg_default):
    assert conversions_kept(STATEMENT + " -- default", PARAMETERS) == 0


def test_a_statement_of_many_parameters_is_converted_once(psycopg_default):
    postgres_statements.keep_statements_with_many_parameters()
    assert conversions_kept(STATEMENT + " -- kept", PARAMETERS) == 1


def test_a_higher_limit_already_set_is_kept(monkeypatch):
    monkeypatch.setattr(psycopg._queries, "MAX_CACHED_STATEMENT_PARAMS", 5000)
    postgres_statements.keep_statements_with_many_parameters()
    assert psycopg._queries.MAX_CACHED_STATEMENT_PARAMS == 5000


@pytest.mark.parametrize(
    ("database_url", "expected"),
    [("postgres://postgres@127.0.0.1:5432/test", 1000), (None, 50)],
    ids=["postgresql", "sqlite"],
)
def test_the_settings_raise_the_limit_for_postgresql_only(database_url, expected):
    probe = textwrap.dedent(
        """
        import django
        django.setup()
        import psycopg._queries
        print(psycopg._queries.MAX_CACHED_STATEMENT_PARAMS)
        """
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) == expected
