"""Text of legacy Microsoft Office files: Word 97-2003 (.doc) and Excel
97-2003 (.xls), as government sites still attach them.

Both are OLE compound files. A .doc keeps its text in the WordDocument
stream as pieces, which the piece table (the Clx in the 0Table or 1Table
stream) lists. Each piece is UTF-16LE, or one byte per character in
cp1252 when marked compressed. The file information block at the start
of the WordDocument stream gives the text length and where the piece
table is. Workbooks are read with xlrd.
"""

from __future__ import annotations

import io
import logging
import struct

from bluecarbon.errors import DocumentError

logger = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# More cells than any list of firms has; a larger workbook is rejected
# before it fills memory.
MAX_XLS_CELLS = 2_000_000
WORD_MAGIC = 0xA5EC
# fWhichTblStm and fEncrypted in FibBase's flags word.
_TABLE_1 = 0x0200
_ENCRYPTED = 0x0100
# fcClx is pair 33 of FibRgFcLcb97; ccpText is item 3 of FibRgLw97.
_CLX_PAIR = 33
_CCP_TEXT = 3
_COMPRESSED = 0x40000000

# Word's control characters in the text stream and what they become.
_PARAGRAPH_MARKS = {"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x0e": "\n"}
_DROPPED = set("\x00\x01\x02\x03\x04\x05\x06\x08\x1f")
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_CELL_MARK = "\x07"
# Code pages of property sets that Python names differently.
_CODEPAGES = {65001: "utf-8", 936: "gbk", 950: "big5", 1200: "utf-16-le"}


def ole_streams(body: bytes, url: str) -> list[str]:
    """Return the stream names of an OLE compound file, as slash-joined
    paths, or raise DocumentError."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(body)) as ole:
            return ["/".join(entry) for entry in ole.listdir()]
    except (OSError, ValueError, struct.error) as error:
        raise DocumentError(
            f"{url} is a damaged Microsoft Office file ({error}); open and re-save it"
        ) from error


def doc_text(body: bytes, url: str) -> tuple[str, str | None]:
    """Return the main text and the title of a Word 97-2003 document, or
    raise DocumentError naming ``url``."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(body)) as ole:
            word = ole.openstream("WordDocument").read()
            flags = _u16(word, 0x0A) if len(word) >= 0x20 else 0
            table_name = "1Table" if flags & _TABLE_1 else "0Table"
            table = ole.openstream(table_name).read() if ole.exists(table_name) else b""
            title = _title(ole)
    except (OSError, ValueError, struct.error) as error:
        raise DocumentError(
            f"{url} is a damaged Word document ({error}); open and re-save it as DOCX"
        ) from error
    if len(word) < 0x20 or _u16(word, 0) != WORD_MAGIC:
        raise DocumentError(f"{url} has no Word 97-2003 text stream; open and re-save it as DOCX")
    if flags & _ENCRYPTED:
        raise DocumentError(
            f"{url} is a password-protected Word document; ask the publisher "
            "for an open copy or save it without a password"
        )
    try:
        text = _piece_text(word, table)
    except (IndexError, struct.error, ValueError) as error:
        raise DocumentError(
            f"{url} has a damaged Word piece table ({error}); open and re-save it as DOCX"
        ) from error
    return _clean(text), title


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from("<H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<I", data, offset)[0]


def _title(ole) -> str | None:
    try:
        metadata = ole.get_metadata()
    except Exception:
        # olefile raises assorted errors on a damaged property set; the
        # title then comes from the text.
        return None
    title = metadata.title
    if isinstance(title, bytes):
        # olefile reads the code page as a signed 16-bit number.
        codepage = (metadata.codepage or 0) & 0xFFFF
        codec = _CODEPAGES.get(codepage, f"cp{codepage}")
        try:
            title = title.decode(codec, errors="replace")
        except LookupError:
            return None
    return (title or "").strip() or None


