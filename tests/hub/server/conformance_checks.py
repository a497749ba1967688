"""Checks `xport hub --conformance` the way the official Engine.IO and Socket.IO server test
suites do (the suites themselves are fetched, never committed: docs/testing.md), with
Debian's python3-requests and python3-websocket, and prints one line per check for the C++
test: "OK name" or "FAIL name: why".

usage: conformance_checks.py HOST:PORT
"""
import json
import sys
import threading
import time

import requests
import websocket

base = "http://" + sys.argv[1]
ws_base = "ws://" + sys.argv[1]
EIO = base + "/engine.io/?EIO=4&transport=polling"
EIO_WS = ws_base + "/engine.io/?EIO=4&transport=websocket"
SIO_WS = ws_base + "/socket.io/?EIO=4&transport=websocket"


def open_polling(url=EIO):
    r = requests.get(url, timeout=5)
    assert r.status_code == 200, r.status_code
    assert r.text.startswith("0"), r.text
    return json.loads(r.text[1:])["sid"]


def recv_skipping_pings(ws):
    while True:
        frame = ws.recv()
        if frame != "2":
            return frame


def check_polling_echo():
    sid = open_polling()
    payload = "4hello\x1e4caf\u00e9\x1ebAQID"  # two texts and a binary message (1, 2, 3)
    r = requests.post(EIO + "&sid=" + sid, data=payload.encode(), timeout=5)
    assert r.status_code == 200 and r.text == "ok", (r.status_code, r.text)
    r = requests.get(EIO + "&sid=" + sid, timeout=5)
    assert r.text == payload, repr(r.text)


def check_websocket_echo():
    ws = websocket.create_connection(EIO_WS, timeout=5)
    opened = json.loads(ws.recv()[1:])
    assert opened["upgrades"] == [] and opened["pingInterval"] == 300, opened
    ws.send("4hello")
    assert recv_skipping_pings(ws) == "4hello"
    ws.send_binary(b"\x01\x02\x03")
    op, data = ws.recv_data()
    assert op == websocket.ABNF.OPCODE_BINARY and data == b"\x01\x02\x03", (op, data)
    ws.close()


def check_overlapping_polls():
    # A second GET while one is pending: the first is answered with the close packet, the
    # second with 400, and the session is gone.
    sid = open_polling()
    first = {}

    def pending():
        first["r"] = requests.get(EIO + "&sid=" + sid, timeout=5)

    t = threading.Thread(target=pending)
    t.start()
    time.sleep(0.05)
    second = requests.get(EIO + "&sid=" + sid + "&t=burst", timeout=5)
    t.join(5)
    assert second.status_code == 400, second.status_code
    assert first["r"].status_code == 200 and first["r"].text == "1", first["r"].text
    assert requests.get(EIO + "&sid=" + sid, timeout=5).status_code == 400


def check_upgrade():
    sid = open_polling()
    ws = websocket.create_connection(EIO_WS + "&sid=" + sid, timeout=5)
    ws.send("2probe")
    assert ws.recv() == "3probe"
    # A GET after the probe answered gets a noop at once, not the next ping (300 ms).
    started = time.monotonic()
    r = requests.get(EIO + "&sid=" + sid, timeout=5)
    waited = time.monotonic() - started
    assert r.text == "6" and waited < 0.25, (r.text, waited)
    ws.send("5")
    ws.send("4hello")
    assert recv_skipping_pings(ws) == "4hello"
    # The session now lives on the WebSocket: polling it is refused.
    assert requests.get(EIO + "&sid=" + sid, timeout=5).status_code == 400
    ws.close()


def check_sessions_stay_on_their_path():
    sid = open_polling()
    r = requests.get(base + "/socket.io/?EIO=4&transport=polling&sid=" + sid, timeout=5)
    assert r.status_code == 400, r.status_code


def sio_connect(packet="40", nsp_prefix="40"):
    ws = websocket.create_connection(SIO_WS, timeout=5)
    ws.recv()  # the Engine.IO open packet
    ws.send(packet)
    answer = recv_skipping_pings(ws)
    assert answer.startswith(nsp_prefix) and "sid" in json.loads(answer[len(nsp_prefix):]), answer
    return ws


def check_socketio_auth():
    ws = sio_connect()
    assert recv_skipping_pings(ws) == '42["auth",{}]'
    ws.close()
    ws = sio_connect('40/custom,{"token":"abc"}', "40/custom,")
    assert recv_skipping_pings(ws) == '42/custom,["auth",{"token":"abc"}]'
    ws.close()


def check_socketio_binary_ack():
    ws = sio_connect()
    recv_skipping_pings(ws)  # auth
    ws.send('452-789["message-with-ack",{"_placeholder":true,"num":0},'
            '{"_placeholder":true,"num":1}]')
    ws.send_binary(b"\x01\x02\x03")
    ws.send_binary(b"\x04\x05\x06")
    head = recv_skipping_pings(ws)
    assert head == '462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', head
    assert ws.recv() == b"\x01\x02\x03"
    assert ws.recv() == b"\x04\x05\x06"
    ws.send('42["message",1,"2",{"3":[true]}]')
    assert recv_skipping_pings(ws) == '42["message-back",1,"2",{"3":[true]}]'
    ws.close()


def check_connect_timeout():
    ws = websocket.create_connection(SIO_WS, timeout=5)
    ws.recv()
    started = time.monotonic()
    try:
        while True:
            frame = ws.recv()
            if frame == "":
                break
            if frame == "2":
                ws.send("3")
    except websocket.WebSocketConnectionClosedException:
        pass
    waited = time.monotonic() - started
    assert 0.8 < waited < 3, waited


for name, check in [
    ("polling-echo", check_polling_echo),
    ("websocket-echo", check_websocket_echo),
    ("overlapping-polls", check_overlapping_polls),
    ("upgrade", check_upgrade),
    ("sessions-stay-on-their-path", check_sessions_stay_on_their_path),
    ("socketio-auth", check_socketio_auth),
    ("socketio-binary-ack", check_socketio_binary_ack),
    ("connect-timeout", check_connect_timeout),
]:
    try:
        check()
        print("OK", name, flush=True)
    except Exception as e:  # every check is reported, the next one still runs
        print("FAIL", name + ":", repr(e), flush=True)
print("DONE", flush=True)
