#!/usr/bin/env python3
"""Independent check of an `xport convert -f cvat` result (CVAT for images 1.1).

Reads annotations.xml from the zip with xml.etree only and checks: well-formed, version
1.1, meta before the images, every shape's and tag's label declared in the meta, every
attribute declared for its label, boxes with xtl < xbr and ytl < ybr, points that parse as
floats (polygons >= 3, polylines >= 2), image ids 0..n-1 in order, and as many images as
the input has assets. Prints a JSON summary; exits 1 with the problems otherwise.

  check_cvat.py result.zip --input export.ndjson
"""
import argparse
import json
import math
import sys
import xml.etree.ElementTree as ET
import zipfile

MIN_POINTS = {"polygon": 3, "polyline": 2, "points": 1}


def count_assets(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    stripped = text.lstrip()
    if stripped.startswith("["):
        return len(json.loads(text))
    return sum(1 for line in text.splitlines() if line.strip())


def floats(text):
    out = []
    for pair in text.split(";"):
        x, y = pair.split(",")
        out.append((float(x), float(y)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zip")
    ap.add_argument("--input", required=True)
    args = ap.parse_args()
    errors = []
    with zipfile.ZipFile(args.zip) as z:
        data = z.read("annotations.xml")
    if not data.startswith(b'<?xml version="1.0" encoding="utf-8"?>'):
        errors.append("missing XML declaration")
    root = ET.fromstring(data)
    if root.tag != "annotations":
        errors.append("root is " + root.tag)
    children = list(root)
    tags = [c.tag for c in children]
    if tags[:2] != ["version", "meta"] or children[0].text != "1.1":
        errors.append("expected <version>1.1</version><meta> first, got %r" % tags[:2])
    labels = {}
    for label in root.iterfind("meta/task/labels/label"):
        name = label.findtext("name")
        if name in labels:
            errors.append("label declared twice: %r" % name)
        labels[name] = {a.findtext("name"): a for a in label.iterfind("attributes/attribute")}
    images = root.findall("image")
    if tags[2:] != ["image"] * len(images):
        errors.append("unexpected elements after meta")
    shapes = 0
    for i, image in enumerate(images):
        if image.get("id") != str(i):
            errors.append("image %d has id %r" % (i, image.get("id")))
        float(image.get("width")), float(image.get("height"))
        for shape in image:
            where = "image %d %s" % (i, shape.tag)
            label = shape.get("label")
            if label not in labels:
                errors.append("%s: label %r not in meta" % (where, label))
                continue
            for attribute in shape.iterfind("attribute"):
                name = attribute.get("name")
                declared = labels[label].get(name)
                if declared is None:
                    errors.append("%s: attribute %r not declared" % (where, name))
                elif declared.findtext("input_type") in ("radio", "select"):
                    values = (declared.findtext("values") or "").split("\n")
                    if (attribute.text or "") not in values:
                        errors.append("%s: value %r not declared" % (where, attribute.text))
            if shape.tag == "tag":
                continue
            shapes += 1
            if shape.tag == "box":
                c = [float(shape.get(k)) for k in ("xtl", "ytl", "xbr", "ybr")]
                rotation = float(shape.get("rotation", "0"))
                if not all(map(math.isfinite, c)) or not (c[0] < c[2] and c[1] < c[3]):
                    errors.append("%s: bad box %r" % (where, c))
                if not 0 <= rotation < 360:
                    errors.append("%s: rotation %r" % (where, rotation))
            elif shape.tag in MIN_POINTS:
                try:
                    pts = floats(shape.get("points"))
                    if len(pts) < MIN_POINTS[shape.tag]:
                        errors.append("%s: %d points" % (where, len(pts)))
                except (ValueError, AttributeError):
                    errors.append("%s: points %r" % (where, shape.get("points")))
            else:
                errors.append("%s: unknown element" % where)
    assets = count_assets(args.input)
    if len(images) != assets:
        errors.append("%d images for %d assets" % (len(images), assets))
    if errors:
        print("\n".join(errors[:50]), file=sys.stderr)
        return 1
    print(json.dumps({"images": len(images), "labels": len(labels), "shapes": shapes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
