"""Streaming writers: each format renders a chunk of records to bytes, and a `FileWriter`
appends those bytes to a sink while counting size and SHA-256. Rendering is pure, so
it can run in worker processes; only the writing happens in order, in one place."""

from generation import native

native.prefer_compiled(__name__, __path__)  # before formats is imported

from generation.writers.base import FileWriter, OutputFile
from generation.writers.formats import CARDS, CONTENT_TYPES, FORMATS, Format, get_format

__all__ = ["CARDS", "CONTENT_TYPES", "FORMATS", "FileWriter", "Format", "OutputFile", "get_format"]
