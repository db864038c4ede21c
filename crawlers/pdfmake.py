"""A minimal PDF writer for Chinese text, for the demo site and test fixtures.

The text uses the standard CJK font STSong-Light with the UniGB-UCS2-H
CMap, which PDF readers supply themselves (Adobe's Asian font packs,
poppler's fallback fonts), so no font file is embedded and the text layer
is UTF-16 that pypdf extracts. Characters outside the Basic Multilingual
Plane are not representable in UCS-2 and are rejected.
"""

from __future__ import annotations

PAGE_WIDTH = 595  # A4 in points
PAGE_HEIGHT = 842
MARGIN = 72
FONT_SIZE = 12
LINE_HEIGHT = 20
# Full-width characters are FONT_SIZE points wide.
CHARS_PER_LINE = (PAGE_WIDTH - 2 * MARGIN) // FONT_SIZE
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LINE_HEIGHT


def _utf16_hex(text: str) -> str:
    if any(ord(char) > 0xFFFF for char in text):
        raise ValueError(f"text outside the Basic Multilingual Plane: {text!r}")
    return text.encode("utf-16-be").hex().upper()


def _wrap(paragraphs: list[str]) -> list[str]:
    """Break paragraphs into lines of at most CHARS_PER_LINE full-width
    characters (ASCII counts as half), as Chinese typesetting does: at any
    character, not only at spaces."""
    lines: list[str] = []
    for paragraph in paragraphs:
        line = ""
        width = 0.0
        for char in paragraph:
            char_width = 0.5 if ord(char) < 0x80 else 1.0
            if width + char_width > CHARS_PER_LINE:
                lines.append(line)
                line, width = "", 0.0
            line += char
            width += char_width
        lines.append(line)
    return lines


def make_pdf(paragraphs: list[str], *, title: str) -> bytes:
    """Return a PDF that shows ``paragraphs`` (wrapped at the margin, with
    page breaks) and carries ``title`` in its document information."""
    lines = _wrap(paragraphs)
    pages = [
        lines[start : start + LINES_PER_PAGE]
        for start in range(0, max(len(lines), 1), LINES_PER_PAGE)
    ]
    objects: list[bytes] = []

    def add(content: bytes) -> int:
        objects.append(content)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    pages_id = add(b"")
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 "
        b"/Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    cid_font = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor %d 0 R /DW 1000 /W [1 95 500] >>" % descriptor
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H "
        b"/Encoding /UniGB-UCS2-H /DescendantFonts [%d 0 R] >>" % cid_font
    )
    page_ids = []
    for page_lines in pages:
        commands = [b"BT", b"/F1 %d Tf" % FONT_SIZE, b"%d TL" % LINE_HEIGHT]
        commands.append(b"%d %d Td" % (MARGIN, PAGE_HEIGHT - MARGIN))
        for line in page_lines:
            commands.append(b"<%s> Tj T*" % _utf16_hex(line).encode("ascii"))
        commands.append(b"ET")
        stream = b"\n".join(commands)
        content = add(
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        )
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, PAGE_WIDTH, PAGE_HEIGHT, font, content)
            )
        )
    kids = b" ".join(b"%d 0 R" % page_id for page_id in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        kids,
        len(page_ids),
    )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    info = add(
        b"<< /Title <FEFF%s> /Producer (bluecarbon pdfmake) >>"
        % _utf16_hex(title).encode("ascii")
    )

    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        output += b"%010d 00000 n \n" % offset
    output += (
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return bytes(output)
