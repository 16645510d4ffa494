"""The Celery application.

With no broker configured (the embedded default) every task runs inline
(``task_always_eager``), so the product works on SQLite with no server at all.
With ``REDIS_URL`` set, a real worker and beat consume the same tasks.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id of a web request travels with the tasks it queues (web.request_log).
from web.request_log import connect_task_signals  # noqa: E402

connect_task_signals()