def _piece_text(word: bytes, table: bytes) -> str:
    """Return the main document text that the piece table assembles."""
    csw = _u16(word, 32)
    lw_start = 32 + 2 + csw * 2 + 2
    cslw = _u16(word, lw_start - 2)
    ccp_text = _u32(word, lw_start + _CCP_TEXT * 4)
    pairs_start = lw_start + cslw * 4 + 2
    fc_clx = _u32(word, pairs_start + _CLX_PAIR * 8)
    lcb_clx = _u32(word, pairs_start + _CLX_PAIR * 8 + 4)
    clx = table[fc_clx : fc_clx + lcb_clx]
    if len(clx) != lcb_clx or not clx:
        raise ValueError(f"the piece table at {fc_clx} is outside the table stream")

    position = 0
    # Skip the Prc entries (formatting) before the Pcdt.
    while clx[position] == 0x01:
        position += 3 + _u16(clx, position + 1)
    if clx[position] != 0x02:
        raise ValueError(f"unexpected byte {clx[position]:#x} where the piece table starts")
    size = _u32(clx, position + 1)
    plc = clx[position + 5 : position + 5 + size]
    count = (size - 4) // 12
    positions = [_u32(plc, 4 * i) for i in range(count + 1)]
    parts = []
    remaining = ccp_text
    for index in range(count):
        if remaining <= 0:
            break
        length = min(positions[index + 1] - positions[index], remaining)
        fc = _u32(plc, 4 * (count + 1) + 8 * index + 2)
        if fc & _COMPRESSED:
            start = (fc & ~_COMPRESSED) // 2
            parts.append(word[start : start + length].decode("cp1252", errors="replace"))
        else:
            parts.append(word[fc : fc + 2 * length].decode("utf-16-le", errors="replace"))
        remaining -= length
    return "".join(parts)


def _clean(text: str) -> str:
    """Turn Word's control characters into lines and tabs, keeping the
    shown result of fields and dropping their codes."""
    output: list[str] = []
    # One entry per open field: True while in its code part.
    fields: list[bool] = []
    previous = ""
    for char in text:
        if char == _FIELD_BEGIN:
            fields.append(True)
        elif char == _FIELD_SEPARATOR:
            if fields:
                fields[-1] = False
        elif char == _FIELD_END:
            if fields:
                fields.pop()
        elif any(fields):
            pass
        elif char == _CELL_MARK:
            # A cell ends with one mark; a second one ends the row.
            output.append("\n" if previous == _CELL_MARK else "\t")
        elif char in _PARAGRAPH_MARKS:
            output.append(_PARAGRAPH_MARKS[char])
        elif char in _DROPPED:
            pass
        elif char == "\x1e":
            output.append("-")
        elif char == "\xa0":
            output.append(" ")
        else:
            output.append(char)
        previous = char
    lines = (line.strip("\t ").rstrip() for line in "".join(output).split("\n"))
    return "\n".join(line for line in lines if line)


class _XlrdLog:
    """A file-like sink for xlrd's warnings, which it otherwise prints on
    standard output; they go to the debug log instead."""

    def write(self, text: str) -> None:
        if text.strip():
            logger.debug("xlrd: %s", text.strip())


def xls_rows(body: bytes, url: str) -> list[str]:
    """Return the rows of every sheet of an Excel 97-2003 workbook, cells
    joined by tabs, or raise DocumentError.

    Sheets are read one at a time with ragged rows, so a sheet with one
    far cell is not padded to a full rectangle, and a workbook with more
    than MAX_XLS_CELLS cells is rejected.
    """
    import xlrd

    lines: list[str] = []
    cells = 0
    try:
        book = xlrd.open_workbook(
            file_contents=body, on_demand=True, ragged_rows=True, logfile=_XlrdLog()
        )
        try:
            for index in range(book.nsheets):
                sheet = book.sheet_by_index(index)
                for row in range(sheet.nrows):
                    values = sheet.row(row)
                    cells += len(values)
                    if cells > MAX_XLS_CELLS:
                        raise DocumentError(
                            f"{url} has more than {MAX_XLS_CELLS:,} cells; "
                            "split the workbook or save the sheets that matter as CSV"
                        )
                    texts = (_cell_text(cell, book.datemode) for cell in values)
                    line = "\t".join(text for text in texts if text)
                    if line:
                        lines.append(line)
                book.unload_sheet(index)
        finally:
            book.release_resources()
    except DocumentError:
        raise
    except Exception as error:
        # A damaged workbook can fail inside xlrd with errors of many
        # types, while the workbook opens or while a sheet is read.
        raise DocumentError(
            f"{url} is not a readable Excel 97-2003 workbook "
            f"({type(error).__name__}: {error}); open and re-save it as XLSX"
        ) from error
    return lines


def _cell_text(cell, datemode: int) -> str:
    """Return a cell's value as the sheet shows it: dates in ISO form,
    TRUE or FALSE, whole numbers without a decimal point."""
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(cell.value)
        if moment.time() == moment.min.time():
            return moment.date().isoformat()
        return moment.isoformat(sep=" ")
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
