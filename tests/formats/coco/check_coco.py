#!/usr/bin/env python3
"""Independent checker of an `xport convert -f coco` result (json and zipfile only).

  check_coco.py RESULT.zip [--input EXPORT] [--ref REF.zip]

Checks every invariant of docs/formats/coco.md on every annotations/instances*.json of the
zip: ids >= 1, unique and dense; references resolve; bbox inside the image when its size is
known, w,h >= 0; polygons of even length >= 6 inside the image with area > 0 equal to the
shoelace area and bbox equal to their extent; box area == w*h; RLE size/counts/area/bbox
consistent; keypoints well-formed; one category table for all documents; counts consistent
with report.json. With --input, every asset of the export is listed as an image (by
externalId, width, height). With --ref (the Python reference's zip on the same input), its
box and polygon annotations appear in ours, per image and in order, with equal bbox and
class, and the only extra annotations are the rotated boxes the reference skips.
Prints one summary line; exits 1 listing the first problems.
"""
import argparse
import json
import math
import sys
import zipfile

EPS = 1e-6
problems = []


def problem(msg):
    problems.append(msg)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def shoelace(flat):
    pts = list(zip(flat[0::2], flat[1::2]))
    s = 0.0
    ox, oy = pts[0]
    for (x1, y1), (x2, y2) in zip(pts[1:], pts[2:]):
        s += (x1 - ox) * (y2 - oy) - (x2 - ox) * (y1 - oy)
    return abs(s) / 2


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def inside(x, y, w, h):
    return -EPS <= x <= w + EPS and -EPS <= y <= h + EPS


