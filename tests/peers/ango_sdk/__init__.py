"""A test emulation of the platform's Python SDK (`imerit_ango`), one wire behaviour per SDK
generation ("1.2", "1.3", "newest"), written from /work/shared/docs/protocol.md (§1, §2, §3,
§4, §6, §6.1) — not a copy of the SDK. Export plugins written the way the platform's public
plugins are written run on it unchanged against a hub, so that a hub can be checked against
every generation of client it must serve.

Modules (named after the SDK's own):
  ango_sdk.plugins        ExportPlugin, ExportResponse, run   (imerit_ango.plugins)
  ango_sdk.plugin_logger  PluginLogger                        (imerit_ango.plugin_logger)
  ango_sdk.sdk            SDK: the REST client the plugins call (imerit_ango.sdk)
  ango_sdk.generations    what differs on the wire between the generations, in one table

Only Debian's python3 packages are used (run with /usr/bin/python3): python3-socketio
(socketio.Client, websocket transport), python3-requests; the REST connector is built on
http.server.
"""
from ango_sdk.generations import GENERATIONS, generation
from ango_sdk.plugin_logger import PluginLogger
from ango_sdk.plugins import ExportPlugin, ExportResponse, run
from ango_sdk.sdk import SDK

__all__ = ["ExportPlugin", "ExportResponse", "PluginLogger", "SDK", "run", "generation",
           "GENERATIONS"]
