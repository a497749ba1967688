#!/usr/bin/python3
"""A time-per-task report (like the platform's public time reports): the durations of the
exported assets' task.stageHistory entries summed per annotator (completedBy) and per stage
(stage name, else stageId). time_per_task.csv in time_per_task.zip, built with pandas.

Columns: group,name,entries,total_ms,mean_ms   (group: annotator | stage; sorted by group,
name). v2 rows have no stageHistory and add nothing."""
import pandas as pd

import common


def export(data):
    rows = []
    for asset in data["jsonExport"]:
        for entry in common.task_of(asset).get("stageHistory") or []:
            duration = entry.get("duration")
            if duration is None:
                continue
            rows.append({"annotator": entry.get("completedBy") or "(unknown)",
                         "stage": entry.get("stage") or entry.get("stageId") or "(unknown)",
                         "duration": float(duration)})
    frame = pd.DataFrame(rows, columns=["annotator", "stage", "duration"])
    parts = []
    for group in ("annotator", "stage"):
        g = frame.groupby(group)["duration"].agg(["count", "sum", "mean"]).reset_index()
        g.columns = ["name", "entries", "total_ms", "mean_ms"]
        g.insert(0, "group", group)
        parts.append(g)
    report = pd.concat(parts, ignore_index=True).sort_values(["group", "name"], kind="stable")
    report["total_ms"] = report["total_ms"].round().astype("int64")
    data["logger"].info("time per task: %d history entries" % len(rows))
    return common.ExportResponse(
        file=common.zip_of([("time_per_task.csv",
                             report.to_csv(index=False, float_format="%.1f"))]),
        file_name="time_per_task.zip")


if __name__ == "__main__":
    common.main(export, __doc__)
