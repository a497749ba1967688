#!/usr/bin/env python3
"""Independent reader of an xport `kitti` result (standard library only).

  check_kitti.py RESULT.zip [--input EXPORT] [--boxes-from-polygons] [--class-map JSON]

Checks that every label_2/*.txt line has exactly 15 space-separated fields, that the 14
numeric ones parse (occluded as an integer), truncated is in [0, 1], left <= right and
top <= bottom, and that images.txt lists exactly the label files. With --input it
recomputes each image's lines from the AAF export (type token, truncation, box) and
compares. Prints a JSON summary; exits 1 on failure.
"""
import argparse
import json
import math
import os
import re
import sys
import zipfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "yolo"))
from check_yolo import (box_corners, bounds, image_size, is_single_image,  # noqa: E402
                        read_export, shape_points, tools_of)

errors = []


def fail(msg):
    errors.append(msg)


def token(name):
    # White space as Python's str.split() sees it, and control characters, become '_'.
    return "".join("_" if (c.isspace() or ord(c) < 0x20 or ord(c) == 0x7f) else c for c in name)


def expected_lines(asset, from_polygons, class_map):
    size = image_size(asset)
    w, h = size if size else (math.inf, math.inf)
    out = []
    for t in tools_of(asset):
        title = t.get("title")
        if not isinstance(title, str) or not title:
            continue
        if "bounding-box" in t:
            x1, y1, x2, y2 = bounds(box_corners(t["bounding-box"]))
        elif from_polygons and shape_points(t):
            x1, y1, x2, y2 = bounds(shape_points(t))
        else:
            continue
        if x2 - x1 <= 0 or y2 - y1 <= 0:
            continue
        area = (x2 - x1) * (y2 - y1)
        c = (max(x1, 0), max(y1, 0), min(x2, w), min(y2, h))
        if c[2] - c[0] <= 0 or c[3] - c[1] <= 0:
            continue
        truncated = 1 - (c[2] - c[0]) * (c[3] - c[1]) / area if c != (x1, y1, x2, y2) else 0
        out.append([class_map.get(title) or token(title), truncated, 0, -10] + list(c) + [0] * 7)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zip")
    ap.add_argument("--input")
    ap.add_argument("--boxes-from-polygons", action="store_true")
    ap.add_argument("--class-map", default="{}", help="the class_map option, as JSON")
    args = ap.parse_args()

    z = zipfile.ZipFile(args.zip)
    if z.testzip() is not None:
        fail("corrupt zip entry " + z.testzip())
    report = json.loads(z.read("report.json"))
    labels = {n[8:-4]: n for n in z.namelist() if re.fullmatch(r"label_2/[^/]+\.txt", n)}
    number = re.compile(r"-?[0-9]+\.[0-9]{2}")
    parsed, objects = {}, 0
    for stem, name in labels.items():
        text = z.read(name).decode("utf-8")
        if text and not text.endswith("\n"):
            fail(name + ": last line without a newline")
        rows = []
        for line in text.splitlines():
            f = line.split(" ")
            if len(f) != 15 or len(line.split()) != 15:
                fail("%s: %d fields: %r" % (name, len(f), line))
                continue
            if not f[0]:
                fail("%s: empty type" % name)
            try:
                values = [float(v) for v in f[1:]]
                occluded = int(f[2])
            except ValueError:
                fail("%s: a numeric field does not parse: %r" % (name, line))
                continue
            if not all(number.fullmatch(v) for i, v in enumerate(f[1:]) if i != 1):
                fail("%s: not 2 decimals: %r" % (name, line))
            if not 0 <= values[0] <= 1 or occluded not in (0, 1, 2, 3):
                fail("%s: truncated/occluded out of range: %r" % (name, line))
            left, top, right, bottom = values[3:7]
            if not (0 <= left <= right and 0 <= top <= bottom):
                fail("%s: bad box: %r" % (name, line))
            rows.append([f[0]] + values)
            objects += 1
        parsed[stem] = rows
    if objects != report["output"]["objects"]:
        fail("%d objects but report.json counts %d" % (objects, report["output"]["objects"]))

    url_of = {}
    for line in z.read("images.txt").decode("utf-8").split("\n")[:-1]:
        path, _, url = line.partition("\t")
        m = re.fullmatch(r"image_2/([^/]+)\.[A-Za-z0-9]+", path)
        if not m or m.group(1) not in labels or m.group(1) in url_of:
            fail("images.txt: %r is not exactly one label file's image" % path)
            continue
        url_of[m.group(1)] = url
    if set(url_of) != set(labels):
        fail("images.txt does not list every label file")

    compared = 0
    if args.input:
        by_url = {}
        for asset in read_export(args.input):
            by_url.setdefault(asset.get("asset"), []).append(asset)
        expected_files = sum(1 for a in sum(by_url.values(), []) if is_single_image(a))
        if expected_files != len(labels):
            fail("%d label files, expected %d" % (len(labels), expected_files))
        for stem, url in url_of.items():
            assets = by_url.get(url, [])
            if len(assets) != 1:
                continue
            want, got = expected_lines(assets[0], args.boxes_from_polygons,
                                  json.loads(args.class_map)), parsed[stem]
            same = len(want) == len(got) and all(
                g[0] == w[0] and all(abs(a - b) <= 0.005 + 1e-9 for a, b in zip(g[1:], w[1:]))
                for g, w in zip(got, want))
            if not same:
                fail("%s: %r, expected %r" % (stem, got[:2], want[:2]))
            compared += 1

    if errors:
        for e in errors[:50]:
            print("FAIL:", e, file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"label_files": len(labels), "objects": objects, "compared_files": compared},
                     sort_keys=True))


if __name__ == "__main__":
    main()
