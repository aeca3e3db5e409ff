"""Bytes to text: detect the encoding of a report and decode it.

Real feeds deliver UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 and
Big5.  A BOM or clean UTF-8 decides at once; otherwise charset-normalizer
chooses among the legacy Chinese encodings.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

# Encodings charset-normalizer may choose from when the bytes are not UTF-8.
# Restricting the candidates keeps detection fast and stops it from picking
# a Western code page for short Chinese texts.
CANDIDATE_ENCODINGS = ("gb18030", "big5", "utf_16")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class ReadError(Exception):
    """A file that cannot be read as text.  ``str(error)`` is a one-line message."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


def decode(data: bytes, *, encoding: str | None = None, source: str = "<input>") -> str:
    """Decode ``data`` to text, detecting the encoding unless ``encoding`` is given.

    Raises :class:`ReadError` for bytes that are not text in any supported
    encoding (binary files, truncated multi-byte sequences).
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ReadError(source, f"unknown encoding {encoding!r}") from None
        try:
            return _check_text(data.decode(encoding), source)
        except UnicodeDecodeError as error:
            raise ReadError(source, f"not valid {encoding} at byte {error.start}") from None
    return _check_text(_detect_and_decode(data, source), source)


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a file (``"-"`` is standard input); errors become :class:`ReadError`."""
    source = str(path)
    try:
        if source == "-":
            import sys

            return sys.stdin.buffer.read()
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ReadError(source, "no such file") from None
    except IsADirectoryError:
        raise ReadError(source, "is a directory") from None
    except PermissionError:
        raise ReadError(source, "permission denied") from None
    except OSError as error:
        raise ReadError(source, error.strerror or "cannot be read") from None


def read_text(path: str | Path, *, encoding: str | None = None) -> str:
    """Read a file (``"-"`` is standard input) and decode it."""
    return decode(read_bytes(path), encoding=encoding, source=str(path))


def _detect_and_decode(data: bytes, source: str) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name)
            except UnicodeDecodeError as error:
                raise ReadError(source, f"not valid {name} at byte {error.start}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Valid UTF-8 up to a cut-off last character: a truncated file, not GB18030.
        if error.end == len(data) and error.reason == "unexpected end of data":
            raise ReadError(source, "truncated: ends inside a UTF-8 character") from None
    if b"\x00" in data:
        raise ReadError(source, "binary data, not text")

    from charset_normalizer import (
        from_bytes,  # imported here: only legacy-encoded files need it
    )

    best = from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is None:
        raise ReadError(source, "not text in UTF-8, UTF-16, GB18030 or Big5 (binary or truncated?)")
    return str(best)


_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")  # below 32, other than \t \n \v \f \r


def _check_text(text: str, source: str) -> str:
    """Refuse decoded 'text' that is mostly control characters (binary that happened to decode)."""
    if not text:
        return text
    sample = text[:4096]
    controls = len(_CONTROLS.findall(sample))  # a regex: a loop over characters in Python was a tenth of tagging
    if controls > max(2, len(sample) // 100):
        raise ReadError(source, "binary data, not text")
    return text
