#!/usr/bin/env python3
"""Independent reader of an `xport convert -f ner` result (standard library only).

Usage: check_ner.py RESULT.zip [--scheme BIO|BIOES] [--expect EXPECTED.jsonl]

Reads ner.conll and ner.jsonl (whichever are present) the way NER training code does and
fails (exit 1, reason on stderr) unless:
  * ner.conll: every non-blank line is "TOKEN TAG" split by str.split() into exactly two
    fields (or the "-DOCSTART- -X- -X- O" marker, followed by a blank line); tags are O or
    PREFIX-LABEL with a valid prefix; the sequences are valid (BIO: I-X only after B-X or
    I-X of the same label; BIOES: B-X (I-X)* E-X or S-X, nothing left open at a sentence
    end); the file ends with a blank line after its last sentence;
  * ner.jsonl: every line is a JSON object with a str "text", a list "spans" of
    {"start", "end", "label"} with 0 <= start < end <= len(text) (Python str indices, i.e.
    code points) and a str label, sorted by (start, end), plus "externalId", "assetId" and
    "source" ("text" or "selection"); a "selection" line is one span covering the text;
  * both: the CoNLL tokens of each document are text.split() of the JSONL documents, in
    order (CoNLL documents with no tokens are skipped), and each CoNLL entity's tokens are
    covered by a JSONL span of the same label (spaces in labels become "_").
With --expect, ner.jsonl must also hold exactly the expected {"text", "spans"} lines (spans
compared as sorted lists of (start, end, label)): an independent check of the offsets.
Prints a JSON summary: counts of documents, tokens, entities per label, and report.json.
"""
import json
import sys
import zipfile


def fail(msg):
    sys.stderr.write("check_ner: " + msg + "\n")
    sys.exit(1)


def read_conll(data, scheme):
    docs = []  # list of (tokens, tags, sentence_count)
    lines = data.split("\n")
    if data and not data.endswith("\n"):
        fail("ner.conll does not end with a newline")
    if lines and lines[-1] == "":
        lines.pop()
    cur = None
    prev = "O"
    prev_blank = True
    expect_blank = False
    for n, line in enumerate(lines, 1):
        if expect_blank:
            if line != "":
                fail("line %d: -DOCSTART- not followed by a blank line" % n)
            expect_blank = False
            prev_blank = True
            continue
        if line == "":
            if prev_blank:
                fail("line %d: two blank lines in a row" % n)
            if scheme == "BIOES" and prev[:1] in ("B", "I"):
                fail("line %d: entity left open at a sentence end" % n)
            prev = "O"
            prev_blank = True
            cur[2] += 1
            continue
        if line == "-DOCSTART- -X- -X- O":
            if not prev_blank:
                fail("line %d: -DOCSTART- inside a sentence" % n)
            cur = [[], [], 0]
            docs.append(cur)
            expect_blank = True
            continue
        if cur is None:
            fail("line %d: token before the first -DOCSTART-" % n)
        fields = line.split()
        if len(fields) != 2 or line != fields[0] + " " + fields[1]:
            fail("line %d: not 'TOKEN TAG': %r" % (n, line))
        token, tag = fields
        if tag != "O":
            prefix, dash, label = tag.partition("-")
            if not dash or not label or prefix not in ("B", "I") + (("E", "S") if scheme == "BIOES" else ()):
                fail("line %d: bad tag %r" % (n, tag))
            if prefix in ("I", "E"):
                pp, _, pl = prev.partition("-")
                if pp not in ("B", "I") or pl != label:
                    fail("line %d: %s after %s" % (n, tag, prev))
            elif scheme == "BIOES" and prev[:1] in ("B", "I"):
                fail("line %d: %s while %s is open" % (n, tag, prev))
        elif scheme == "BIOES" and prev[:1] in ("B", "I"):
            fail("line %d: O while %s is open" % (n, prev))
        cur[0].append(token)
        cur[1].append(tag)
        prev = tag
        prev_blank = False
    if expect_blank or not prev_blank:
        fail("ner.conll: last sentence not closed by a blank line")
    return docs


def read_jsonl(data):
    docs = []
    for n, line in enumerate(data.split("\n")[:-1], 1):
        try:
            d = json.loads(line)
        except ValueError as e:
            fail("ner.jsonl line %d: not JSON: %s" % (n, e))
        text = d.get("text")
        spans = d.get("spans")
        if not isinstance(text, str) or not isinstance(spans, list):
            fail("ner.jsonl line %d: no str text / list spans" % n)
        for k in ("externalId", "assetId", "source"):
            if k not in d:
                fail("ner.jsonl line %d: no %r" % (n, k))
        if d["source"] not in ("text", "selection"):
            fail("ner.jsonl line %d: source %r" % (n, d["source"]))
        last = (-1, -1)
        for s in spans:
            st, en, lab = s.get("start"), s.get("end"), s.get("label")
            if not (isinstance(st, int) and isinstance(en, int) and isinstance(lab, str) and lab):
                fail("ner.jsonl line %d: bad span %r" % (n, s))
            if not 0 <= st < en <= len(text):
                fail("ner.jsonl line %d: span %r outside the text (length %d)" % (n, s, len(text)))
            if (st, en) < last:
                fail("ner.jsonl line %d: spans not sorted" % n)
            last = (st, en)
        if d["source"] == "selection" and (len(spans) != 1 or spans[0]["start"] != 0 or spans[0]["end"] != len(text)):
            fail("ner.jsonl line %d: a selection line must be one span over its text" % n)
        docs.append(d)
    if data and not data.endswith("\n"):
        fail("ner.jsonl does not end with a newline")
    return docs


