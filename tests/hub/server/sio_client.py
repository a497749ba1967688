"""Drives the hub server's Socket.IO endpoint with Debian's python3-socketio client (the
library the platform's Python SDK uses) and prints one line per result for the C++ test.

usage: sio_client.py URL MODE [CAFILE]   (MODE: websocket | polling | default)
CAFILE: trust this CA (PEM) for an https:// URL, for polling and websocket alike.
"""
import json
import sys
import threading

import requests
import socketio

url, mode = sys.argv[1], sys.argv[2]
transports = {"websocket": ["websocket"], "polling": ["polling"], "default": None}[mode]
cafile = sys.argv[3] if len(sys.argv) > 3 else None


def make_client(**kwargs):
    # python-engineio takes the CA from its requests session's `verify`, for polling and for
    # websocket-client (as sslopt ca_certs).
    if cafile:
        session = requests.Session()
        session.verify = cafile
        # Else requests prefers REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE from the environment.
        session.trust_env = False
        kwargs["http_session"] = session
    return socketio.Client(reconnection=False, **kwargs)



def out(*parts):
    print(*parts, flush=True)


# engineio_logger: the default mode checks (on stderr) that the upgrade really happened.
sio = make_client(engineio_logger=(mode == "default"))
got = {name: threading.Event() for name in ("echo-back", "got-ack", "push")}


@sio.on("echo-back", namespace="/plugin")
def on_echo_back(*args):
    out("ECHOBACK", json.dumps(list(args)))
    got["echo-back"].set()


@sio.on("plugin", namespace="/plugin")
def on_plugin(data):
    out("PLUGIN", json.dumps(data, sort_keys=True))
    return {"ok": True, "session": data.get("session")}


@sio.on("got-ack", namespace="/plugin")
def on_got_ack(data):
    out("GOTACK", json.dumps(data, sort_keys=True))
    got["got-ack"].set()


@sio.on("push", namespace="/plugin")
def on_push(data):
    out("PUSH", json.dumps(data, sort_keys=True))
    got["push"].set()


@sio.on("disconnect", namespace="/plugin")
def on_disconnect():
    out("DISCONNECTED")


try:
    sio.connect(url, namespaces=["/plugin"], transports=transports)
    out("CONNECTED", sio.get_sid("/plugin"), sio.transport())
    out("ACK", json.dumps(sio.call("echo", {"a": 1, "s": "é\u2028"}, namespace="/plugin",
                                   timeout=5)))
    sio.emit("echo", ["x", 2], namespace="/plugin")
    out("ECHOBACK_WAIT", got["echo-back"].wait(5))
    out("BINACK", json.dumps(sio.call("upload", b"\x00\x01\x02\xff", namespace="/plugin",
                                      timeout=5)))
    sio.emit("heartbeat", {"id": "p1", "secret": "s1"}, namespace="/plugin")
    out("GOTACK_WAIT", got["got-ack"].wait(5))
    out("WAITPUSH")
    out("PUSH_WAIT", got["push"].wait(5))
    out("TRANSPORT", sio.transport())

    refused = make_client()
    try:
        refused.connect(url, namespaces=["/plugin"], auth={"token": "bad"},
                        transports=transports)
        out("REFUSED no")
        refused.disconnect()
    except socketio.exceptions.ConnectionError as e:
        out("REFUSED yes", str(e))

    sio.disconnect()
    out("DONE")
except Exception as e:  # the C++ test prints our output on failure
    out("ERROR", type(e).__name__, e)
    sys.exit(1)
