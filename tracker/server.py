"""How a web worker prepares itself for a long life of requests (gunicorn calls these
from gunicorn.conf.py; the benchmark's in-process page measurements do the same, so they
measure the product as it is served).

Python's full garbage collection walks every tracked object of the process: the loaded
application (modules, URL patterns, compiled templates, translation catalogues, model
metadata) is ~140,000 objects, and one full collection costs ~65 ms on this hardware,
paid by whichever request happens to trigger it (one request in fifteen or so on the
list pages: their p95). Those objects live as long as the process: ``gc.freeze()``
moves them out of the collector's reach, once the application is loaded and again once
the worker has served its first requests (templates and caches are filled lazily)."""

from __future__ import annotations

import gc

WARM_AFTER_REQUESTS = 50

_served = 0


def prepare_worker() -> None:
    """Collect what is garbage now, then freeze every surviving object."""
    gc.collect()
    gc.freeze()


def after_request() -> None:
    """Counts the worker's requests; freezes again once it is warm."""
    global _served
    _served += 1
    if _served == WARM_AFTER_REQUESTS:
        prepare_worker()
