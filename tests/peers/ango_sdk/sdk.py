"""The SDK client the export plugins call (protocol.md §6 table, §6.1), per generation.

Like the SDK, URLs are built as text: query values are **not** URL-encoded by the SDK
(§6: "Query values are not URL-encoded"); requests then only re-quotes what may not appear in
a URL at all (spaces, quotes, non-ASCII), which is what the platform really receives. The one
exception is the newest's `filters=` / `filter=`, which it percent-encodes itself (§6.1).
"""
import json
from urllib.parse import quote

import requests

from ango_sdk.generations import generation

TIMEOUT = 60


class SDK:
    def __init__(self, api_key, host, version="newest"):
        self.api_key = api_key
        self.host = host.rstrip("/")
        self.gen = generation(version)

    # --- transport -----------------------------------------------------------------------
    def _headers(self, json_content_type):
        headers = {"apikey": self.api_key}
        if json_content_type:
            # §6.1 "Headers": project/task calls add Content-Type: application/json to GETs
            # (it must not change the answer); export and upload calls send apikey only.
            headers["Content-Type"] = "application/json"
        return headers

    def _get(self, path_and_query, json_content_type=True):
        r = requests.get(self.host + path_and_query, headers=self._headers(json_content_type),
                         timeout=TIMEOUT)
        return r.json()

    # --- projects and assets -------------------------------------------------------------
    def get_project(self, project_id):
        return self._get(f"/v2/project/{project_id}")

    def list_projects(self, page=1, limit=10):
        return self._get(f"/v2/listProjects?page={page}&limit={limit}")

    def get_assets(self, project_id, page=1, limit=10, asset_id=None, external_id=None,
                   batches=None):
        url = f"/v2/project/{project_id}/assets?page={page}&limit={limit}"
        if self.gen.assets_filters:
            # §6.1: "always filters ({} when none; keys _id, externalId, batches),
            # percent-encoded; no _id/externalId query parameters".
            filters = {}
            if asset_id:
                filters["_id"] = asset_id
            if external_id:
                filters["externalId"] = external_id
            if batches:
                filters["batches"] = batches
            url += "&filters=" + quote(json.dumps(filters), safe="")
        else:
            # §6 table: ?page=&limit=[&_id=][&externalId=], values as they are.
            if asset_id:
                url += f"&_id={asset_id}"
            if external_id:
                url += f"&externalId={external_id}"
        return self._get(url)

    # --- tasks ---------------------------------------------------------------------------
    def get_tasks(self, project_id, page=1, limit=10, status=None, stage=None, batches=None):
        url = f"/v2/project/{project_id}/tasks?page={page}&limit={limit}"
        if self.gen.task_include_answer:
            # §6.1: includeAnswer=false|true and filter=<url-quoted JSON>; the older
            # status[eq]/stage/batches parameters are dropped when filter sets the field.
            url += "&includeAnswer=false"
            task_filter = {}
            if status:
                task_filter["status"] = status
            if stage:
                task_filter["stage"] = stage
            if batches:
                task_filter["batches"] = batches
            if task_filter:
                url += "&filter=" + quote(json.dumps(task_filter), safe="")
        else:
            # §6 table: [&status[eq]=][&stage=][&batches=<JSON>].
            if status:
                url += f"&status[eq]={status}"
            if stage:
                url += f"&stage={stage}"
            if batches:
                url += f"&batches={json.dumps(batches)}"
        return self._get(url)

    def get_task(self, task_id):
        if self.gen.task_include_answer:
            # §6.1: "GET /v2/task/{id}?includeAnswer=False (capitalised)".
            return self._get(f"/v2/task/{task_id}?includeAnswer=False")
        return self._get(f"/v2/task/{task_id}")

    def get_task_history(self, task_id):
        return self._get(f"/v2/task/{task_id}/history")

    # --- storages ------------------------------------------------------------------------
    def get_storages(self, storage_id=None):
        url = "/v2/storages" + (f"?_id={storage_id}" if storage_id else "")
        # §6.1: the newest sends Content-Type: application/json here and raises on non-2xx.
        r = requests.get(self.host + url, headers=self._headers(self.gen.storages_raise),
                         timeout=TIMEOUT)
        if self.gen.storages_raise:
            r.raise_for_status()
        return r.json()

    # --- exports -------------------------------------------------------------------------
    def exportV3(self, project_id, batches=None, stage=None, format="json", export_type=None):
        """Returns the answer ({"data": {"exportPath": URL}}); the plugin downloads the URL."""
        if self.gen.export_path == "/v2/exportV3":
            # §6 table: `type` is literally `None` when unset (an f-string of None);
            # `batches` and `stage` JSON-encoded (§6 "Quirks").
            url = (f"/v2/exportV3?project={project_id}&sendEmail=false&format={format}"
                   f"&includeMetadata=true&includeHistory=true&includeSegmentationPoints=true"
                   f"&doNotNotify=true&type={export_type}")
            if batches:
                url += f"&batches={json.dumps(batches)}"
            if stage:
                url += f"&stage={json.dumps(stage)}"
        else:
            # §6.1: the newest never calls /v2/exportV3: the same /v2/export query as a run's
            # export fetch, with `type`; issues go without `stage`.
            export_type = export_type or "task"
            url = export_query(project_id, format, export_type, batches,
                               None if export_type == "issue" else stage,
                               send_stage=export_type != "issue")
        return self._get(url, json_content_type=False)


def export_query(project_id, fmt, export_type, batches, stage, send_stage=True,
                 key_frames_only=False):
    """§6.1's exact /v2/export query of the newest SDK, in its order:
    sendEmail=false&includeMetadata=true&includeHistory=true&doNotNotify=true&format=ndjson
    &type=task&includeOnlyKeyFrames=false&includeIdleBlurDurations=false[&batches=<JSON>]
    &taskTypes=["default"][&stage=<JSON>]&project=<pid>"""
    url = (f"/v2/export?sendEmail=false&includeMetadata=true&includeHistory=true"
           f"&doNotNotify=true&format={fmt}&type={export_type}"
           # "The key-frames switch is includeOnlyKeyFrames, always sent (true/false)."
           f"&includeOnlyKeyFrames={'true' if key_frames_only else 'false'}"
           f"&includeIdleBlurDurations=false")
    if batches:
        url += f"&batches={json.dumps(batches)}"
    url += '&taskTypes=["default"]'
    if send_stage:
        # "When the plugin event has no stage (null or absent), the SDK sends
        # stage=["Complete"]; [] sends none; a string sends a JSON string."
        if stage is None:
            url += '&stage=["Complete"]'
        elif stage != []:
            url += f"&stage={json.dumps(stage)}"
    url += f"&project={project_id}"
    return url
