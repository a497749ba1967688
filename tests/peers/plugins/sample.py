#!/usr/bin/python3
"""The seed's sample plugin: per exported asset its externalId, URL and bounding boxes
(title x y width height, rounded) joined by the Config JSON's "separator-character" (default
"-"), as <projectId>.json in <projectId>.zip. v2 rows give their tasks[0].objects."""
import json

import common


def export(data):
    project_id = data.get("projectId")
    logger = data.get("logger")
    config = json.loads(data.get("configJSON"))
    sep = config.get("separator-character", "-")
    logger.info("Plugin session is started!")
    out = []
    for asset in data.get("jsonExport"):
        boxes = []
        for o in common.task_of(asset).get("tools") or []:
            if "bounding-box" in o:
                b = o["bounding-box"]
                boxes.append(" ".join([o["title"], str(round(b["x"])), str(round(b["y"])),
                                       str(round(b["width"])), str(round(b["height"]))]))
        out.append({"externalId": asset["externalId"], "URL": asset["asset"],
                    "Annotations": sep.join(boxes)})
    zip_data = common.zip_of([(project_id + ".json", json.dumps(out, indent=4))])
    logger.info("Plugin session is finished!")
    # The seed sends empty storage_id/bucket: the result stays on the platform.
    return common.ExportResponse(file=zip_data, file_name=project_id + ".zip", storage_id="",
                                 bucket="")


if __name__ == "__main__":
    common.main(export, __doc__)
