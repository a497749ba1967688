#!/usr/bin/python3
"""Writes the small AAF export and issue export that tests/hub/app/sdk_generations_test.cpp
imports into a hub and checks the plugins' reports against (numbers there by hand).

  gen_generations_fixture.py --stage-ids '{"Start":ID,"Label":ID,"Review":ID,"Complete":ID}'
                             --export OUT.ndjson --issues OUT.json

The export mixes v3 rows (task, stageHistory, assetId) and v2 rows (tasks[0].status as the
stage); two assets share the externalId "img_001.jpg" with distinct assetIds and batches;
batches, names and texts carry non-ASCII characters. Stage ids are the project's (GET
/api/projects/{id}), so that stageId references resolve. Each issue names its asset by
asset._id (the assetId) as well as by asset.externalId and asset.batches.

  asset  row  externalId        batches              stage     stageHistory (who, ms)
  A1     v3   img_001.jpg       Batch A              Complete  Label ana 60000, Review rev 30000
  A2     v3   img_001.jpg       Lot ü                Review    Label zoë 45000
  A3     v3   straße_002.jpg    Batch A, Lot ü       Label     Label ana 20000, Review rev 10000 (rejected)
  A4     v3   img_004.jpg       -                    Complete  Label ana 30000, Review rev 15000
  -      v2   legacy_005.jpg    Batch A              Complete  -
  -      v2   légende_006.png   Lot ü                Review    -
"""
import argparse
import json

ANA, REV, ZOE = "ana@example.com", "rev@example.com", "zoë@example.com"


def history(stage_ids, *entries):
    out = []
    for i, (stage, who, ms, review) in enumerate(entries):
        out.append({"stageId": stage_ids[stage], "stage": stage,
                    "completedAt": "2024-05-0%dT10:%02d:00.000Z" % (i + 1, i),
                    "completedBy": who, "duration": ms, "reviewStatus": review})
    return out


def box(title, x, y, w, h, oid):
    return {"bounding-box": {"x": x, "y": y, "width": w, "height": h}, "objectId": oid,
            "schemaId": "schema-" + title.lower(), "title": title, "classifications": []}


def v3(stage_ids, n, external_id, batches, stage, hist, tools):
    return {"asset": "https://example.com/data/" + external_id, "assetId": "asset-%04d" % n,
            "externalId": external_id, "dataset": ["ds-1"],
            "metadata": {"width": 640, "height": 480}, "batches": batches,
            "task": {"taskId": "task-%04d" % n, "stage": stage, "stageId": stage_ids[stage],
                     "updatedAt": "2024-05-09T10:00:00.000Z", "totalDuration": sum(
                         e["duration"] for e in hist),
                     "tools": tools, "classifications": [], "relations": [],
                     "stageHistory": hist}}


def v2(n, external_id, batches, status, objects):
    return {"asset": "https://example.com/data/" + external_id, "externalId": external_id,
            "metadata": {"width": 320, "height": 200}, "batches": batches,
            "tasks": [{"taskId": "task-%04d" % n, "status": status, "objects": objects,
                       "classifications": [], "completedBy": ANA, "duration": 5000}]}


def build(stage_ids):
    s = stage_ids
    assets = [
        v3(s, 1, "img_001.jpg", ["Batch A"], "Complete",
           history(s, ("Label", ANA, 60000, None), ("Review", REV, 30000, "Accepted")),
           [box("Car", 412.5, 388.0, 236.25, 141.75, "obj-1")]),
        v3(s, 2, "img_001.jpg", ["Lot ü"], "Review",
           history(s, ("Label", ZOE, 45000, None)), [box("Bus", 10, 20, 30, 40, "obj-2")]),
        v3(s, 3, "straße_002.jpg", ["Batch A", "Lot ü"], "Label",
           history(s, ("Label", ANA, 20000, None), ("Review", REV, 10000, "Rejected")), []),
        v3(s, 4, "img_004.jpg", [], "Complete",
           history(s, ("Label", ANA, 30000, None), ("Review", REV, 15000, "Accepted")),
           [box("Fahrrad", 1.4, 2.6, 3.5, 4.5, "obj-4")]),
        v2(5, "legacy_005.jpg", ["Batch A"], "Complete", [box("Car", 5, 6, 7, 8, "obj-5")]),
        v2(6, "légende_006.png", ["Lot ü"], "Review", []),
    ]
    issues = [
        {"_id": "issue-1", "asset": {"_id": "asset-0001", "externalId": "img_001.jpg", "batches": ["Batch A"]},
         "labelTask": "task-0001", "stage": "Review", "stageId": s["Review"],
         "createdBy": REV, "createdAt": "2024-05-10T09:00:00.000Z", "page": None,
         "pageEnd": None, "status": "Open", "errorType": "Wrong class", "errorCode": "E01",
         "content": "Falsche Klasse — bitte prüfen",
         "comments": [{"createdBy": ANA, "content": "ok, fixing"}],
         "position": "[412.5, 388]", "objectId": "obj-1"},
        {"_id": "issue-2", "asset": {"_id": "asset-0002", "externalId": "img_001.jpg", "batches": ["Lot ü"]},
         "labelTask": "task-0002", "stage": "Label", "stageId": s["Label"],
         "createdBy": REV, "createdAt": "2024-05-10T09:05:00.000Z", "page": None,
         "pageEnd": None, "status": "Resolved", "errorType": "Geometry", "errorCode": "E02",
         "content": "Box too loose", "comments": [], "position": "[10, 20]",
         "objectId": "obj-2"},
        {"_id": "issue-3",
         "asset": {"_id": "asset-0003", "externalId": "straße_002.jpg",
                   "batches": ["Batch A", "Lot ü"]},
         "labelTask": "task-0003", "stage": "Label", "stageId": s["Label"],
         "createdBy": ZOE, "createdAt": "2024-05-10T09:10:00.000Z", "page": 1, "pageEnd": 1,
         "status": "Open", "errorType": "Missing", "errorCode": "E01",
         "content": "Missing 🚲, label",
         "comments": [{"createdBy": ANA, "content": "où ?"},
                      {"createdBy": ZOE, "content": "left edge"}],
         "position": "[1, 2.5]", "objectId": None},
    ]
    return assets, issues


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage-ids", required=True)
    ap.add_argument("--export", required=True)
    ap.add_argument("--issues", required=True)
    args = ap.parse_args()
    assets, issues = build(json.loads(args.stage_ids))
    with open(args.export, "w", encoding="utf-8") as f:
        for a in assets:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    with open(args.issues, "w", encoding="utf-8") as f:
        json.dump(issues, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
