#!/usr/bin/env python3
"""Independent reader of an xport `yolo` result (standard library only).

  check_yolo.py RESULT.zip [--task detect|segment|obb] [--input EXPORT] [--boxes-from-polygons]

Checks that the zip is sound, data.yaml (or obj.names/obj.data) is readable and its names
match what a YAML parser reads (PyYAML, when installed), every label line has a valid class
index and the right number of values in [0, 1], and there is exactly one label file per
listed image. With --input it recomputes every label line from the AAF export (its own
geometry code, not xport's) and compares. Prints a JSON summary; exits 1 on any failure.
"""
import argparse
import io
import json
import math
import re
import sys
import zipfile

NON_IMAGE = {"mp4", "mov", "avi", "mkv", "webm", "m4v", "mpg", "mpeg", "wmv", "flv", "3gp",
             "mp3", "wav", "flac", "ogg", "m4a", "aac", "pdf", "txt", "csv", "json", "html",
             "htm", "md", "doc", "docx", "xml"}
TOL = 1e-9

errors = []


def fail(msg):
    errors.append(msg)
    if len(errors) > 50:
        finish({})


def finish(summary):
    if errors:
        for e in errors[:50]:
            print("FAIL:", e, file=sys.stderr)
        sys.exit(1)
    print(json.dumps(summary, sort_keys=True))
    sys.exit(0)


# --- data.yaml: a tiny tolerant reader (flat keys, `names:` mapping of quoted scalars) ---

def yaml_unquote(s):
    s = s.strip()
    if not (len(s) >= 2 and s[0] == '"' and s[-1] == '"'):
        if s.startswith("'") and s.endswith("'"):
            return s[1:-1].replace("''", "'")
        return s
    out, i, body = [], 0, s[1:-1]
    simple = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "/": "/", "0": "\0",
              "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "v": "\v", " ": " "}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            out.append(chr(int(body[i + 2:i + 2 + n], 16)))
            i += 2 + n
        else:
            raise ValueError("unknown escape \\" + e)
    return "".join(out)


def strip_comment(value):
    # A comment starts at " #" outside quotes.
    q, i = None, 0
    while i < len(value):
        c = value[i]
        if q:
            if c == "\\" and q == '"':
                i += 1
            elif c == q:
                q = None
        elif c in "\"'":
            q = c
        elif c == "#" and (i == 0 or value[i - 1] == " "):
            return value[:i].rstrip()
        i += 1
    return value.strip()


def read_data_yaml(text):
    doc, names, in_names = {}, {}, False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith(" ") and in_names:
            key, _, value = line.strip().partition(":")
            names[int(key)] = yaml_unquote(strip_comment(value))
            continue
        in_names = False
        key, _, value = line.partition(":")
        value = strip_comment(value)
        if key == "names":
            in_names = True
            if value not in ("", "{}"):
                fail("names is not a block mapping: " + value)
            continue
        if value.startswith("["):
            doc[key] = [yaml_unquote(v) for v in value[1:-1].split(",")]
        else:
            doc[key] = yaml_unquote(value)
    if sorted(names) != list(range(len(names))):
        fail("names indices are not 0..n-1 without gaps: %r" % sorted(names))
    doc["names"] = [names[i] for i in sorted(names)]
    return doc


# --- the AAF export, read independently -------------------------------------------------

