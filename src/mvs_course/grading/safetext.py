"""Text from students made safe to print and to open in a spreadsheet.

Student ids, file names inside zips and error texts come from students. Printed raw, an
escape sequence can rewrite the instructor's terminal (move the cursor, change a score on
screen, set the window title); written raw to a CSV, ``=HYPERLINK(…)`` runs as a formula
when the file is opened. The grading API neutralises them in the data it returns, so any
printer is safe.
"""

from __future__ import annotations

import unicodedata

# characters a spreadsheet reads as the start of a formula (OWASP's list)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: object, *, newlines: bool = False) -> str:
    """``text`` with control, format (bidi overrides, zero-width) and separator characters
    shown as ``\\x1b``-style escapes. ``newlines=True`` keeps line breaks (multi-line messages)."""
    out = []
    for char in str(text):
        if newlines and char == "\n":
            out.append(char)
        elif unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"} and char != " ":
            out.append(_escape(char))
        else:
            out.append(char)
    return "".join(out)


def spreadsheet_safe(value: object) -> str:
    """A CSV text cell no spreadsheet runs as a formula: prefixed with ``'`` when it starts like
    one, then :func:`printable`."""
    text = str(value)
    return printable("'" + text if text.startswith(FORMULA_START) else text)
