"""ExportPlugin, ExportResponse and run() as the platform's Python SDK has them
(imerit_ango.plugins), with the wire behaviour of one SDK generation (ango_sdk.generations).

A run (protocol.md §1, "Export plugin handling of `plugin`"):
  1. a logger bound to the run; configJSON (absent -> "{}");
  2. the export: GET <export query of the generation> with header apikey -> data.exportPath;
     the zip behind it is downloaded without apikey (§6: "The export zip and the upload are
     fetched/put with no apikey"), its first entry read as NDJSON; numTasks = non-empty lines;
  3. the callback, keyword-called (<= 1.3) or with the dict positionally (newest);
  4. getUploadUrl, getSignedUrl, PUT, and the `response` answer.
Each run prints "RUN <session> ok|error" on stdout (for the tests; not on the wire).
"""
import io
import json
import os
import sys
import threading
import traceback
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
import socketio

from ango_sdk.generations import generation
from ango_sdk.plugin_logger import PluginLogger, rest_sender, socket_sender
from ango_sdk.sdk import TIMEOUT, export_query


class ExportResponse:
    def __init__(self, file, file_name="export.json", storage_id=None, bucket=None):
        self.file, self.file_name = file, file_name
        self.storage_id, self.bucket = storage_id, bucket

    def content(self):
        f = self.file
        if hasattr(f, "getvalue"):
            return f.getvalue()
        if isinstance(f, str):
            return f.encode("utf-8")
        return bytes(f)


class _Silent(Exception):
    """A failure after which the old SDKs (and, for fetch/upload, every SDK: §1 "The Python
    SDK silently returns when the export fetch or the upload fails") send nothing."""


def _say(*words):
    print(*words, flush=True)


