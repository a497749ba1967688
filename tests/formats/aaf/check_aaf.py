#!/usr/bin/env python3
"""Independent check of `xport convert -f aaf` output, with only Python's standard library.

  check_aaf.py OUT.zip SPEC_JSON
      SPEC: {"entry", "layout": "ndjson"|"json", "input": path (NDJSON or JSON array),
             optional "stages", "batches", "classes", "key_frames_only", "normalize"}.
      Reads the entry (every NDJSON line must json.loads on its own), applies the filters and
      the v2 -> v3 mapping to the input here, in Python, and requires the output to equal
      the result (Python value equality, so 1e300 and 0.1 must survive), then checks
      report.json's counts. Prints {"assets": n, "objects": m}.
  check_aaf.py --same A B
      A and B (files, or ZIP:ENTRY) hold the same assets (NDJSON or JSON array).
  check_aaf.py --identical A B
      A and B (files, or ZIP:ENTRY) are the same bytes.
"""
import json
import sys
import zipfile

GEOMETRY = ["bounding-box", "rotated-bounding-box", "polygon", "polyline", "point",
            "segmentation", "ner", "pdf", "spline", "angle"]


def fail(msg):
    sys.stderr.write("check_aaf: " + msg + "\n")
    sys.exit(1)


def parse_assets(text, layout=None):
    if layout is None:
        layout = "json" if text.lstrip("\ufeff \t\r\n").startswith("[") else "ndjson"
    if layout == "json":
        value = json.loads(text)
        if not isinstance(value, list):
            fail("a JSON array layout that is not an array")
        return value
    assets = []
    if text and not text.endswith("\n"):
        fail("NDJSON output does not end with a newline")
    for n, line in enumerate(text.split("\n")[:-1] if text else [], 1):
        if not line.strip():
            fail(f"blank line {n} in NDJSON output")
        if "\r" in line:
            fail(f"CR in NDJSON line {n}")
        try:
            assets.append(json.loads(line))
        except ValueError as e:
            fail(f"NDJSON line {n}: {e}")
    return assets


def read_text(spec):
    if ":" in spec and spec.split(":", 1)[0].endswith(".zip"):
        path, entry = spec.split(":", 1)
        with zipfile.ZipFile(path) as z:
            return z.read(entry).decode("utf-8")
    with open(spec, encoding="utf-8-sig") as f:
        return f.read()


def is_v2(a):
    return "task" not in a and isinstance(a.get("tasks"), list)


def own_task(a):
    if isinstance(a.get("task"), dict):
        return a["task"]
    tasks = a.get("tasks")
    if isinstance(tasks, list) and tasks and isinstance(tasks[0], dict):
        return tasks[0]
    return None


def stage_of(a):
    if isinstance(a.get("task"), dict):
        return a["task"].get("stage")
    t = own_task(a)
    return t.get("status") if t is not None else None


def is_video(a):
    m = a.get("metadata")
    return isinstance(m, dict) and any(
        isinstance(m.get(k), (int, float)) and not isinstance(m.get(k), bool)
        for k in ("frameTotal", "frameRate"))


def interpolated(o):
    if not isinstance(o.get("page"), (int, float)) or isinstance(o.get("page"), bool):
        return False
    if o.get("interpolationStopped") is True:
        return False
    for where in (o, o.get("metadata") if isinstance(o.get("metadata"), dict) else {}):
        for k in ("isKeyFrame", "keyFrame", "keyframe"):
            if isinstance(where.get(k), bool):
                return not where[k]
        if isinstance(where.get("interpolated"), bool):
            return where["interpolated"]
    return False


def filter_task(t, spec, video, history):
    """A copy of task t with objects filtered; returns (task, dropped count)."""
    classes = spec.get("classes")
    kf = spec.get("key_frames_only") and video
    out = {}
    dropped, kept = set(), set()
    for key, value in t.items():
        if key in ("tools", "objects") and isinstance(value, list):
            new = []
            for o in value:
                drop = isinstance(o, dict) and (
                    (classes is not None and o.get("title") not in classes)
                    or (kf and interpolated(o)))
                oid = o.get("objectId") if isinstance(o, dict) else None
                if isinstance(oid, str):
                    (dropped if drop else kept).add(oid)
                if not drop:
                    new.append(o)
            value = new
        out[key] = value
    gone = dropped - kept
    if isinstance(out.get("relations"), list) and gone:
        def refers(r):
            if not isinstance(r, dict):
                return False
            ids = [r.get("from"), r.get("to")]
            if isinstance(r.get("group"), list):
                ids += r["group"]
            return any(isinstance(i, str) and i in gone for i in ids)
        out["relations"] = [r for r in out["relations"] if not refers(r)]
    if history and isinstance(out.get("stageHistory"), list) and (classes is not None or kf):
        out["stageHistory"] = [filter_task(s, spec, video, False) if isinstance(s, dict) else s
                               for s in out["stageHistory"]]
    return out


