"""A browser's live connection, as Debian's python3-socketio: namespace /ui with an API key.

  ui_client.py HUB_URL API_KEY [--catch-up]

Prints "UI CONNECTED", then each `notification` event as "NOTIFICATION KIND SESSION" and each
`run` event as "RUN SESSION STATE log:MSG|- url|-", one whole line at a time, until stdin
closes. Exits non-zero when the hub refuses the key.

--catch-up: what the web UI does (web/live.js, web/notifications.js): reconnect when the
link drops and, on each reconnection, fetch the notifications (GET /api/notifications) to
catch up on what happened meanwhile; while the link is down (a reconnection can take a while
on a loaded hub), fetch them every 2 s, and every 30 s while it is up. Each notification is
printed once (by id); fetched ones end with " fetched", and each reconnection prints
"UI RECONNECTED".
"""
import json
import sys
import threading
import urllib.request

import socketio

url, key = sys.argv[1], sys.argv[2]
catch_up = "--catch-up" in sys.argv[3:]
sio = socketio.Client(reconnection=catch_up)
lock = threading.Lock()  # handlers run on threads of their own: one whole line at a time
seen = set()  # notification ids printed (--catch-up)
connects = 0


def say(*words):
    with lock:
        sys.stdout.write(" ".join(words) + "\n")
        sys.stdout.flush()


def note(n, how=""):
    with lock:
        if catch_up and n["id"] in seen:
            return
        seen.add(n["id"])
    say("NOTIFICATION", n["kind"], n["session"], *([how] if how else []))


@sio.on("notification", namespace="/ui")
def on_note(n):
    note(n)


@sio.on("run", namespace="/ui")
def on_run(r):
    log = r.get("log")
    say("RUN", r["session"], r["state"], "log:" + log["msg"] if log else "-",
        "url" if r.get("downloadUrl") else "-")


def fetch():
    request = urllib.request.Request(url + "/api/notifications?limit=1000",
                                     headers={"apikey": key})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            for n in json.load(answer)["notifications"]:
                note(n, "fetched")
    except OSError as e:  # the hub is busy or restarting: the next poll tries again
        print(f"fetching notifications failed: {e}", file=sys.stderr, flush=True)


def poll(stop):
    waited = 0.0
    while not stop.wait(1.0):
        waited += 1.0
        if waited >= (30.0 if sio.connected else 2.0):
            waited = 0.0
            fetch()


@sio.on("connect", namespace="/ui")
def on_connect():
    global connects
    connects += 1
    if connects == 1:
        return
    say("UI RECONNECTED")
    fetch()


sio.connect(url, namespaces=["/ui"], transports=["websocket"], auth={"apikey": key})
say("UI CONNECTED")
stop = threading.Event()
if catch_up:
    threading.Thread(target=poll, args=(stop,), daemon=True).start()
sys.stdin.read()
stop.set()
sio.disconnect()
