#!/usr/bin/python3
"""Dispatch latency of the hub: time from `POST /api/runs` returning to a plugin receiving
the `plugin` event, over N runs (default 1000), one at a time. The plugin is a
python-socketio client (the library the platform's Python SDK uses) that answers every run
with an error at once, so runs end quickly. Prints p50/p90/p99/max.

  bench/hub_dispatch.py XPORT_BINARY [RUNS]       (loopback only; one run of the bench)
"""
import os
import sys
import threading
import time

import socketio

from hub_bench import Hub

xport = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
hub = Hub(xport)
url, api = hub.url, hub.api


try:
    project = api("POST", "/api/projects", {"name": "dispatch-bench"})["id"]
    plugin = api("POST", "/api/plugins", {"name": "bench", "type": "Export"})
    received = {}
    got = threading.Condition()
    sio = socketio.Client()

    @sio.on("plugin", namespace="/plugin")
    def on_plugin(data):
        with got:
            received[data["session"]] = time.monotonic()
            got.notify_all()
        sio.emit("response", {"error": True, "session": data["session"], "message": "bench"},
                 namespace="/plugin")

    sio.connect(url, namespaces=["/plugin"], transports=["websocket"])
    sio.emit("heartbeat", {"id": plugin["id"], "secret": plugin["secret"]}, namespace="/plugin")
    deadline = time.monotonic() + 10
    while api("GET", "/api/plugins/" + plugin["id"]).get("onlineInstances", 0) < 1:
        if time.monotonic() > deadline:
            sys.exit("the bench plugin never came online")
        time.sleep(0.05)
    latencies = []
    for _ in range(runs):
        t0 = time.monotonic()
        session = api("POST", "/api/runs", {"project": project, "plugin": plugin["id"]})["session"]
        with got:
            if not got.wait_for(lambda: session in received, timeout=10):
                sys.exit(f"run {session} never reached the plugin")
        latencies.append((received[session] - t0) * 1000)
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"{runs} runs: dispatch latency (POST /api/runs sent → `plugin` received) "
          f"p50 {pick(0.5):.2f} ms, p90 {pick(0.9):.2f} ms, p99 {pick(0.99):.2f} ms, "
          f"max {latencies[-1]:.2f} ms")
    sio.disconnect()
finally:
    hub.stop()
