#!/usr/bin/env python3
"""Generates an NDJSON AAF export of text assets with `ner` objects, for the ner CLI tests.

Usage: gen_ner.py OUT.ndjson EXPECTED.jsonl --assets N --seed S

Texts (in contextData.text) mix ASCII, accents, CJK, emoji (outside the BMP), tabs and line
breaks; entities are random runs of words, some overlapping, exported with UTF-16 offsets
(as the platform's JavaScript counts) and their selection. EXPECTED.jsonl holds what
ner.jsonl must contain: the text and every span in code points (Python str indices).
"""
import argparse
import json
import random

WORDS = ["Lisboa", "Zoë", "São", "Paulo", "Łódź", "東京", "🚀", "naïve", "café", "the", "a",
         "meeting", "with", "👩‍💻", "Ångström", "x", "résumé", "𝒳", "data,", "(test)"]
SEPS = [" ", " ", " ", "  ", "\t", "\n", "\n\n", " \u00a0", "\u3000"]
LABELS = ["PER", "LOC", "ORG", "MISC", "Multi Word"]


def utf16(s):
    return len(s.encode("utf-16-le")) // 2


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("expected")
    p.add_argument("--assets", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    r = random.Random(a.seed)
    with open(a.out, "w", encoding="utf-8") as out, open(a.expected, "w", encoding="utf-8") as exp:
        for i in range(a.assets):
            n = r.randint(0, 30)
            words, text, starts = [], "", []
            for k in range(n):
                if k:
                    text += r.choice(SEPS)
                starts.append(len(text))
                w = r.choice(WORDS)
                words.append(w)
                text += w
            spans, tools = [], []
            for _ in range(r.randint(0, 4) if n else 0):
                f = r.randrange(n)
                l = min(n, f + r.randint(1, 3))
                st, en = starts[f], starts[l - 1] + len(words[l - 1])
                if r.random() < 0.1 and en - st > 1:
                    en -= 1  # ends inside a token
                label = r.choice(LABELS)
                spans.append({"start": st, "end": en, "label": label})
                tools.append({"ner": {"start": utf16(text[:st]), "end": utf16(text[:en]),
                                      "selection": text[st:en]},
                              "objectId": "o%d" % len(tools), "title": label, "classifications": []})
            asset = {"asset": "https://x/t%d.txt" % i, "externalId": "t%d.txt" % i,
                     "assetId": "A%d" % i, "contextData": {"text": text},
                     "task": {"taskId": "T%d" % i, "tools": tools, "classifications": []}}
            out.write(json.dumps(asset, ensure_ascii=r.random() < 0.5) + "\n")
            exp.write(json.dumps({"text": text, "spans": spans}) + "\n")


if __name__ == "__main__":
    main()
