#!/usr/bin/python3
"""An export plugin that behaves on the wire exactly like one written with the platform's
Python SDK (imerit_ango.plugins 1.1-1.4; protocol: ../shared/docs/protocol.md §1), built on
the same libraries it uses: Debian's python3-socketio Client (websocket transport only) and
python3-requests. The callback is the seed's sample plugin (externalId, URL and the bounding
boxes joined by the Config JSON's "separator-character").

Like the SDK it:
  * connects to HOST, namespace /plugin, no auth; emits `heartbeat` {id, secret} on connect
    and every 60 s;
  * on `plugin`: makes a logger bound to the run (`log` events), parses configJSON, GETs
    /v2/export (header apikey), downloads exportPath, reads the zip's first entry as NDJSON,
    calls the callback, GETs /v2/getUploadUrl then /v2/getSignedUrl, PUTs the zip to the
    upload URL, and emits `response` {export: true, response: signedUrl, session};
  * answers `response` {error: true, session} (no message) when the callback raises.

Usage: python_sdk_plugin.py --host URL --id ID --secret SECRET [--fail | --hang] [--storage-id ID]
  --fail   the callback raises (the SDK then answers error: true)
  --hang   the callback never returns (prints HANGING): for disconnect and timeout tests
Prints "CONNECTED" once connected and "RUN <session> <ok|error>" per run on stdout.
"""
import argparse
import io
import json
import sys
import threading
import time
import zipfile

import requests
import socketio


class PluginLogger:
    """What imerit_ango.plugins' logger does: each call emits a `log` event."""

    def __init__(self, sio, plugin_id, org_id, run_by, session):
        self.sio, self.plugin_id, self.org_id = sio, plugin_id, org_id
        self.run_by, self.session = run_by, session

    def _emit(self, level, msg):
        self.sio.emit("log", {"level": level, "organization": self.org_id,
                              "pluginId": self.plugin_id, "runBy": self.run_by,
                              "session": self.session, "msg": msg}, namespace="/plugin")

    def info(self, msg):
        self._emit("INFO", msg)

    def warning(self, msg):
        self._emit("WARNING", msg)

    def error(self, msg):
        self._emit("ERROR", msg)


class ExportResponse:
    def __init__(self, file, file_name="export.json", storage_id=None, bucket=None):
        self.file, self.file_name = file, file_name
        self.storage_id, self.bucket = storage_id, bucket


_said = threading.Lock()


def say(*words):
    """One line per call, written at once: runs print from threads of their own, and print()
    writes its words, separators and newline one by one (a test would read them mixed)."""
    with _said:
        sys.stdout.write(" ".join(str(w) for w in words) + "\n")
        sys.stdout.flush()