def check_rle(where, seg, ann, img):
    w, h = img.get("width"), img.get("height")
    if ann.get("iscrowd") != 1:
        problem(f"{where}: RLE with iscrowd {ann.get('iscrowd')}")
    if w is None or h is None:
        problem(f"{where}: RLE on an image without a size")
        return
    if seg.get("size") != [h, w]:
        problem(f"{where}: RLE size {seg.get('size')} != [h, w] = {[h, w]}")
        return
    counts = seg.get("counts")
    if not isinstance(counts, list) or not all(is_int(c) and c >= 0 for c in counts):
        problem(f"{where}: RLE counts must be non-negative integers")
        return
    if sum(counts) != w * h:
        problem(f"{where}: RLE counts sum to {sum(counts)}, not h*w = {w * h}")
    pos, area = 0, 0
    min_x = min_y = math.inf
    max_x = max_y = -1
    for i, c in enumerate(counts):
        if i % 2 == 1 and c > 0:
            area += c
            for col in range(pos // h, (pos + c - 1) // h + 1):
                top = max(pos, col * h) - col * h
                bottom = min(pos + c, (col + 1) * h) - 1 - col * h
                min_x, max_x = min(min_x, col), max(max_x, col)
                min_y, max_y = min(min_y, top), max(max_y, bottom)
        pos += c
    if area != ann.get("area"):
        problem(f"{where}: RLE area {ann.get('area')} != pixels set {area}")
    if area == 0:
        problem(f"{where}: empty RLE")
    elif ann["bbox"] != [min_x, min_y, max_x - min_x + 1, max_y - min_y + 1]:
        problem(f"{where}: RLE bbox {ann['bbox']} does not match its pixels "
                f"{[min_x, min_y, max_x - min_x + 1, max_y - min_y + 1]}")


def check_document(name, doc, report_categories):
    for key in ("images", "annotations", "categories"):
        if not isinstance(doc.get(key), list):
            problem(f"{name}: no list '{key}'")
            return None
    images, anns, cats = doc["images"], doc["annotations"], doc["categories"]
    by_image = {}
    for i, img in enumerate(images):
        if not is_int(img.get("id")) or img["id"] < 1:
            problem(f"{name}: images[{i}].id {img.get('id')!r} is not an integer >= 1")
        if img.get("id") in by_image:
            problem(f"{name}: image id {img.get('id')} twice")
        by_image[img.get("id")] = img
        if not isinstance(img.get("file_name"), str):
            problem(f"{name}: images[{i}].file_name is not a string")
        for k in ("width", "height"):
            v = img.get(k, "missing")
            if v is not None and not (is_int(v) and v > 0):
                problem(f"{name}: images[{i}].{k} = {v!r}")
    ids = [img.get("id") for img in images]
    if ids and ids != list(range(ids[0], ids[0] + len(ids))):
        problem(f"{name}: image ids are not consecutive")

    by_cat = {}
    for c in cats:
        if not is_int(c.get("id")) or c["id"] < 1:
            problem(f"{name}: category id {c.get('id')!r} is not an integer >= 1")
        if c.get("id") in by_cat:
            problem(f"{name}: category id {c.get('id')} twice")
        by_cat[c.get("id")] = c
        if not isinstance(c.get("name"), str) or c.get("supercategory") != "":
            problem(f"{name}: category {c!r} needs a string name and supercategory \"\"")
        if "keypoints" in c:
            k = len(c["keypoints"])
            for pair in c.get("skeleton", []):
                if len(pair) != 2 or not all(is_int(v) and 1 <= v <= k for v in pair):
                    problem(f"{name}: category {c['name']}: bad skeleton pair {pair}")
    names = [c.get("name") for c in cats]
    if len(set(names)) != len(names):
        problem(f"{name}: a category name is listed twice")
    if report_categories is not None and cats != report_categories:
        problem(f"{name}: categories differ from the other documents'")

    seen_ids = set()
    for i, a in enumerate(anns):
        where = f"{name}: annotations[{i}]"
        if a.get("id") != i + 1:
            problem(f"{where}: id {a.get('id')!r}, expected {i + 1} (dense from 1)")
        if a.get("id") in seen_ids:
            problem(f"{where}: id twice")
        seen_ids.add(a.get("id"))
        img = by_image.get(a.get("image_id"))
        if img is None:
            problem(f"{where}: image_id {a.get('image_id')!r} is not an image")
            continue
        cat = by_cat.get(a.get("category_id"))
        if cat is None:
            problem(f"{where}: category_id {a.get('category_id')!r} is not a category")
            continue
        bbox = a.get("bbox")
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(is_num(v) for v in bbox)):
            problem(f"{where}: bbox {bbox!r}")
            continue
        x, y, w, h = bbox
        if w < 0 or h < 0:
            problem(f"{where}: negative bbox size {bbox}")
        W, H = img.get("width"), img.get("height")
        if W is not None and H is not None and not (inside(x, y, W, H) and inside(x + w, y + h, W, H)):
            problem(f"{where}: bbox {bbox} outside the {W}x{H} image")
        if a.get("iscrowd") not in (0, 1):
            problem(f"{where}: iscrowd {a.get('iscrowd')!r}")
        if not is_num(a.get("area")):
            problem(f"{where}: area {a.get('area')!r}")
            continue
        seg = a.get("segmentation")
        if isinstance(seg, dict):
            check_rle(where, seg, a, img)
        elif isinstance(seg, list) and seg:
            total = 0.0
            xs, ys = [], []
            for poly in seg:
                if not (isinstance(poly, list) and len(poly) >= 6 and len(poly) % 2 == 0
                        and all(is_num(v) for v in poly)):
                    problem(f"{where}: polygon must be an even list of >= 6 numbers")
                    break
                xs += poly[0::2]
                ys += poly[1::2]
                total += shoelace(poly)
            else:
                if not total > 0:
                    problem(f"{where}: polygon area {total} is not > 0")
                if not close(a["area"], total):
                    problem(f"{where}: area {a['area']} != shoelace area {total}")
                ext = [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]
                if not all(close(p, q) for p, q in zip(ext, bbox)):
                    problem(f"{where}: bbox {bbox} != polygon extent {ext}")
                if W is not None and H is not None and \
                        not all(inside(px, py, W, H) for px, py in zip(xs, ys)):
                    problem(f"{where}: polygon point outside the {W}x{H} image")
        elif seg == []:
            if a["area"] != w * h:
                problem(f"{where}: box area {a['area']} != w*h {w * h}")
        else:
            problem(f"{where}: segmentation {seg!r}")
        if "keypoints" in a:
            kp = a["keypoints"]
            names_k = cat.get("keypoints")
            if names_k is None or len(kp) != 3 * len(names_k):
                problem(f"{where}: keypoints length {len(kp)} for category {cat.get('name')}")
                continue
            visible = 0
            for j in range(0, len(kp), 3):
                px, py, v = kp[j:j + 3]
                if v not in (0, 1, 2):
                    problem(f"{where}: visibility {v!r}")
                elif v == 0 and (px != 0 or py != 0):
                    problem(f"{where}: v=0 keypoint not at 0,0")
                elif v > 0:
                    visible += 1
                    if W is not None and H is not None and not inside(px, py, W, H):
                        problem(f"{where}: keypoint outside the image")
            if a.get("num_keypoints") != visible:
                problem(f"{where}: num_keypoints {a.get('num_keypoints')} != {visible}")
    return cats


