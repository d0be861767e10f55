"""psycopg turns each statement's ``%s`` placeholders into PostgreSQL's ``$1``,
``$2``... with a regular expression, and keeps the result per statement text,
but only for statements of at most 50 parameters: above that, it converts the
text again on every run, because ORMs write statements of many rows whose text
changes with the number of rows.

Ours of many rows repeat their text: a start's 36 responses (one INSERT of 324
parameters), a save's and a submit's 36 answers or scores (one UPDATE each,
``assessments.row_updates``). Converting the INSERT cost a start 0.5 to 0.7 ms,
about as much as writing it (issue 13). So the limit on parameters is raised;
psycopg's other bounds still hold: statements longer than 4 KB are not kept, and
it keeps 128 statements at most.

The limit is a module constant of psycopg, not a public setting:
tests/config/test_postgres_statements.py fails if a psycopg release moves it.
"""

from __future__ import annotations

import psycopg._queries

MAX_PARAMETERS = 1000


def keep_statements_with_many_parameters() -> None:
    if psycopg._queries.MAX_CACHED_STATEMENT_PARAMS < MAX_PARAMETERS:
        psycopg._queries.MAX_CACHED_STATEMENT_PARAMS = MAX_PARAMETERS