def read_export(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"PK\x03\x04":
        z = zipfile.ZipFile(io.BytesIO(data))
        data = z.read(z.namelist()[0])
    text = data.decode("utf-8-sig")
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def tools_of(asset):
    if isinstance(asset.get("task"), dict):
        return asset["task"].get("tools") or []
    tasks = asset.get("tasks") or []
    return (tasks[0].get("objects") or []) if tasks else []


def extension(name):
    name = re.split(r"[/\\]", name)[-1]
    if "." not in name[1:]:
        return ""
    ext = name.rsplit(".", 1)[1]
    return ext.lower() if 0 < len(ext) <= 5 and ext.isalnum() else ""


def is_single_image(asset):
    if asset.get("dataset"):
        return False
    for t in tools_of(asset):
        if isinstance(t.get("page"), int) and t["page"] > 0:
            return False
    url_name = (asset.get("asset") or "").split("?")[0].split("#")[0].rsplit("/", 1)[-1]
    return not any(extension(n) in NON_IMAGE for n in (asset.get("externalId") or "", url_name))


def image_size(asset):
    md = asset.get("metadata") or {}
    w, h = md.get("width"), md.get("height")
    ok = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
    return (float(w), float(h)) if ok(w) and ok(h) else None


def rotated_corners(r):
    """The exported corners, else the platform's: (x, y) stays the first corner, then come
    (x, y) + height, + height + width, + width, each side rotated by `rotation` degrees."""
    if r.get("corners"):
        return [(float(p[0]), float(p[1])) for p in r["corners"]]
    x, y, w, h = r["x"], r["y"], r["width"], r["height"]
    a = math.radians(r.get("rotation") or 0)
    wx, wy = w * math.cos(a), w * math.sin(a)
    hx, hy = -h * math.sin(a), h * math.cos(a)
    return [(x, y), (x + hx, y + hy), (x + hx + wx, y + hy + wy), (x + wx, y + wy)]


def box_corners(b):
    x1, x2 = sorted((b["x"], b["x"] + b["width"]))
    y1, y2 = sorted((b["y"], b["y"] + b["height"]))
    return [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]


def bounds(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def unit(v):
    return min(max(v, 0.0), 1.0)


def ring(points, w, h):
    pts = [(unit(x / w), unit(y / h)) for x, y in points]
    area = sum(pts[i][0] * pts[(i + 1) % len(pts)][1] - pts[(i + 1) % len(pts)][0] * pts[i][1]
               for i in range(len(pts)))
    return [c for p in pts for c in p] if area != 0 else None


def shape_points(t):
    if "rotated-bounding-box" in t:
        return rotated_corners(t["rotated-bounding-box"])
    if "polygon" in t:
        return [tuple(p[:2]) for p in t["polygon"]] if len(t["polygon"]) >= 3 else None
    if "segmentation" in t:
        pts = [tuple(p[:2]) for z in t["segmentation"].get("zones", []) for p in z["region"]]
        return pts or None
    return None


def expected_lines(asset, task, from_polygons):
    """(title, values) per label line, in object order."""
    w, h = image_size(asset)
    out = []
    for t in tools_of(asset):
        title = t.get("title")
        if not isinstance(title, str) or not title:
            continue
        if task == "detect":
            if "bounding-box" in t:
                x1, y1, x2, y2 = bounds(box_corners(t["bounding-box"]))
            elif from_polygons and shape_points(t):
                x1, y1, x2, y2 = bounds(shape_points(t))
            else:
                continue
            if x2 - x1 <= 0 or y2 - y1 <= 0:
                continue
            x1, x2 = max(x1, 0), min(x2, w)
            y1, y2 = max(y1, 0), min(y2, h)
            if x2 - x1 <= 0 or y2 - y1 <= 0:
                continue
            out.append((title, [(x1 + x2) / 2 / w, (y1 + y2) / 2 / h, (x2 - x1) / w, (y2 - y1) / h]))
        elif task == "obb":
            if "rotated-bounding-box" in t:
                pts = rotated_corners(t["rotated-bounding-box"])
            elif "bounding-box" in t:
                pts = box_corners(t["bounding-box"])
            elif from_polygons and "rotated-bounding-box" not in t and shape_points(t):
                x1, y1, x2, y2 = bounds(shape_points(t))
                pts = [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]
            else:
                continue
            r = ring(pts, w, h)
            if r:
                out.append((title, r))
        else:
            rings = []
            if "polygon" in t and len(t["polygon"]) >= 3:
                rings = [[tuple(p[:2]) for p in t["polygon"]]]
            elif "bounding-box" in t:
                rings = [box_corners(t["bounding-box"])]
            elif "rotated-bounding-box" in t:
                rings = [rotated_corners(t["rotated-bounding-box"])]
            elif "segmentation" in t:
                rings = [[tuple(p[:2]) for p in z["region"]]
                         for z in t["segmentation"].get("zones", []) if len(z["region"]) >= 3]
            for pts in rings:
                r = ring(pts, w, h)
                if r:
                    out.append((title, r))
    return out


# --- the result ----------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zip")
    ap.add_argument("--task", default="detect", choices=["detect", "segment", "obb"])
    ap.add_argument("--input")
    ap.add_argument("--boxes-from-polygons", action="store_true")
    args = ap.parse_args()

    z = zipfile.ZipFile(args.zip)
    if z.testzip() is not None:
        fail("corrupt zip entry " + z.testzip())
    entries = set(z.namelist())
    if len(entries) != len(z.namelist()):
        fail("duplicate entry names")
    report = json.loads(z.read("report.json"))

    darknet = "obj.data" in entries
    if darknet:
        names = z.read("obj.names").decode("utf-8").split("\n")[:-1]
        data = dict(l.split(" = ", 1) for l in z.read("obj.data").decode().splitlines())
        if int(data["classes"]) != len(names):
            fail("obj.data classes %s != %d names" % (data["classes"], len(names)))
        label_re = re.compile(r"^obj_([^/]+)_data/([^/]+)\.txt$")
        image_re = re.compile(r"^obj_([^/]+)_data/([^/]+)(\.[A-Za-z0-9]+)$")
    else:
        doc = read_data_yaml(z.read("data.yaml").decode("utf-8"))
        names = doc["names"]
        for key in ("path", "train", "val"):
            if key not in doc:
                fail("data.yaml has no " + key)
        try:
            import yaml  # optional: a real YAML parser must read the same names
            real = yaml.safe_load(z.read("data.yaml").decode("utf-8"))
            real_names = real.get("names") or {}
            if [real_names[i] for i in sorted(real_names)] != names or sorted(real_names) != list(range(len(names))):
                fail("PyYAML reads other names than expected: %r vs %r" % (real_names, names))
        except ImportError:
            print("note: PyYAML not installed, data.yaml checked with the tiny reader only",
                  file=sys.stderr)
        label_re = re.compile(r"^labels/([^/]+)/([^/]+)\.txt$")
        image_re = re.compile(r"^images/([^/]+)/([^/]+)(\.[A-Za-z0-9]+)$")

    labels = {}
    for name in entries:
        m = label_re.match(name)
        if m:
            labels[(m.group(1), m.group(2))] = name
    # images.txt: one line per image, path <TAB> URL; exactly one label file per image.
    url_of = {}
    for line in z.read("images.txt").decode("utf-8").split("\n")[:-1]:
        path, _, url = line.partition("\t")
        m = image_re.match(path)
        if not m:
            fail("images.txt path not in the layout: " + path)
            continue
        key = (m.group(1), m.group(2))
        if key in url_of:
            fail("image listed twice: " + path)
        url_of[key] = url
        if key not in labels:
            fail("no label file for " + path)
    for key in labels:
        if key not in url_of:
            fail("label file without an image in images.txt: " + labels[key])

    per_line = {"detect": 4, "obb": 8}
    lines_total = 0
    for key, name in labels.items():
        text = z.read(name).decode("utf-8")
        if text and not text.endswith("\n"):
            fail(name + ": last line without a newline")
        for line in text.splitlines():
            tokens = line.split(" ")
            if not re.fullmatch(r"0|[1-9][0-9]*", tokens[0]) or int(tokens[0]) >= len(names):
                fail("%s: bad class index %r (%d names)" % (name, tokens[0], len(names)))
            values = [float(t) for t in tokens[1:]]
            if not all(math.isfinite(v) and 0 <= v <= 1 for v in values):
                fail("%s: value outside [0, 1]: %s" % (name, line))
            n = len(values)
            if args.task in per_line and n != per_line[args.task]:
                fail("%s: %d values for %s: %s" % (name, n, args.task, line))
            if args.task == "segment" and (n < 6 or n % 2):
                fail("%s: segment line needs >= 3 points: %s" % (name, line))
            lines_total += 1
    if args.task != "segment" and lines_total != report["output"]["objects"]:
        fail("%d label lines but report.json counts %d objects" % (lines_total, report["output"]["objects"]))

    compared = 0
    if args.input:
        by_url = {}
        for asset in read_export(args.input):
            by_url.setdefault(asset.get("asset"), []).append(asset)
        expected_files = sum(1 for assets in by_url.values() for a in assets
                             if is_single_image(a) and image_size(a))
        if expected_files != len(labels):
            fail("%d label files, expected %d (images with a size)" % (len(labels), expected_files))
        for key, url in url_of.items():
            assets = by_url.get(url, [])
            if len(assets) != 1:
                continue  # URL not unique: cannot pair the file with its asset
            want = expected_lines(assets[0], args.task, args.boxes_from_polygons)
            got = z.read(labels[key]).decode("utf-8").splitlines()
            if len(got) != len(want):
                fail("%s: %d lines, expected %d" % (labels[key], len(got), len(want)))
                continue
            for line, (title, values) in zip(got, want):
                tokens = line.split(" ")
                if names[int(tokens[0])] != title:
                    fail("%s: class %r, expected %r" % (labels[key], names[int(tokens[0])], title))
                v = [float(t) for t in tokens[1:]]
                if len(v) != len(values) or any(abs(a - b) > TOL for a, b in zip(v, values)):
                    fail("%s: %s, expected %r" % (labels[key], line, values))
            compared += 1

    finish({"layout": "darknet" if darknet else "ultralytics", "names": len(names),
            "label_files": len(labels), "lines": lines_total, "compared_files": compared})


if __name__ == "__main__":
    main()
