"""The load test's view of what each request cost the server (load settings
only): the worker process's CPU time and the number of SQL queries, in the
response headers ``X-Load-Cpu-Ms`` and ``X-Load-Queries``.

On a machine whose cores are shared, latency says how long the request waited;
these say what it cost, whatever else ran. A gunicorn sync worker serves one
request at a time, so the process's CPU time over the request is the request's.
"""

import time

from django.db import connection


class RequestCostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.process_time()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Load-Cpu-Ms"] = f"{(time.process_time() - started) * 1000:.1f}"
        response["X-Load-Queries"] = str(queries)
        return response
