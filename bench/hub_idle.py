#!/usr/bin/python3
"""The hub's memory with many idle plugin connections: N (default 1000) python-socketio
AsyncClients (websocket transport) connect to /plugin and send their heartbeat; once the
hub counts them all online, its resident memory (VmRSS, and VmHWM) is printed, next to the
figure before they connected.

  bench/hub_idle.py XPORT_BINARY [CONNECTIONS]      (loopback only)
"""
import asyncio
import re
import sys

import socketio

from hub_bench import Hub

xport = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
hub = Hub(xport)
url, api = hub.url, hub.api


def memory():
    status = open(f"/proc/{hub.process.pid}/status").read()
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
    hub.stop()
