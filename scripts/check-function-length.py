#!/usr/bin/env python3
"""Lists the functions of src/ and apps/ longer than 80 lines whose comment does not say why.

A function is a definition at column 0 (namespaces are not indented here), or a member
function defined in a class body at indent 2, from its first line to its closing "}" at the
same indent; lambdas inside count toward their function. A function may be longer when the
comment right above it has a line starting "Long:" that says why.

Exit status 1 when any function is listed. Usage: scripts/check-function-length.py [LIMIT]
"""
import pathlib
import re
import sys

LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 80
ROOT = pathlib.Path(__file__).resolve().parent.parent
START = re.compile(r"^(?!namespace\b|class\b|struct\b|enum\b|union\b|using\b|template\s*<[^>]*>\s*$|#|//|}|extern\b)[A-Za-z_~].*[)\w>&*]\s*(const\s*)?(noexcept\s*)?(override\s*)?(->\s*[\w:<>, ]+)?\s*\{?\s*$")


def comment_above(lines, index):
    out = []
    i = index - 1
    while i >= 0 and (lines[i].lstrip().startswith("//") or lines[i].lstrip().startswith("template")):
        out.append(lines[i])
        i -= 1
    return out


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def opens_function(lines, i):
    """The index of the line whose "{" opens the body of a definition starting at line i."""
    line = lines[i]
    indent = indent_of(line)
    if indent not in (0, 2) or not START.match(line[indent:]) or "(" not in line:
        return None
    j = i
    while j < len(lines) and j < i + 12:
        text = lines[j].rstrip()
        if text.endswith(";") or (j > i and indent_of(lines[j]) <= indent and text):
            return None
        if text.endswith("{"):
            return j
        j += 1
    return None


def long_functions(path):
    """(line, length, text) of each definition over LIMIT lines without a 'Long:' reason.

    Definitions at column 0 (namespaces are not indented here) and member functions
    defined in a class body at indent 2; lambdas and local classes count toward their function.
    """
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    i = 0
    while i < len(lines):
        j = opens_function(lines, i)
        if j is None:
            i += 1
            continue
        close = " " * indent_of(lines[i]) + "}"
        k = j + 1
        while k < len(lines) and not lines[k].startswith(close):
            k += 1
        length = k - i + 1
        if length > LIMIT:
            if not [c for c in comment_above(lines, i) if c.strip().lstrip("/ ").startswith("Long:")]:
                yield i + 1, length, lines[i].strip()
        i = k + 1


def main():
    found = 0
    for folder in ("src", "apps"):
        for path in sorted((ROOT / folder).rglob("*.cpp")):
            for line, length, text in long_functions(path):
                found += 1
                print(f"{path.relative_to(ROOT)}:{line}: {length} lines: {text}")
    if found:
        print(f"{found} function(s) over {LIMIT} lines without a 'Long:' comment saying why")
        return 1
    print(f"check-function-length: no function over {LIMIT} lines without a reason")
    return 0


if __name__ == "__main__":
    sys.exit(main())