class ExportPlugin:
    def __init__(self, id, secret, callback, host="https://api.ango.ai", version="newest",
                 include_key_frames_only=False):
        self.id, self.secret, self.callback = id, secret, callback
        self.host = host.rstrip("/")
        self.gen = generation(version)
        self.include_key_frames_only = include_key_frames_only

    # --- step 2: the export ----------------------------------------------------------------
    def _export_url(self, project_id, stage, batches):
        if self.gen.export_path == "/v2/exportV3":
            # §2: "Older SDKs used GET /v2/exportV3?project=&format=&sendEmail=false
            # &includeMetadata=true&includeHistory=true&includeMask=true
            # &includeSegmentationPoints=true&doNotNotify=true[&batches=..][&stage=..]";
            # §6: stage and batches JSON-encoded, nothing URL-encoded by the SDK.
            url = (f"{self.host}/v2/exportV3?project={project_id}&format=ndjson&sendEmail=false"
                   f"&includeMetadata=true&includeHistory=true&includeMask=true"
                   f"&includeSegmentationPoints=true&doNotNotify=true")
            if batches:
                url += f"&batches={json.dumps(batches)}"
            if stage:
                url += f"&stage={json.dumps(stage)}"
            return url
        # §6.1: the newest's exact query; no stage in the event -> stage=["Complete"].
        return self.host + export_query(project_id, "ndjson", "task", batches, stage,
                                        key_frames_only=self.include_key_frames_only)

    def _fetch_export(self, api_key, project_id, stage, batches):
        r = requests.get(self._export_url(project_id, stage, batches),
                         headers={"apikey": api_key}, timeout=TIMEOUT)
        if r.status_code != 200:
            _say("EXPORT FAILED", r.status_code, r.text[:300])
            raise _Silent()
        blob = requests.get(r.json()["data"]["exportPath"], timeout=TIMEOUT)
        if blob.status_code != 200:
            _say("EXPORT DOWNLOAD FAILED", blob.status_code, blob.text[:300])
            raise _Silent()
        with zipfile.ZipFile(io.BytesIO(blob.content)) as zf:
            text = zf.read(zf.namelist()[0]).decode("utf-8")
        lines = [line for line in text.split("\n") if line.strip()]
        return [json.loads(line) for line in lines], len(lines)

    # --- step 4: upload and answer ---------------------------------------------------------
    def _upload(self, api_key, project_id, result):
        headers = {"apikey": api_key}
        if self.gen.old_upload_names:
            # §6: "SDK <= 1.3 uploads with GET /v2/getUploadUrl?name=<projectId>/exports/<file>
            # (no project, no type), then GET /v2/getSignedUrl?name=<uploadUrl>". The upload
            # URL goes in unencoded: its own ?expires=..&sig=.. spills into the outer query.
            # (Their own S3 upload for storage_id + bucket, through boto3, is not emulated.)
            if result.storage_id:
                _say("UPLOAD FAILED storage_id is not supported by the", self.gen.name,
                     "emulation")
                raise _Silent()
            up_q = f"name={project_id}/exports/{result.file_name}"
            signed_extra = ""
        else:
            # §6: "the newest SDK sends name=<file>&project=<pid>&type=exports[&storageId=]".
            storage = f"&storageId={result.storage_id}" if result.storage_id else ""
            up_q = f"name={result.file_name}&project={project_id}&type=exports{storage}"
            signed_extra = f"&project={project_id}&type=exports{storage}"
        r = requests.get(f"{self.host}/v2/getUploadUrl?{up_q}", headers=headers, timeout=TIMEOUT)
        if r.status_code != 200:
            _say("UPLOAD URL FAILED", r.status_code, r.text[:300])
            raise _Silent()
        upload_url = r.json()["data"]["uploadUrl"]
        r = requests.get(f"{self.host}/v2/getSignedUrl?name={upload_url}{signed_extra}",
                         headers=headers, timeout=TIMEOUT)
        if r.status_code != 200:
            _say("SIGNED URL FAILED", r.status_code, r.text[:300])
            raise _Silent()
        signed_url = r.json()["data"]["signedUrl"]
        put = requests.put(upload_url, data=result.content(), timeout=TIMEOUT)
        if put.status_code >= 300:
            _say("UPLOAD FAILED", put.status_code, put.text[:300])
            raise _Silent()
        return upload_url, signed_url

    def _answer_body(self, session, upload_url, signed_url):
        if self.gen.oldest_answer:
            # §6: "the oldest SDK answered {"response": <upload URL without its query>,
            # "session"} with no export key".
            return {"response": upload_url.split("?", 1)[0], "session": session}
        return {"export": True, "response": signed_url, "session": session}

    # --- one run ---------------------------------------------------------------------------
    def handle(self, data, answer, log_send):
        """Runs one `plugin` event. `answer(body)` sends a `response`, `log_send(body)` a log
        line. Returns "ok", "error" (the callback raised) or "silent"."""
        session = data.get("session")
        api_key = data.get("apiKey")
        project_id = data.get("projectId")
        logger = PluginLogger(log_send, self.id, data.get("orgId"), data.get("runBy"), session)
        config_json = data.get("configJSON") or "{}"
        batches = data.get("batches") or []
        stage = data.get("stage")
        try:
            json_export, num_tasks = self._fetch_export(api_key, project_id, stage, batches)
        except Exception as e:  # _Silent, or an answer of an unexpected shape
            if not isinstance(e, _Silent):
                traceback.print_exc()
            _say("RUN", session, "error")
            return "silent"
        args = {"projectId": project_id, "jsonExport": json_export, "logger": logger,
                "apiKey": api_key, "orgId": data.get("orgId"), "runBy": data.get("runBy"),
                "session": session, "configJSON": config_json, "numTasks": num_tasks,
                "stage": stage, "batches": batches}
        try:
            # §6.1: "the newest SDK calls callback(data) with the dict positionally; 1.2 calls
            # callback(**data)".
            result = self.callback(args) if self.gen.positional_callback else self.callback(**args)
        except Exception:
            traceback.print_exc()
            _say("RUN", session, "error")
            if self.gen.answers_callback_error:
                # §6.1: "A raising callback: the newest answers {"error": true, "session"}".
                answer({"error": True, "session": session})
                return "error"
            # §6.1: "1.2 never answers" (nor 1.3: §6 "Old SDKs never answer when ... the
            # callback ... fails").
            return "silent"
        try:
            upload_url, signed_url = self._upload(api_key, project_id, result)
        except Exception as e:
            if not isinstance(e, _Silent):
                traceback.print_exc()
            _say("RUN", session, "error")
            return "silent"
        answer(self._answer_body(session, upload_url, signed_url))
        _say("RUN", session, "ok")
        return "ok"


