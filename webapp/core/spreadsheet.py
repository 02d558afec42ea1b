"""CSV files the app writes: one place that makes every cell safe to open in a spreadsheet."""

import csv
import io

from flask import Response

# A cell starting with one of these is run as a formula by Excel or LibreOffice
# (OWASP "CSV injection"): =HYPERLINK(...) in a note would leak data on a click.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The cell's text, with a leading quote when a spreadsheet would take it for a formula.

    Numbers the app itself writes (e.g. a negative amount) are passed as int/float and kept.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def read_cell(text: str) -> str:
    """A cell as it was before safe_cell, when a file the app wrote is read back (import)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def to_csv(rows) -> str:
    """Semicolon-separated text (what French spreadsheets expect), every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(rows, filename: str) -> Response:
    """A CSV download with a BOM (so Excel reads UTF-8), never kept in any cache."""
    return Response(
        "\ufeff" + to_csv(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename={filename}",
            "Cache-Control": "no-store",
        },
    )
