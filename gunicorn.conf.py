"""gunicorn's settings for the product (gunicorn reads ./gunicorn.conf.py by default):
`gunicorn config.wsgi --bind ... --workers N`. See config/server.py for why workers
freeze their loaded objects out of the garbage collector's reach."""

from config import server


def post_worker_init(worker: object) -> None:
    server.prepare_worker()


def post_request(worker: object, req: object, environ: object, resp: object) -> None:
    server.after_request()