def read_export(path):
    with open(path, "rb") as f:
        content = f.read()
    if content.lstrip()[:1] == b"[":
        return json.loads(content)
    return [json.loads(line) for line in content.splitlines() if line.strip()]


def note_count(report, action, reason):
    return sum(n["count"] for n in report["output"]["notes"]
               if n["action"] == action and n["reason"] == reason)


def compare_with_reference(ours, ref_zip, report):
    with zipfile.ZipFile(ref_zip) as z:
        ref = json.loads(z.read("annotations/instances.json"))
    if [(i["file_name"], i["width"], i["height"]) for i in ref["images"]] != \
            [(i["file_name"], i["width"], i["height"]) for i in ours["images"]]:
        problem("reference: the image lists differ")
        return 0
    ref_cat = {c["id"]: c["name"] for c in ref["categories"]}
    our_cat = {c["id"]: c["name"] for c in ours["categories"]}

    def per_image(doc, cats):
        out = {}
        for a in doc["annotations"]:
            out.setdefault(a["image_id"], []).append((cats[a["category_id"]], a))
        return out

    r_by, o_by = per_image(ref, ref_cat), per_image(ours, our_cat)
    matched = extra = 0
    for img in ours["images"]:
        r_list, o_list = r_by.get(img["id"], []), o_by.get(img["id"], [])
        j = 0
        for cname, a in o_list:
            if j < len(r_list) and r_list[j][0] == cname and r_list[j][1]["bbox"] == a["bbox"] and \
                    r_list[j][1]["segmentation"] == a["segmentation"]:
                if a["segmentation"] == [] and r_list[j][1]["area"] != a["area"]:
                    problem(f"reference: image {img['id']}: box area differs")
                j += 1
                matched += 1
            elif isinstance(a["segmentation"], list) and len(a["segmentation"]) == 1:
                extra += 1  # a rotated box's polygon (possibly clipped): the reference skips them
            else:
                problem(f"reference: image {img['id']} ({img['file_name']}): our {cname} {a['bbox']} "
                        f"is not the reference's next annotation "
                        f"{r_list[j][0] + ' ' + str(r_list[j][1]['bbox']) if j < len(r_list) else '(none)'}")
                break
        if j != len(r_list):
            problem(f"reference: image {img['id']}: {len(r_list) - j} reference annotations missing")
    rotated = report["output"]["objects_per_kind"].get("rotated-bounding-box", 0)
    if extra != rotated:
        problem(f"reference: {extra} extra annotations, but the report has {rotated} rotated boxes")
    if matched != len(ref["annotations"]):
        problem(f"reference: matched {matched} of {len(ref['annotations'])}")
    return matched


