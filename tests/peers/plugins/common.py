"""What every plugin here shares: the command line, the SDK generation's callback shape, the
SDK client for a run, reading v2 and v3 rows alike, and writing a zip.

Usage of each plugin: PLUGIN.py --host URL --id ID --secret SECRET --sdk 1.2|1.3|newest
                                [--connector ws|rest --port N]
(Write --secret=SECRET when the secret may begin with "-".)
It prints "CONNECTED" once online and "RUN <session> ok|error" per run (ango_sdk.plugins).
"""
import argparse
import io
import os
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from ango_sdk import SDK, ExportPlugin, ExportResponse, generation, run  # noqa: E402

ARGS = None


def sdk_for(data):
    """The SDK client as the platform's plugins make it: the run's apiKey and the host."""
    return SDK(api_key=data["apiKey"], host=ARGS.host, version=ARGS.sdk)


def task_of(asset):
    """The asset's task: v3 `task`; a v2 row (`tasks[]`) has `tasks[0]`, whose `status` is its
    stage (docs/formats/aaf.md, normalize)."""
    if isinstance(asset.get("task"), dict):
        return asset["task"]
    tasks = asset.get("tasks") or []
    if tasks and isinstance(tasks[0], dict):
        t = dict(tasks[0])
        t.setdefault("stage", t.get("status"))
        t.setdefault("tools", t.get("objects") or [])
        return t
    return {}


def asset_key(asset, index):
    """§6: "Two assets may share an externalId ...; assetId identifies an asset" (v2 rows have
    no assetId: their row number stands in)."""
    return asset.get("assetId") or "row-%d" % index


def zip_of(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in entries:
            zf.writestr(name, text)
    return buf


def main(export, description=""):
    """Serves `export(data) -> ExportResponse` as an export plugin of one SDK generation."""
    global ARGS
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--host", required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--sdk", default="newest", choices=["1.2", "1.3", "newest"])
    ap.add_argument("--connector", default="ws", choices=["ws", "rest"])
    ap.add_argument("--port", type=int, default=8080)
    ARGS = ap.parse_args()
    ARGS.host = ARGS.host.rstrip("/")

    # The callback written the way plugins of that generation are written: the SDK calls it
    # with keywords (<= 1.3) or with the dict positionally (newest) — protocol.md §6.1. The
    # wrong shape would fail with a TypeError, so the call itself is under test.
    if generation(ARGS.sdk).positional_callback:
        def callback(data):
            return export(data)
    else:
        def callback(**data):
            return export(data)

    plugin = ExportPlugin(id=ARGS.id, secret=ARGS.secret, callback=callback, host=ARGS.host,
                          version=ARGS.sdk)
    run(plugin, host=ARGS.host, connector=ARGS.connector, port=ARGS.port)


__all__ = ["ExportResponse", "main", "sdk_for", "task_of", "asset_key", "zip_of"]