def expected(a, spec):
    if spec.get("stages") is not None and (own_task(a) is None
                                           or stage_of(a) not in spec["stages"]):
        return None
    if spec.get("batches") is not None:
        batches = a.get("batches") if isinstance(a.get("batches"), list) else []
        if not any(b in spec["batches"] for b in batches if isinstance(b, str)):
            return None
    video = is_video(a)
    out = {}
    for key, value in a.items():
        if key == "task" and isinstance(value, dict):
            out[key] = filter_task(value, spec, video, True)
        elif key == "tasks" and isinstance(value, list):
            if spec.get("normalize") and is_v2(a):
                if value and isinstance(value[0], dict):
                    t = filter_task(value[0], spec, video, True)
                    task = {}
                    for k, v in t.items():
                        task["tools" if k == "objects" else k] = v
                        if k == "status" and "stage" not in t:
                            task["stage"] = v
                    out["task"] = task
                continue
            out[key] = [filter_task(t, spec, video, i == 0) if isinstance(t, dict) else t
                        for i, t in enumerate(value)]
        else:
            out[key] = value
    return out


def check(zip_path, spec):
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        if spec["entry"] not in names:
            fail(f"no entry {spec['entry']} in {names}")
        text = z.read(spec["entry"]).decode("utf-8")
        report = json.loads(z.read("report.json"))
    got = parse_assets(text, spec["layout"])
    if spec["layout"] == "json" and got and not text.startswith("[\n"):
        fail("JSON array layout does not start with '[\\n'")
    want = [e for e in (expected(a, spec) for a in parse_assets(read_text(spec["input"])))
            if e is not None]
    if len(got) != len(want):
        fail(f"{len(got)} assets written, {len(want)} expected")
    objects = 0
    for n, (g, w) in enumerate(zip(got, want), 1):
        if g != w:
            fail(f"asset {n} differs:\n got  {json.dumps(g)[:2000]}\n want {json.dumps(w)[:2000]}")
        if spec.get("normalize"):
            if "tasks" in g or ("task" in g and "objects" in g["task"]):
                fail(f"asset {n} is not v3 after normalize")
        t = own_task(g)
        lst = t.get("tools", t.get("objects")) if t else None
        if isinstance(lst, list):
            objects += sum(1 for o in lst if isinstance(o, dict))
        if spec.get("classes") is not None and t:
            for o in lst or []:
                if isinstance(o, dict) and o.get("title") not in spec["classes"]:
                    fail(f"asset {n}: class {o.get('title')!r} not in the whitelist")
    output = report["output"]
    if output["assets"] != len(got):
        fail(f"report.json says {output['assets']} assets, the entry has {len(got)}")
    if output["objects"] != objects:
        fail(f"report.json says {output['objects']} objects, the entry has {objects}")
    print(json.dumps({"assets": len(got), "objects": objects,
                      "dropped": sum(x["count"] for x in output["notes"]
                                     if x["action"] == "dropped")}))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--same":
        a = parse_assets(read_text(sys.argv[2]))
        b = parse_assets(read_text(sys.argv[3]))
        if a != b:
            fail(f"{sys.argv[2]} and {sys.argv[3]} differ ({len(a)} and {len(b)} assets)")
        print(json.dumps({"assets": len(a)}))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--identical":
        if read_text(sys.argv[2]) != read_text(sys.argv[3]):
            fail(f"{sys.argv[2]} and {sys.argv[3]} are not identical")
        print("{}")
        return
    if len(sys.argv) != 3:
        fail("usage: check_aaf.py OUT.zip SPEC_JSON | --same A B")
    check(sys.argv[1], json.loads(sys.argv[2]))


if __name__ == "__main__":
    main()