def conll_label(label):
    return "".join("_" if c.isspace() else c for c in label)


def entities(tags):
    """(first, last+1, label) of each entity in a tag sequence."""
    out = []
    for i, t in enumerate(tags):
        if t[:2] in ("B-", "S-"):
            out.append([i, i + 1, t[2:]])
        elif t[:2] in ("I-", "E-"):
            out[-1][1] = i + 1
    return out


def cross_check(conll, jsonl):
    # Assets without text write one CoNLL document holding several selection lines.
    by_text = []
    i = 0
    while i < len(jsonl):
        d = jsonl[i]
        if d["source"] == "text":
            by_text.append([d])
            i += 1
        else:
            group = [d]
            i += 1
            while i < len(jsonl) and jsonl[i]["source"] == "selection" and \
                    (jsonl[i]["externalId"], jsonl[i]["assetId"]) == (d["externalId"], d["assetId"]):
                group.append(jsonl[i])
                i += 1
            by_text.append(group)
    groups = [g for g in by_text if sum(len(x["text"].split()) for x in g) > 0 or g[0]["source"] == "text"]
    if len(groups) != len(conll):
        fail("%d CoNLL documents but %d JSONL documents" % (len(conll), len(groups)))
    for k, (group, (tokens, tags, _)) in enumerate(zip(groups, conll)):
        words = [w for d in group for w in d["text"].split()]
        if words != tokens:
            fail("document %d: CoNLL tokens differ from text.split() of ner.jsonl" % (k + 1))
        # Each CoNLL entity is backed by a JSONL span with the same label touching its tokens.
        if group[0]["source"] == "text":
            d = group[0]
            offsets = []
            pos = 0
            for w in tokens:
                pos = d["text"].index(w, pos)
                offsets.append((pos, pos + len(w)))
                pos += len(w)
            for a, b, label in entities(tags):
                ok = any(conll_label(s["label"]) == label for s in d["spans"]
                         if s["start"] < offsets[b - 1][1] and s["end"] > offsets[a][0])
                if not ok:
                    fail("document %d: entity %s over tokens %d..%d has no JSONL span" % (k + 1, label, a, b))


def main():
    args = sys.argv[1:]
    scheme = "BIO"
    if "--scheme" in args:
        i = args.index("--scheme")
        scheme = args[i + 1]
        del args[i:i + 2]
    expect = None
    if "--expect" in args:
        i = args.index("--expect")
        expect = args[i + 1]
        del args[i:i + 2]
    with zipfile.ZipFile(args[0]) as z:
        names = set(z.namelist())
        if z.testzip() is not None:
            fail("corrupt zip entry")
        conll = read_conll(z.read("ner.conll").decode("utf-8"), scheme) if "ner.conll" in names else None
        jsonl = read_jsonl(z.read("ner.jsonl").decode("utf-8")) if "ner.jsonl" in names else None
        report = json.loads(z.read("report.json")) if "report.json" in names else None
    if expect is not None:
        with open(expect, encoding="utf-8") as f:
            wanted = [json.loads(line) for line in f if line.strip()]
        if jsonl is None or len(wanted) != len(jsonl):
            fail("expected %d JSONL documents" % len(wanted))
        for n, (w, d) in enumerate(zip(wanted, jsonl), 1):
            if w["text"] != d["text"]:
                fail("ner.jsonl line %d: text differs from the expected one" % n)
            key = lambda s: (s["start"], s["end"], s["label"])
            if sorted(map(key, w["spans"])) != sorted(map(key, d["spans"])):
                fail("ner.jsonl line %d: spans %r, expected %r" % (n, d["spans"], w["spans"]))
    if conll is None and jsonl is None:
        fail("neither ner.conll nor ner.jsonl in the zip")
    if conll is not None and jsonl is not None:
        cross_check(conll, jsonl)
    labels = {}
    for tokens, tags, _ in conll or []:
        for _, _, label in entities(tags):
            labels[label] = labels.get(label, 0) + 1
    print(json.dumps({
        "conll_documents": None if conll is None else len(conll),
        "tokens": None if conll is None else sum(len(t) for t, _, _ in conll),
        "sentences": None if conll is None else sum(s for _, _, s in conll),
        "jsonl_documents": None if jsonl is None else len(jsonl),
        "spans": None if jsonl is None else sum(len(d["spans"]) for d in jsonl),
        "conll_entities": labels,
        "texts": [d["text"] for d in jsonl or []],
        "report": report,
    }))


if __name__ == "__main__":
    main()
