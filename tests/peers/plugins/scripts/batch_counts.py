"""Exported assets per batch (names from get_project; "(none)" for assets in no batch).
batch_counts.csv: batch,assets — every batch of the project, then (none)."""
import pandas as pd

import common


def export(data):
    project = common.sdk_for(data).get_project(data["projectId"])["data"]["project"]
    names = {b["_id"]: b["name"] for b in project.get("batches") or []}
    counts = {b["name"]: 0 for b in project.get("batches") or []}
    counts["(none)"] = 0
    for asset in data["jsonExport"]:
        batches = asset.get("batches") or []
        if not batches:
            counts["(none)"] += 1
        for b in batches:
            name = names.get(b, b)
            counts[name] = counts.get(name, 0) + 1
    frame = pd.DataFrame([{"batch": k, "assets": v} for k, v in counts.items()],
                         columns=["batch", "assets"])
    return common.ExportResponse(
        file=common.zip_of([("batch_counts.csv", frame.to_csv(index=False))]),
        file_name="batch_counts.zip")
