#!/usr/bin/python3
"""The platform side of the export-plugin protocol (docs: ../shared/docs/protocol.md),
built on the same library the platform's Python SDK speaks to: Debian's python3-socketio
(AsyncServer on aiohttp). Plugins under test (the C++ SDK, `xport plugin`) run against it.

It serves:
  * Socket.IO namespace /plugin: `heartbeat` {id, secret} registers the socket as an online
    instance of the plugin; `response` and `log` events are collected.
  * The platform REST endpoints: /v2/export, /v2/getUploadUrl, /v2/getSignedUrl, the upload
    PUT, the signed download, /v2/pluginResponse, /v2/pluginLog.
  * A control API for tests under /_emu/: start a run, wait for responses, read state,
    drop a plugin's connection, call a REST-connector plugin.

Failure modes are chosen per run through the project id:
  "missing"        /v2/export answers 404
  "broken-zip"     the export URL serves bytes that are not a zip
  "no-upload"      /v2/getUploadUrl answers 500
  "drop"           the plugin's socket is disconnected when it asks for the export
                   (the run must still be answered, after reconnecting)
  "slow"           the export download waits 2 s before answering
  "lose-answer"    the plugin's socket is disconnected as the run's first answer arrives:
                   that answer is not recorded and its ack never reaches the plugin (which
                   must send it again after reconnecting)

Usage: platform_emulator.py --export FILE --plugin ID:SECRET [--api-key KEY]
                            [--data-dir DIR] [--tls-cert F --tls-key F]
Prints "PORT <n>" on its first stdout line once it listens on 127.0.0.1.
"""
import argparse
import asyncio
import json
import os
import secrets
import ssl
import sys
import time
import zipfile

import socketio
from aiohttp import ClientSession, web


