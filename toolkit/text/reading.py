"""Bytes to text: detect the encoding of a report and decode it.

Real feeds deliver UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 and
Big5.  A BOM or clean UTF-8 decides at once; otherwise charset-normalizer
chooses among the legacy Chinese encodings.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import sys
import unicodedata
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


# Largest input read: far above any real report (the corpus's largest is under 1 MB), low enough
# that a runaway input (/dev/zero, a log, a disk image) is refused before it exhausts memory.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class ReadError(Exception):
    """A file that cannot be read as text.  ``str(error)`` is a one-line message."""

    def __init__(self, source: str, reason: str) -> None:
        source = display_name(source)
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` safe to print on one line in any output encoding.

    File names are bytes: ones that are not UTF-8 reach Python as lone
    surrogates, which a strict UTF-8 stream refuses (a traceback); a newline in
    a name would split an error line in two.  Both become backslash escapes.
    """
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL_CHARACTERS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def display_name(path: str | bytes | os.PathLike) -> str:
    """A file name made safe for a one-line message, whatever its bytes.

    Bytes that are not UTF-8 (surrogate-escaped by the OS layer) become
    ``\\xNN``; newlines, other control characters and line separators become
    their escapes, so a name can neither split an error line nor fail to print.
    """
    name = os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)
    if name.isprintable():
        return name
    escaped = []
    for ch in name:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a raw byte that was not valid UTF-8
            escaped.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Cf", "Zl", "Zp"):  # controls, invisibles, line breaks
            escaped.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
        else:
            escaped.append(ch)
    return "".join(escaped)


def check_encoding(name: str) -> str:
    """The codec's canonical name, or ``ValueError`` when ``name`` is not a bytes-to-text encoding.

    Python also registers str-to-str and bytes-to-bytes codecs (rot13, hex,
    base64, zlib): decoding a file with one gives a traceback or garbage.
    """
    try:
        info = codecs.lookup(name)
    except (LookupError, TypeError, ValueError):
        raise ValueError(f"unknown encoding {name!r}") from None
    # The same flag str.encode/bytes.decode use to refuse such codecs.
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"{name!r} is not a text encoding (it is a {info.name} transform)")
    return info.name


def decode(data: bytes, *, encoding: str | None = None, source: str = "<input>") -> str:
    """Decode ``data`` to text, detecting the encoding unless ``encoding`` is given.

    Raises :class:`ReadError` for bytes that are not text in any supported
    encoding (binary files, truncated multi-byte sequences).
    """
    if encoding is not None:
        try:
            check_encoding(encoding)
        except ValueError as error:
            raise ReadError(source, str(error)) from None
        try:
            return _check_text(data.decode(encoding), source)
        except UnicodeDecodeError as error:
            raise ReadError(source, f"not valid {encoding} at byte {error.start}") from None
        except (UnicodeError, ValueError, TypeError) as error:  # codecs such as idna fail otherwise
            raise ReadError(source, f"cannot be decoded as {encoding} ({error})") from None
    return _check_text(_detect_and_decode(data, source), source)


def read_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file (``"-"`` is standard input), at most ``max_bytes`` of them.

    Errors become :class:`ReadError`: FIFOs, devices, sockets and folders are
    refused without reading (a FIFO would block, /dev/zero never ends), a
    file over ``max_bytes`` is refused from its size alone.
    """
    source = os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)
    if source == "-":
        return _read_capped(sys.stdin.buffer, max_bytes, "standard input")
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ReadError(source, _os_reason(error)) from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(source, f"{_file_kind(info.st_mode)}, not a regular file")
        if info.st_size > max_bytes:
            raise ReadError(source, f"{info.st_size:,} bytes: over the {_size(max_bytes)} input cap")
        try:
            return _read_capped(handle, max_bytes, source)
        except OSError as error:
            raise ReadError(source, _os_reason(error)) from None


def _read_capped(handle, max_bytes: int, source: str) -> bytes:
    """Read to the end, refusing input that grows past ``max_bytes`` (stdin, a file being written)."""
    chunks, total = [], 0
    while True:
        chunk = handle.read(min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise ReadError(source, f"over the {_size(max_bytes)} input cap")


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 and n % (1024 * 1024) == 0 else f"{n:,} bytes"


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return "is a special file"


_OS_REASONS = {
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "too many levels of symbolic links (a symlink loop?)",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.ENAMETOOLONG: "file name too long",
    errno.ENXIO: "no such device (a socket or an unconnected device?)",
}


def _os_reason(error: OSError) -> str:
    return _OS_REASONS.get(error.errno) or (error.strerror or "cannot be read").lower()


def read_text(path: str | Path, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a file (``"-"`` is standard input) and decode it."""
    return decode(read_bytes(path, max_bytes=max_bytes), encoding=encoding, source=os.fsdecode(path))


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
