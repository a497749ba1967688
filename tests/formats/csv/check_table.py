#!/usr/bin/env python3
"""Independent reader for xport's csv/tsv/classification tables (Python's csv module).

usage: check_table.py OUT.zip ENTRY [--tsv]

Reads ENTRY (strict UTF-8), checks that every row has the header's column count, and
prints {"header": [...], "rows": [[...], ...], "report": report.json or null} as JSON.
Exits 1 with a message on stderr when the table is malformed.
"""
import csv
import io
import json
import sys
import zipfile


def unescape_tsv(field):
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            e = field[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(e, e))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main():
    path, entry = sys.argv[1], sys.argv[2]
    tsv = "--tsv" in sys.argv[3:]
    with zipfile.ZipFile(path) as z:
        text = z.read(entry).decode("utf-8")
        report = json.loads(z.read("report.json")) if "report.json" in z.namelist() else None
    if tsv:
        if "\r" in text:
            sys.exit("raw CR in a TSV table")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t",
                            quoting=csv.QUOTE_NONE)
        rows = [[unescape_tsv(f) for f in row] for row in reader]
    else:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    if not rows:
        sys.exit("no header row")
    header = rows[0]
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            sys.exit(f"row {n} has {len(row)} fields, the header {len(header)}")
    json.dump({"header": header, "rows": rows[1:], "report": report}, sys.stdout,
              ensure_ascii=False)


if __name__ == "__main__":
    main()
