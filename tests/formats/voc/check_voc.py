#!/usr/bin/env python3
"""Independent reader of an xport `voc` result (standard library only: zipfile, xml.etree).

  check_voc.py RESULT.zip [--zero-based] [--input EXPORT] [--boxes-from-polygons]

Checks that every Annotations/*.xml is well-formed VOC (annotation, filename, size,
objects with name/pose/truncated/difficult/bndbox), boxes lie within the image with
xmin <= xmax (1-based, inclusive) or xmin < xmax (0-based), ImageSets and images.txt list
exactly the annotated images, and classes.txt holds every name. With --input it recomputes
each image's boxes from the AAF export and compares. Prints a JSON summary; exits 1 on
failure.
"""
import argparse
import json
import math
import os
import sys
import xml.etree.ElementTree as ET
import zipfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "yolo"))
from check_yolo import (box_corners, bounds, image_size, is_single_image,  # noqa: E402
                        read_export, shape_points, tools_of)

SNAP = 1e-6  # docs/formats/voc.md: edges within 1e-6 of a pixel boundary are on it
errors = []


def fail(msg):
    errors.append(msg)


def text_of(parent, tag, where):
    node = parent.find(tag)
    if node is None:
        fail("%s: no <%s>" % (where, tag))
        return ""
    return node.text or ""


def expected_boxes(asset, one_based, from_polygons):
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
        c = (max(x1, 0), max(y1, 0), min(x2, w), min(y2, h))
        if c[2] - c[0] <= 0 or c[3] - c[1] <= 0:
            continue
        truncated = int(c != (x1, y1, x2, y2))
        if one_based:
            xmin, ymin = math.floor(c[0] + SNAP) + 1, math.floor(c[1] + SNAP) + 1
            xmin, ymin = min(xmin, w), min(ymin, h)
            xmax = max(math.ceil(c[2] - SNAP), xmin)
            ymax = max(math.ceil(c[3] - SNAP), ymin)
            c = (xmin, ymin, xmax, ymax)
        out.append((title, truncated, c))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zip")
    ap.add_argument("--zero-based", action="store_true")
    ap.add_argument("--input")
    ap.add_argument("--boxes-from-polygons", action="store_true")
    args = ap.parse_args()
    one_based = not args.zero_based

    z = zipfile.ZipFile(args.zip)
    if z.testzip() is not None:
        fail("corrupt zip entry " + z.testzip())
    names = z.namelist()
    report = json.loads(z.read("report.json"))
    ids = [n[len("Annotations/"):-4] for n in names if n.startswith("Annotations/") and n.endswith(".xml")]
    if len(set(ids)) != len(ids):
        fail("duplicate annotation files")
    classes = set(z.read("classes.txt").decode("utf-8").split("\n")[:-1])

    objects, parsed = 0, {}
    for image_id in ids:
        where = "Annotations/%s.xml" % image_id
        try:
            root = ET.fromstring(z.read(where))
        except ET.ParseError as e:
            fail("%s: not well-formed XML: %s" % (where, e))
            continue
        if root.tag != "annotation":
            fail(where + ": root is <%s>" % root.tag)
        size = root.find("size")
        width, height = int(text_of(size, "width", where)), int(text_of(size, "height", where))
        if text_of(size, "depth", where) != "3" or text_of(root, "segmented", where) != "0":
            fail(where + ": depth/segmented")
        boxes = []
        for obj in root.findall("object"):
            name = text_of(obj, "name", where)
            if not name:
                fail(where + ": empty <name>")
            if name.replace("\r", " ").replace("\n", " ") not in classes:
                fail("%s: class %r not in classes.txt" % (where, name))
            if text_of(obj, "pose", where) != "Unspecified" or text_of(obj, "difficult", where) != "0":
                fail(where + ": pose/difficult")
            truncated = text_of(obj, "truncated", where)
            if truncated not in ("0", "1"):
                fail(where + ": truncated " + truncated)
            bb = obj.find("bndbox")
            raw = [text_of(bb, t, where) for t in ("xmin", "ymin", "xmax", "ymax")]
            v = [int(x) for x in raw] if one_based else [float(x) for x in raw]
            lo = 1 if one_based else 0
            ok = (v[0] <= v[2] and v[1] <= v[3]) if one_based else (v[0] < v[2] and v[1] < v[3])
            if not ok or v[0] < lo or v[1] < lo:
                fail("%s: bad box %r" % (where, raw))
            if width > 0 and (v[2] > width or v[3] > height):
                fail("%s: box %r beyond the image %dx%d" % (where, raw, width, height))
            boxes.append((name, int(truncated), tuple(v)))
            objects += 1
        parsed[image_id] = (root, boxes)
    if objects != report["output"]["objects"]:
        fail("%d objects but report.json counts %d" % (objects, report["output"]["objects"]))

    listed = set()
    for n in names:
        if n.startswith("ImageSets/Main/") and n.endswith(".txt"):
            for line in z.read(n).decode("utf-8").split("\n")[:-1]:
                if line not in parsed:
                    fail("%s lists %r, which has no annotation" % (n, line))
                listed.add(line)
    if listed != set(parsed):
        fail("annotations missing from ImageSets: %r" % sorted(set(parsed) - listed)[:5])
    url_of = {}
    for line in z.read("images.txt").decode("utf-8").split("\n")[:-1]:
        path, _, url = line.partition("\t")
        if not (path.startswith("JPEGImages/") and path.endswith(".jpg")) or path[11:-4] not in parsed:
            fail("images.txt: %r is not an annotated image" % path)
        url_of[path[11:-4]] = url
    if set(url_of) != set(parsed):
        fail("images.txt does not list every annotated image")

    compared = 0
    if args.input:
        by_url = {}
        for asset in read_export(args.input):
            by_url.setdefault(asset.get("asset"), []).append(asset)
        expected_files = sum(1 for a in sum(by_url.values(), []) if is_single_image(a))
        if expected_files != len(parsed):
            fail("%d annotations, expected %d" % (len(parsed), expected_files))
        for image_id, url in url_of.items():
            assets = by_url.get(url, [])
            if len(assets) != 1:
                continue
            root, got = parsed[image_id]
            if root.find("filename").text != (assets[0].get("externalId") or None):
                fail("%s: filename %r" % (image_id, root.find("filename").text))
            want = expected_boxes(assets[0], one_based, args.boxes_from_polygons)
            same = len(got) == len(want) and all(
                g[0] == w[0] and g[1] == w[1] and all(abs(a - b) <= 1e-9 for a, b in zip(g[2], w[2]))
                for g, w in zip(got, want))
            if not same:
                fail("%s: boxes %r, expected %r" % (image_id, got[:3], want[:3]))
            compared += 1

    if errors:
        for e in errors[:50]:
            print("FAIL:", e, file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"annotations": len(parsed), "objects": objects, "compared_files": compared},
                     sort_keys=True))


if __name__ == "__main__":
    main()
