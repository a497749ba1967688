#!/usr/bin/python3
"""A per-stage report (like the platform's public stage-report plugins): for each stage of
the project (get_project, ordered by position.x), how many exported assets passed it — their
task.stageHistory has an entry of that stage, or the task is in it now (task.stage/stageId)
— and how many are in it now. stage_report.csv in stage_report.zip, built with pandas.

Columns: position,stageId,stage,type,passed,current
History entries and current stages match a project stage by id, else by name (v2 rows carry
a stage name as tasks[0].status)."""
import pandas as pd

import common


def export(data):
    logger = data["logger"]
    sdk = common.sdk_for(data)
    project = sdk.get_project(data["projectId"])["data"]["project"]
    stages = sorted(project["stages"], key=lambda s: s["position"]["x"])
    by_id = {s["id"]: s for s in stages}
    by_name = {s["name"]: s for s in stages}

    def resolve(stage_id, name):
        if stage_id in by_id:
            return stage_id
        if name in by_name:
            return by_name[name]["id"]
        return None

    passed = {s["id"]: set() for s in stages}
    current = {s["id"]: set() for s in stages}
    unknown = 0
    for i, asset in enumerate(data["jsonExport"]):
        key = common.asset_key(asset, i)
        task = common.task_of(asset)
        for entry in task.get("stageHistory") or []:
            sid = resolve(entry.get("stageId"), entry.get("stage"))
            if sid is None:
                unknown += 1
            else:
                passed[sid].add(key)
        sid = resolve(task.get("stageId"), task.get("stage"))
        if sid is None:
            unknown += 1
        else:
            passed[sid].add(key)
            current[sid].add(key)
    if unknown:
        logger.warning("%d stage references name no stage of the project" % unknown)
    frame = pd.DataFrame([{"position": i, "stageId": s["id"], "stage": s["name"],
                           "type": s.get("type", ""), "passed": len(passed[s["id"]]),
                           "current": len(current[s["id"]])} for i, s in enumerate(stages)],
                         columns=["position", "stageId", "stage", "type", "passed", "current"])
    logger.info("stage report of %d assets over %d stages" % (len(data["jsonExport"]),
                                                               len(stages)))
    return common.ExportResponse(
        file=common.zip_of([("stage_report.csv", frame.to_csv(index=False))]),
        file_name="stage_report.zip")


if __name__ == "__main__":
    common.main(export, __doc__)
