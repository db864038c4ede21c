"""Read an input file for extraction: decode it, refuse binary files.

HTML is returned as decoded text, unchanged: the extraction pipeline
masks tags, scripts, styles and template variables itself, so evidence
offsets index the decoded file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from charset_normalizer import from_bytes

from bluecarbon.errors import DocumentError

_BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP archive (DOCX, XLSX or similar)",
    b"\xd0\xcf\x11\xe0": "an OLE document (DOC or XLS)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
}
_DECLARED = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "euc-cn"}
_BIG5 = {"big5", "big5-hkscs", "cp950"}


def read_input(path: str | os.PathLike) -> str:
    """Return the decoded text of the file at ``path``.

    Tries UTF-8 (with or without a byte-order mark), then the charset the
    file declares (a GB-family declaration decodes as GB18030, its
    superset), then GB18030 and Big5, then detection by
    charset-normalizer. Raises :class:`DocumentError` for a missing,
    binary or undecodable file.
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError as error:
        raise DocumentError(f"{file}: file not found; check the path") from error
    except OSError as error:
        raise DocumentError(f"{file}: cannot be read ({error.strerror})") from error
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise DocumentError(
                f"{file} is {kind}, not text or HTML; convert it to text first "
                "(for a PDF, for example with pdftotext) and extract from that file"
            )
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(
            f"{file} looks binary (it contains NUL bytes); pass a text or HTML file"
        )
    text = _decode(data)
    if text is None:
        raise DocumentError(
            f"{file}: cannot decode as UTF-8, GB18030, Big5 or any detected encoding; "
            "convert it to UTF-8 and try again"
        )
    return text


def _decode(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    declared = _DECLARED.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        if name in _GB_FAMILY:
            candidates.append("gb18030")
        elif name in _BIG5:
            candidates.append("big5hkscs")
        else:
            candidates.append(name)
    candidates.extend(["gb18030", "big5hkscs"])
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _mostly_text(text):
            return text
    best = from_bytes(data).best()
    if best is None:
        return None
    return str(best)


def _mostly_text(text: str) -> bool:
    """Reject decodings full of control or private-use characters."""
    if not text:
        return True
    bad = sum(
        1
        for char in text
        if (ord(char) < 32 and char not in "\n\r\t\f") or 0xE000 <= ord(char) <= 0xF8FF
    )
    return bad / len(text) < 0.01