# --- transport WS (§1) -------------------------------------------------------------------
def _serve_ws(plugin, stop):
    sio = socketio.Client(reconnection=False)

    def heartbeat():
        sio.emit("heartbeat", {"id": plugin.id, "secret": plugin.secret}, namespace="/plugin")

    @sio.on("connect", namespace="/plugin")
    def on_connect():
        heartbeat()
        _say("CONNECTED")

    @sio.on("disconnect", namespace="/plugin")
    def on_disconnect():
        _say("DISCONNECTED")
        stop.set()

    def answer(body):
        sio.emit("response", body, namespace="/plugin")

    @sio.on("plugin", namespace="/plugin")
    def on_plugin(data):
        # Each run in a thread of its own, so that the socket keeps serving.
        threading.Thread(target=plugin.handle, args=(data, answer, socket_sender(sio)),
                         daemon=True).start()

    # §1: "transport websocket only", namespace /plugin, no auth payload.
    sio.connect(plugin.host, namespaces=["/plugin"], transports=["websocket"])
    while not stop.wait(60):  # §1: heartbeat "then every 60 s"
        heartbeat()
    sio.disconnect()


# --- transport REST (§4, §6.1 "REST connector") --------------------------------------------
def _serve_rest(plugin, port, stop):
    if not plugin.gen.rest_connector:
        # §6.1: "SDK 1.2 has no REST connector".
        raise SystemExit(f"SDK {plugin.gen.name} has no REST connector")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            sys.stderr.write("rest: " + (fmt % args) + "\n")

        def _reply(self, status, body, content_type="application/json"):
            raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _secret_ok(self):
            return self.headers.get("Secret") == plugin.secret

        def do_GET(self):
            if self.path.split("?", 1)[0] != "/heartbeat":
                return self._reply(404, {"detail": "Not Found"})
            if not self._secret_ok():
                return self._reply(401, {"detail": "Unauthorized"})
            return self._reply(200, "ok")  # §4: GET /heartbeat -> "ok"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.path.split("?", 1)[0] != "/plugin":
                return self._reply(404, {"detail": "Not Found"})
            # §6.1: "the body is parsed before the secret is checked: malformed JSON -> 422
            # even without Secret; wrong secret -> 401" (FastAPI's validation answer shape).
            try:
                data = json.loads(raw.decode("utf-8"))
                if not isinstance(data, dict):
                    raise ValueError("the body must be a JSON object")
            except ValueError as e:
                return self._reply(422, {"detail": [{"loc": ["body"], "msg": str(e),
                                                     "type": "value_error.jsondecode"}]})
            if not self._secret_ok():
                return self._reply(401, {"detail": "Unauthorized"})
            api_key = data.get("apiKey")

            def answer(body):
                # §4: results go back with POST /v2/pluginResponse (header apikey).
                requests.post(plugin.host + "/v2/pluginResponse", json=body,
                              headers={"apikey": api_key}, timeout=TIMEOUT)

            outcome = plugin.handle(data, answer, rest_sender(plugin.host, api_key))
            if outcome == "error":
                # §6.1: "its POST /plugin answers HTTP 500" (the re-raised exception, answered
                # the way FastAPI answers an unhandled one).
                return self._reply(500, b"Internal Server Error", "text/plain; charset=utf-8")
            return self._reply(200, {"status": "ok"})

    # §6.1: the SDK listens on 0.0.0.0:$PORT; the tests keep to loopback.
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _say("LISTENING", server.server_address[1])
    _say("CONNECTED")
    stop.wait()
    server.shutdown()


def run(plugin, host=None, connector=None, port=None, until_stdin_closes=True):
    """Serves `plugin` until the process is stopped (or, for the tests, until stdin closes).
    The connector comes from the environment like the SDK's (§4: CONNECTOR=REST, PORT, default
    8080) unless given."""
    if host:
        plugin.host = host.rstrip("/")
    connector = (connector or os.environ.get("CONNECTOR") or "WS").upper()
    stop = threading.Event()
    if until_stdin_closes:
        def watch_stdin():
            try:
                while sys.stdin.read(1) != "":
                    pass
            except (OSError, ValueError):
                pass
            stop.set()
        threading.Thread(target=watch_stdin, daemon=True).start()
    if connector == "REST":
        _serve_rest(plugin, int(port or os.environ.get("PORT") or 8080), stop)
    else:
        _serve_ws(plugin, stop)
