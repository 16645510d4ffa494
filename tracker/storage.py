"""Files through Django's storage API, whichever backend holds them (settings.STORAGES).

The import readers (csv, openpyxl, zip inspection) need a file on this host's disk: a
local storage gives its own path, an object store a temporary copy, downloaded in chunks
(constant memory) and deleted when done."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage

CHUNK_BYTES = 1024 * 1024


def _own_path(storage: Storage, name: str) -> Path | None:
    try:
        return Path(storage.path(name))
    except NotImplementedError:  # object stores have no local path
        return None


@contextmanager
def local_copy(storage: Storage, name: str) -> Iterator[Path]:
    """A path on this host holding the stored file ``name``, for the time of the block."""
    own = _own_path(storage, name)
    if own is not None:
        yield own
        return
    with tempfile.TemporaryDirectory(prefix="tracker-file-") as folder:
        path = Path(folder) / Path(name).name
        with storage.open(name, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK_BYTES)
        yield path


@contextmanager
def local_output(storage: Storage, name: str) -> Iterator[Path]:
    """A path on this host to write; stored as ``name`` (replacing any file of that name)
    when the block ends without error."""
    own = _own_path(storage, name)
    if own is not None:
        own.parent.mkdir(parents=True, exist_ok=True)
        yield own
        return
    with tempfile.TemporaryDirectory(prefix="tracker-file-") as folder:
        path = Path(folder) / Path(name).name
        yield path
        storage.delete(name)
        with path.open("rb") as written:
            stored = storage.save(name, File(written))
        if stored != name:  # a name taken meanwhile: never read someone else's file
            storage.delete(stored)
            raise OSError(f"could not store {name}")
