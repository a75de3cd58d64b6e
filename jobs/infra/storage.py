"""Job files through Django's storage API: streamed writes, removal, streamed ZIPs."""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.core.files.storage import Storage, default_storage

log = logging.getLogger(__name__)

ZIP_PIECE = 1024 * 1024  # bytes read from storage at a time while zipping


def open_for_write(name: str, storage: Storage = default_storage) -> IO[bytes]:
    """A binary stream that writes `name` into storage as bytes arrive."""
    _ensure_local_folder(name, storage)
    return storage.open(name, "wb")


def delete_prefix(prefix: str, storage: Storage = default_storage) -> int:
    """Delete every file under the folder `prefix` (and the folder); the number removed."""
    removed = 0
    try:
        folders, files = storage.listdir(prefix)
    except (FileNotFoundError, NotImplementedError):
        return 0
    for folder in folders:
        removed += delete_prefix(f"{prefix.rstrip('/')}/{folder}/", storage)
    for name in files:
        storage.delete(f"{prefix.rstrip('/')}/{name}")
        removed += 1
    _remove_local_folder(prefix, storage)
    return removed


def zip_stream(
    members: Iterable[tuple[str, str]], storage: Storage = default_storage
) -> Iterator[bytes]:
    """Yield a ZIP of (archive name, storage name) members, piece by piece, never whole."""
    pipe = Pipe()
    archive = zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
    return write_members(archive, pipe, members, storage)


def write_members(
    archive: zipfile.ZipFile,
    pipe: Pipe,
    members: Iterable[tuple[str, str]],
    storage: Storage = default_storage,
) -> Iterator[bytes]:
    """Write the members into `archive` (open for writing into `pipe`), then close it;
    yield what the pipe holds after every piece. Plain and encrypted ZIPs share it."""
    with archive:
        for arcname, name in members:
            with (
                storage.open(name, "rb") as source,
                archive.open(arcname, "w", force_zip64=True) as target,
            ):
                while piece := source.read(ZIP_PIECE):
                    target.write(piece)
                    yield pipe.drain()
            yield pipe.drain()
    yield pipe.drain()


class Pipe:
    """A write-only, unseekable file that zipfile writes into and the response drains."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []
        self._offset = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        piece = bytes(data)
        self._pieces.append(piece)
        self._offset += len(piece)
        return len(piece)

    def tell(self) -> int:
        return self._offset

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass  # zipfile never closes a file it was handed; the response just stops reading

    def drain(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data


def _ensure_local_folder(name: str, storage: Storage) -> None:
    # Local disk needs the folder first; object storages have no folders to make.
    try:
        path = storage.path(name)
    except NotImplementedError:
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)


def _remove_local_folder(prefix: str, storage: Storage) -> None:
    try:
        path = storage.path(prefix)
    except NotImplementedError:
        return
    try:
        os.rmdir(path)
    except OSError:
        log.debug("folder %s not removed (not empty or already gone)", path)
