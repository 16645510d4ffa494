"""How a web worker prepares itself for a long life of requests (gunicorn calls these
from gunicorn.conf.py; the benchmark's in-process page measurements do the same, so they
measure the product as it is served).

Python's full garbage collection walks every tracked object of the process: the loaded
application (modules, URL patterns, compiled templates, translation catalogues, model
metadata) is a large heap, and one full collection of it is paid by whichever request
happens to trigger it (it sets the list pages' p95; figures in docs/benchmarks.md).
Those objects live as long as the process: ``gc.freeze()`` moves them out of the
collector's reach, once the application is loaded and again once the worker has served
its first requests (templates and caches are filled lazily).

A web worker's PostgreSQL sessions also plan without parallel workers: a page's queries
read a few thousand rows at most, and starting parallel workers for them cost more than
it saved (docs/benchmarks.md, "Web workers") while taking
cores from the other requests. Background tasks (rollups, imports) keep parallel plans."""

from __future__ import annotations

import gc
from typing import Any

from django.db import connection as default_connection
from django.db.backends.signals import connection_created

SERIAL_QUERIES = "SET max_parallel_workers_per_gather = 0"

WARM_AFTER_REQUESTS = 50

_served = 0


def _serial_queries(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(SERIAL_QUERIES)


def prepare_worker() -> None:
    """Web sessions plan serially; then collect what is garbage now and freeze every
    surviving object."""
    connection_created.connect(_serial_queries, dispatch_uid="config.server.serial_queries")
    if default_connection.connection is not None:  # already open (the benchmark's)
        _serial_queries(None, default_connection)
    gc.collect()
    gc.freeze()


def after_request() -> None:
    """Counts the worker's requests; freezes again once it is warm."""
    global _served
    _served += 1
    if _served == WARM_AFTER_REQUESTS:
        prepare_worker()