def self_test(result):
    """Breaks a good result in known ways; the checker must reject every one."""
    import copy
    import os
    import subprocess
    import tempfile

    with zipfile.ZipFile(result) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    name = "annotations/instances.json"
    good = json.loads(entries[name])

    def first(d, kind):
        return next(a for a in d["annotations"] if kind(a))

    is_box = lambda a: a["segmentation"] == []
    is_poly = lambda a: isinstance(a["segmentation"], list) and a["segmentation"] != []
    is_rle = lambda a: isinstance(a["segmentation"], dict)
    mutations = {
        "annotation id 0": lambda d: d["annotations"][0].update(id=0),
        "duplicate image id": lambda d: d["images"][1].update(id=d["images"][0]["id"]),
        "dangling image_id": lambda d: d["annotations"][0].update(image_id=10**9),
        "dangling category_id": lambda d: d["annotations"][0].update(category_id=10**9),
        "bbox outside the image": lambda d: d["annotations"][0]["bbox"].__setitem__(0, 1e6),
        "negative width": lambda d: d["annotations"][0]["bbox"].__setitem__(2, -1),
        "box area": lambda d: first(d, is_box).update(area=-1),
        "4-number polygon": lambda d: first(d, is_poly).update(segmentation=[[1, 2, 3, 4]]),
        "polygon area": lambda d: first(d, is_poly).update(area=12345.5),
        "image missing": lambda d: d["images"].pop(),
        "annotation missing": lambda d: d["annotations"].pop(),
        "category name twice": lambda d: d["categories"].append(
            dict(d["categories"][0], id=10**6)),
    }
    if any(is_rle(a) for a in good["annotations"]):
        mutations["RLE counts"] = lambda d: first(d, is_rle)["segmentation"]["counts"].append(1)
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        for what, mutate in mutations.items():
            doc = copy.deepcopy(good)
            mutate(doc)
            path = os.path.join(tmp, "broken.zip")
            with zipfile.ZipFile(path, "w") as z:
                for n, data in entries.items():
                    z.writestr(n, json.dumps(doc) if n == name else data)
            r = subprocess.run([sys.executable, __file__, path], capture_output=True, text=True)
            if r.returncode == 0:
                failed.append(what)
    if failed:
        print("FAIL the checker accepted:", ", ".join(failed))
        sys.exit(1)
    print(f"OK: the checker rejected all {len(mutations)} broken variants")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("result")
    ap.add_argument("--input")
    ap.add_argument("--ref")
    ap.add_argument("--self-test", action="store_true",
                    help="check that broken variants of RESULT (a good result) are rejected")
    args = ap.parse_args()
    if args.self_test:
        self_test(args.result)
        return

    with zipfile.ZipFile(args.result) as z:
        bad = z.testzip()
        if bad:
            problem(f"zip: entry {bad} is corrupt")
        names = z.namelist()
        report = json.loads(z.read("report.json"))
        docs = {n: json.loads(z.read(n)) for n in names
                if n.startswith("annotations/instances") and n.endswith(".json")}
    if not docs and report["output"]["assets"] > 0:
        problem("no annotations/instances*.json")
    categories = None
    n_images = n_anns = 0
    for name, doc in docs.items():
        categories = check_document(name, doc, categories)
        n_images += len(doc.get("images", []))
        n_anns += len(doc.get("annotations", []))

    out = report["output"]
    if n_anns != out["objects"]:
        problem(f"report: {out['objects']} objects, the documents hold {n_anns} annotations")
    if out["assets"] != report["input"]["assets"]:
        problem("report: output assets != input assets")
    skipped = note_count(report, "ignored", "image without annotations (skip_empty)")
    if n_images + skipped != out["assets"]:
        problem(f"report: {out['assets']} assets, {skipped} skipped as empty, "
                f"but {n_images} images listed")

    if args.input:
        assets = read_export(args.input)
        def size(a, k):
            v = (a.get("metadata") or {}).get(k)
            return round(v) if is_num(v) and v > 0 else None
        expected = sorted((str(a.get("externalId", "")), size(a, "width"), size(a, "height"))
                          for a in assets)
        listed = sorted((i["file_name"], i["width"], i["height"])
                        for d in docs.values() for i in d["images"])
        if skipped == 0 and expected != listed:
            problem(f"input: {len(expected)} assets, {len(listed)} images; the lists differ")
        if report["input"]["assets"] != len(assets):
            problem(f"input: {len(assets)} assets, report says {report['input']['assets']}")

    matched = None
    if args.ref:
        matched = compare_with_reference(docs["annotations/instances.json"], args.ref, report)

    if problems:
        for p in problems[:30]:
            print("FAIL", p)
        print(f"{len(problems)} problems")
        sys.exit(1)
    print(f"OK: {len(docs)} documents, {n_images} images, {n_anns} annotations, "
          f"{len(categories or [])} categories" +
          (f", {matched} matched the reference" if matched is not None else ""))


if __name__ == "__main__":
    main()
