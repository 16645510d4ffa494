"""Queueing a task from a service, by the task's name.

Tasks call services (tracker.tasks imports them); a service importing the tasks back
would close an import loop. So a service names the task it queues, and the task object
comes from the Celery app's registry, where tracker.apps puts tracker.tasks when Django
is ready. Queued inline on the embedded default (task_always_eager), as ``delay`` is."""

from __future__ import annotations

from typing import Any

from celery import current_app


def queue_task(name: str, /, *args: Any, **kwargs: Any) -> None:
    current_app.tasks[name].delay(*args, **kwargs)