class Platform:
    def __init__(self, args):
        self.args = args
        self.plugins = dict(p.split(":", 1) for p in args.plugin)
        self.online = {}  # plugin id -> sid
        self.sid_plugin = {}
        self.responses = []
        self.logs = []
        self.events = []  # connect / disconnect / heartbeat / rejected, in order
        self.export_requests = []
        self.run_projects = {}  # session -> projectId, from the runs started
        self.lost_answers = set()  # sessions whose first answer was lost ("lose-answer")
        self.uploads = {}  # token -> {"path", "size"}
        self.base_url = ""
        self.changed = asyncio.Condition()
        os.makedirs(args.data_dir, exist_ok=True)
        self.export_zip = os.path.join(args.data_dir, "export.zip")
        with zipfile.ZipFile(self.export_zip, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(args.export, "export.ndjson")

    async def note(self, kind, **fields):
        self.events.append({"kind": kind, "at": time.time(), **fields})
        async with self.changed:
            self.changed.notify_all()


def api_key_ok(request, platform):
    return request.headers.get("apikey") == platform.args.api_key


def build(platform):
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*",
                               ping_interval=platform.args.ping_interval,
                               ping_timeout=platform.args.ping_timeout)
    app = web.Application(client_max_size=1 << 34)
    sio.attach(app)

    @sio.on("connect", namespace="/plugin")
    async def on_connect(sid, environ, auth=None):
        await platform.note("connect", sid=sid)

    @sio.on("disconnect", namespace="/plugin")
    async def on_disconnect(sid):
        plugin = platform.sid_plugin.pop(sid, None)
        if plugin and platform.online.get(plugin) == sid:
            del platform.online[plugin]
        await platform.note("disconnect", sid=sid, plugin=plugin)

    @sio.on("heartbeat", namespace="/plugin")
    async def on_heartbeat(sid, data):
        pid = (data or {}).get("id")
        if pid in platform.plugins and platform.plugins[pid] == (data or {}).get("secret"):
            platform.online[pid] = sid
            platform.sid_plugin[sid] = pid
            await platform.note("heartbeat", sid=sid, plugin=pid)
        else:
            await platform.note("rejected", sid=sid, plugin=pid)

    @sio.on("response", namespace="/plugin")
    async def on_response(sid, data):
        session = (data or {}).get("session")
        if (platform.run_projects.get(session) == "lose-answer"
                and session not in platform.lost_answers):
            platform.lost_answers.add(session)
            await sio.disconnect(sid, namespace="/plugin")
            await platform.note("lost-answer", sid=sid, session=session)
            return
        # Like the platform, a run's answer is recorded once (an SDK may send it again when a
        # link dropped before the ack).
        if any(r["via"] == "ws" and (r["data"] or {}).get("session") == session
               for r in platform.responses):
            await platform.note("duplicate-answer", sid=sid, session=session)
            return
        platform.responses.append({"via": "ws", "sid": sid, "data": data})
        await platform.note("response", sid=sid)

    @sio.on("log", namespace="/plugin")
    async def on_log(sid, data):
        platform.logs.append(data)
        async with platform.changed:
            platform.changed.notify_all()

    # --- platform REST ---------------------------------------------------------------
    async def export(request):
        if not api_key_ok(request, platform):
            return web.json_response({"message": "bad apikey"}, status=401)
        project = request.query.get("project", "")
        platform.export_requests.append(dict(request.query))
        if project == "missing":
            return web.json_response({"message": "project not found"}, status=404)
        if project == "drop":
            sid = next(iter(platform.online.values()), None)
            if sid:
                await sio.disconnect(sid, namespace="/plugin")
        return web.json_response(
            {"data": {"exportPath": f"{platform.base_url}/_files/export.zip?project={project}"}})

    async def export_file(request):
        project = request.query.get("project", "")
        if project == "broken-zip":
            return web.Response(body=b"this is not a zip archive\n" * 10)
        if project == "slow":
            await asyncio.sleep(2)
        return web.FileResponse(platform.export_zip)

    async def upload_url(request):
        if not api_key_ok(request, platform):
            return web.json_response({"message": "bad apikey"}, status=401)
        if request.query.get("project") == "no-upload":
            return web.json_response({"message": "storage unavailable"}, status=500)
        token = secrets.token_hex(8)
        name = request.query.get("name", "export.zip")
        return web.json_response(
            {"data": {"uploadUrl": f"{platform.base_url}/_upload/{token}/{name}"}})

    async def signed_url(request):
        if not api_key_ok(request, platform):
            return web.json_response({"message": "bad apikey"}, status=401)
        url = request.query.get("name", "")
        return web.json_response(
            {"data": {"signedUrl": url.replace("/_upload/", "/_download/") + "?sig=ok"}})

    async def upload(request):
        token, name = request.match_info["token"], request.match_info["name"]
        folder = os.path.join(platform.args.data_dir, "uploads", token)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, os.path.basename(name))
        size = 0
        with open(path, "wb") as f:
            async for chunk in request.content.iter_chunked(1 << 20):
                f.write(chunk)
                size += len(chunk)
        platform.uploads[token] = {"path": path, "size": size}
        return web.Response(status=200)

    async def download(request):
        token = request.match_info["token"]
        if request.query.get("sig") != "ok" or token not in platform.uploads:
            return web.Response(status=403)
        return web.FileResponse(platform.uploads[token]["path"])

    async def plugin_response(request):
        platform.responses.append({"via": "rest", "data": await request.json()})
        await platform.note("response")
        return web.json_response({"status": "ok"})

    async def plugin_log(request):
        platform.logs.append(await request.json())
        return web.json_response({"status": "ok"})

    # --- control API for tests -------------------------------------------------------
    async def state(request):
        return web.json_response({
            "online": platform.online, "responses": platform.responses, "logs": platform.logs,
            "events": platform.events, "export_requests": platform.export_requests,
            "uploads": platform.uploads})

    async def run(request):
        body = await request.json()
        sid = platform.online.get(body["plugin"])
        if sid is None:
            return web.json_response({"message": "plugin offline"}, status=409)
        platform.run_projects[body["data"].get("session")] = body["data"].get("projectId")
        await sio.emit("plugin", body["data"], to=sid, namespace="/plugin")
        return web.json_response({"sid": sid})

    async def wait(request):
        """Waits until `count` responses (or `heartbeats` heartbeats) arrived, or timeout."""
        want_responses = int(request.query.get("responses", "0"))
        want_beats = int(request.query.get("heartbeats", "0"))
        deadline = time.monotonic() + float(request.query.get("timeout", "30"))

        def done():
            beats = sum(1 for e in platform.events if e["kind"] == "heartbeat")
            return len(platform.responses) >= want_responses and beats >= want_beats

        async with platform.changed:
            while not done():
                left = deadline - time.monotonic()
                if left <= 0:
                    return web.json_response({"timeout": True}, status=408)
                try:
                    await asyncio.wait_for(platform.changed.wait(), left)
                except asyncio.TimeoutError:
                    pass
        return await state(request)

    async def drop(request):
        body = await request.json()
        sid = platform.online.get(body["plugin"])
        if sid:
            await sio.disconnect(sid, namespace="/plugin")
        return web.json_response({"dropped": sid})

    async def run_rest(request):
        body = await request.json()
        async with ClientSession() as client:
            async with client.post(body["url"] + "/plugin", json=body["data"],
                                   headers={"Secret": body["secret"]}) as r:
                return web.json_response({"status": r.status, "body": await r.text()})

    app.router.add_get("/v2/export", export)
    app.router.add_get("/v2/exportV3", export)
    app.router.add_get("/_files/export.zip", export_file)
    app.router.add_get("/v2/getUploadUrl", upload_url)
    app.router.add_get("/v2/getSignedUrl", signed_url)
    app.router.add_put("/_upload/{token}/{name}", upload)
    app.router.add_get("/_download/{token}/{name}", download)
    app.router.add_post("/v2/pluginResponse", plugin_response)
    app.router.add_post("/v2/pluginLog", plugin_log)
    app.router.add_get("/_emu/state", state)
    app.router.add_post("/_emu/run", run)
    app.router.add_get("/_emu/wait", wait)
    app.router.add_post("/_emu/drop", drop)
    app.router.add_post("/_emu/run_rest", run_rest)
    return app


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--export", required=True)
    parser.add_argument("--plugin", action="append", default=[])
    parser.add_argument("--api-key", default="test-api-key")
    parser.add_argument("--data-dir", default="emulator-data")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--ping-interval", type=float, default=25)
    parser.add_argument("--ping-timeout", type=float, default=20)
    args = parser.parse_args()

    platform = Platform(args)
    runner = web.AppRunner(build(platform))
    await runner.setup()
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    platform.base_url = f"{'https' if context else 'http'}://127.0.0.1:{port}"
    print(f"PORT {port}", flush=True)
    # Serve until the test kills the process or closes our stdin.
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.read()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
