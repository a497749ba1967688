#!/usr/bin/python3
"""The hub's memory with many idle plugin connections: N (default 1000) python-socketio
AsyncClients (websocket transport) connect to /plugin and send their heartbeat; once the
hub counts them all online, its resident memory (VmRSS, and VmHWM) is printed, next to the
figure before they connected.

  bench/hub_idle.py XPORT_BINARY [CONNECTIONS]      (loopback only)
"""
import asyncio
import json
import re
import subprocess
import sys
import tempfile
import threading
import urllib.request

import socketio

xport = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
work = tempfile.mkdtemp(prefix="xport-idle-")
hub = subprocess.Popen([xport, "hub", "--data-dir", work + "/data", "--listen", "127.0.0.1:0",
                        "--log-level", "warn"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
url = None
for line in hub.stdout:
    m = re.search(r"listening on (http://\S+)", line)
    if m:
        url = m.group(1).rstrip("/")
        break
threading.Thread(target=lambda: [None for _ in hub.stdout], daemon=True).start()
key = open(work + "/data/admin-api-key").read().strip()


def api(method, path, body=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"apikey": key, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))


def memory():
    status = open(f"/proc/{hub.pid}/status").read()
    get = lambda k: int(re.search(k + r":\s+(\d+)", status).group(1)) / 1024
    return get("VmRSS"), get("VmHWM")


async def main():
    plugin = api("POST", "/api/plugins", {"name": "idle", "type": "Export"})
    before = memory()
    clients = []
    for i in range(count):
        c = socketio.AsyncClient()
        await c.connect(url, namespaces=["/plugin"], transports=["websocket"])
        await c.emit("heartbeat", {"id": plugin["id"], "secret": plugin["secret"]},
                     namespace="/plugin")
        clients.append(c)
    for _ in range(200):
        online = api("GET", "/api/plugins/" + plugin["id"]).get("onlineInstances", 0)
        if online >= count:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)
    after = memory()
    print(f"{online} idle plugin connections online: hub RSS {after[0]:.1f} MB "
          f"(peak {after[1]:.1f} MB); before connecting {before[0]:.1f} MB "
          f"→ {(after[0] - before[0]) * 1024 / max(1, online):.1f} kB per connection")
    await asyncio.gather(*(c.disconnect() for c in clients))

try:
    asyncio.run(main())
finally:
    hub.terminate()
    hub.wait(timeout=20)
    subprocess.run(["rm", "-rf", work])