def sample_callback(fail=False, **data):
    project_id = data.get("projectId")
    json_export = data.get("jsonExport")
    logger = data.get("logger")
    config = json.loads(data.get("configJSON"))
    sep = config.get("separator-character", "-")
    logger.info("Plugin session is started!")
    if fail:
        raise RuntimeError("the callback failed on purpose")
    out = []
    for asset in json_export:
        boxes = []
        for o in asset["task"]["tools"]:
            if "bounding-box" in o:
                b = o["bounding-box"]
                boxes.append(" ".join([o["title"], str(round(b["x"])), str(round(b["y"])),
                                       str(round(b["width"])), str(round(b["height"]))]))
        out.append({"externalId": asset["externalId"], "URL": asset["asset"],
                    "Annotations": sep.join(boxes)})
    zip_data = io.BytesIO()
    with zipfile.ZipFile(zip_data, "w") as zf:
        zf.writestr(project_id + ".json", json.dumps(out, indent=4))
    logger.info("Plugin session is finished!")
    return ExportResponse(file=zip_data, file_name=project_id + ".zip")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--fail", action="store_true")
    ap.add_argument("--hang", action="store_true")
    ap.add_argument("--storage-id", default="",
                    help="return ExportResponse(..., storage_id=ID): the result goes to that "
                         "registered storage (the customer's bucket)")
    ap.add_argument("--delay", type=float, default=0.0,
                    help="seconds to wait before the callback (runs stay in flight)")
    args = ap.parse_args()
    host = args.host.rstrip("/")

    sio = socketio.Client(reconnection=False)
    done = threading.Event()

    def heartbeat():
        sio.emit("heartbeat", {"id": args.id, "secret": args.secret}, namespace="/plugin")

    @sio.on("connect", namespace="/plugin")
    def on_connect():
        heartbeat()
        say("CONNECTED")

    @sio.on("disconnect", namespace="/plugin")
    def on_disconnect():
        done.set()

    @sio.on("plugin", namespace="/plugin")
    def on_plugin(data):
        # The SDK runs each run in a thread of its own so the socket keeps serving.
        threading.Thread(target=handle_run, args=(data,), daemon=True).start()

    def handle_run(data):
        session = data.get("session")
        api_key = data.get("apiKey")
        project_id = data.get("projectId")
        logger = PluginLogger(sio, args.id, data.get("orgId"), data.get("runBy"), session)
        config_json = data.get("configJSON") or "{}"
        batches = data.get("batches") or []
        stage = data.get("stage")
        headers = {"apikey": api_key}
        params = {"project": project_id, "format": "ndjson"}
        if stage:
            params["stage"] = stage
        if batches:
            params["batches"] = json.dumps(batches)
        r = requests.get(host + "/v2/export", params=params, headers=headers, timeout=60)
        if r.status_code != 200:
            say("EXPORT FAILED", r.status_code, r.text)
            return  # the SDK returns silently
        export_url = r.json()["data"]["exportPath"]
        blob = requests.get(export_url, timeout=60)
        with zipfile.ZipFile(io.BytesIO(blob.content)) as zf:
            first = zf.namelist()[0]
            text = zf.read(first).decode("utf-8")
        lines = [line for line in text.split("\n") if line.strip()]
        json_export = [json.loads(line) for line in lines]
        if args.delay > 0:
            time.sleep(args.delay)
        if args.hang:
            logger.info("hanging")
            say("HANGING", session)
            time.sleep(3600)
        try:
            result = sample_callback(fail=args.fail, projectId=project_id,
                                     jsonExport=json_export, logger=logger, apiKey=api_key,
                                     orgId=data.get("orgId"), runBy=data.get("runBy"),
                                     session=session, configJSON=config_json,
                                     numTasks=len(lines), stage=stage, batches=batches)
            if args.storage_id:
                result.storage_id = args.storage_id
        except Exception:
            sio.emit("response", {"error": True, "session": session}, namespace="/plugin")
            say("RUN", session, "error")
            return
        upload_params = {"name": result.file_name, "project": project_id, "type": "export"}
        # The SDK adds storageId to both calls when the callback set one.
        if result.storage_id:
            upload_params["storageId"] = result.storage_id
        r = requests.get(host + "/v2/getUploadUrl", params=upload_params, headers=headers,
                         timeout=60)
        upload_url = r.json()["data"]["uploadUrl"]
        signed_params = {"name": upload_url, "project": project_id, "type": "export"}
        if result.storage_id:
            signed_params["storageId"] = result.storage_id
        r = requests.get(host + "/v2/getSignedUrl", params=signed_params, headers=headers,
                         timeout=60)
        signed_url = r.json()["data"]["signedUrl"]
        put = requests.put(upload_url, data=result.file.getvalue(), timeout=60)
        if put.status_code >= 300:
            say("UPLOAD FAILED", put.status_code, put.text)
            return
        sio.emit("response", {"export": True, "response": signed_url, "session": session},
                 namespace="/plugin")
        say("RUN", session, "ok")

    sio.connect(host, namespaces=["/plugin"], transports=["websocket"])

    def beat():
        while not done.wait(60):
            heartbeat()

    threading.Thread(target=beat, daemon=True).start()
    try:
        while not done.is_set():
            # Exit when the test closes our stdin (or on SIGTERM).
            if sys.stdin.read(1) == "":
                break
    except KeyboardInterrupt:
        pass
    sio.disconnect()


if __name__ == "__main__":
    main()
