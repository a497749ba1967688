#!/usr/bin/python3
"""An issue export (like the platform's public issue-export plugins): the project's issues
from exportV3(type="issue") (a zip whose first entry is the JSON list of issues), joined with
the project's assets read page by page with get_assets, to say which asset each issue is on.

An issue names its asset by asset._id when the issue export has it; else by
asset.externalId and asset.batches: two assets may share an externalId (§6), so among the
assets of that externalId the one with the same batches (as names: get_project maps batch
ids to names) is taken. issue_export.zip holds
  issues.csv           issueId,assetId,externalId,stage,status,errorCode,content,comments,x,y
  issues_per_asset.csv assetId,externalId,batches,issues,open   (every asset of the project)
"""
import io
import json
import zipfile

import pandas as pd
import requests

import common

PAGE = 2  # small pages, so that paging is exercised on a small project


def export(data):
    logger = data["logger"]
    sdk = common.sdk_for(data)
    pid = data["projectId"]
    project = sdk.get_project(pid)["data"]["project"]
    batch_names = {b["_id"]: b["name"] for b in project.get("batches") or []}

    def names(batches):
        return sorted(batch_names.get(b, b) for b in batches or [])

    answer = sdk.exportV3(pid, export_type="issue", format="json")
    blob = requests.get(answer["data"]["exportPath"], timeout=60)  # no apikey (§6)
    blob.raise_for_status()
    with zipfile.ZipFile(io.BytesIO(blob.content)) as zf:
        issues = json.loads(zf.read(zf.namelist()[0]).decode("utf-8"))

    assets, page = [], 1
    while page <= 1000:
        got = sdk.get_assets(pid, page=page, limit=PAGE)["data"]
        assets.extend(got["assets"])
        if not got["assets"] or len(assets) >= got["total"]:
            break
        page += 1
    logger.info("%d issues, %d assets in %d pages" % (len(issues), len(assets), page))

    def asset_of(issue):
        ref = issue.get("asset") or {}
        by_id = [a for a in assets if a["_id"] == (ref.get("_id") or issue.get("assetId"))]
        if by_id:
            return by_id[0]
        same = [a for a in assets if a.get("externalId") == ref.get("externalId")]
        if len(same) > 1:
            same = [a for a in same if names(a.get("batches")) == names(ref.get("batches"))]
        return same[0] if len(same) == 1 else None

    per_asset = {a["_id"]: [0, 0] for a in assets}
    rows = []
    for issue in issues:
        asset = asset_of(issue)
        if asset is None:
            logger.warning("issue %s: no single asset %r" % (issue.get("_id"),
                                                            (issue.get("asset") or {})))
        else:
            per_asset[asset["_id"]][0] += 1
            per_asset[asset["_id"]][1] += issue.get("status") == "Open"
        x, y = json.loads(issue.get("position") or "[null, null]")
        rows.append({"issueId": issue.get("_id"),
                     "assetId": asset["_id"] if asset else "",
                     "externalId": (issue.get("asset") or {}).get("externalId"),
                     "stage": issue.get("stage") or issue.get("stageId"),
                     "status": issue.get("status"), "errorCode": issue.get("errorCode"),
                     "content": issue.get("content"),
                     "comments": len(issue.get("comments") or []), "x": x, "y": y})
    issues_csv = pd.DataFrame(rows, columns=["issueId", "assetId", "externalId", "stage",
                                             "status", "errorCode", "content", "comments",
                                             "x", "y"]).to_csv(index=False)
    per_csv = pd.DataFrame(
        [{"assetId": a["_id"], "externalId": a.get("externalId"),
          "batches": ";".join(names(a.get("batches"))), "issues": per_asset[a["_id"]][0],
          "open": per_asset[a["_id"]][1]} for a in assets],
        columns=["assetId", "externalId", "batches", "issues", "open"]).to_csv(index=False)
    return common.ExportResponse(
        file=common.zip_of([("issues.csv", issues_csv), ("issues_per_asset.csv", per_csv)]),
        file_name="issue_export.zip")


if __name__ == "__main__":
    common.main(export, __doc__)
