#!/usr/bin/python3
"""A plugin driven line by line by a test, to put a plugin's events exactly where a fault is:
Debian's python3-socketio Client on /plugin (websocket), which sends `heartbeat` {id, secret}
on connect and prints every run it is sent; then, for each command read on stdin, emits an
event and waits for the hub's ack (a plugin of the Python SDK sends the same events without
waiting; the ack is what says whether the hub stored them).

Commands (one per line; SESSION is a run's session):
  log SESSION TEXT      emits `log` {level: INFO, session, msg: TEXT}
  log-level LEVEL SESSION TEXT   the same with that level
  error SESSION TEXT    emits `response` {error: true, session, message: TEXT}
  answer SESSION URL    emits `response` {export: true, response: URL, session}
  heartbeat SECRET [ID] emits `heartbeat` {id: ID (default --id), secret: SECRET}
  connect SECRET        connects again (a new socket) and sends that heartbeat
Output (stdout, flushed): "CONNECTED <ack json>" after each connect's heartbeat,
"DISCONNECTED" when the hub ends the socket, "RUN <session> <apiKey>" per `plugin` event (the
run's token), and for each
command "ACK <n> <event> <json of the ack's arguments>" (n counts the commands from 1;
"ACK <n> <event> TIMEOUT" when no ack came within 10 s).

Usage: scripted_plugin.py --host URL --id ID --secret SECRET
"""
import argparse
import json
import sys
import threading

import socketio


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--id", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()

    said = threading.Lock()

    def say(line):
        # One write per line, under a lock: the socket's threads and the command loop print at
        # the same time, and print() writes a line and its newline separately (the test once
        # read "ACK 2 heartbeat ...DISCONNECTED" as one line).
        with said:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    # One Client per connection: a Client the hub disconnected may still be closing its
    # Engine.IO side when the next `connect` comes.
    def connect(secret):
        client = socketio.Client(reconnection=False)

        @client.on("connect", namespace="/plugin")
        def on_connect():
            client.emit("heartbeat", {"id": args.id, "secret": secret}, namespace="/plugin",
                        callback=lambda *ack: say(f"CONNECTED {json.dumps(list(ack))}"))

        @client.on("disconnect", namespace="/plugin")
        def on_disconnect(*reason):
            say("DISCONNECTED")

        @client.on("plugin", namespace="/plugin")
        def on_plugin(data):
            say(f"RUN {data.get('session', '')} {data.get('apiKey', '')}")

        client.connect(args.host, namespaces=["/plugin"], transports=["websocket"],
                       wait_timeout=10)
        return client

    sio = connect(args.secret)

    count = 0
    for line in sys.stdin:
        parts = line.rstrip("\n").split(" ", 2)
        level = "INFO"
        if parts[0] == "log-level" and len(parts) == 3:
            level = parts[1]
            parts = ["log"] + parts[2].split(" ", 1)
        if len(parts) < 2:
            continue
        command, session = parts[0], parts[1]
        text = parts[2] if len(parts) > 2 else ""
        if command == "connect":
            if sio.connected:
                sio.disconnect()
            sio = connect(session)
            continue
        if command == "heartbeat":
            event, body = "heartbeat", {"id": text or args.id, "secret": session}
        elif command == "log":
            event, body = "log", {"level": level, "session": session, "msg": text}
        elif command == "answer":
            event, body = "response", {"export": True, "response": text, "session": session}
        elif command == "error":
            event, body = "response", {"error": True, "session": session, "message": text}
        else:
            say(f"UNKNOWN {command}")
            continue
        count += 1
        try:
            ack = sio.call(event, body, namespace="/plugin", timeout=10)
            say(f"ACK {count} {event} {json.dumps(ack)}")
        except socketio.exceptions.TimeoutError:
            say(f"ACK {count} {event} TIMEOUT")
    sio.disconnect()


if __name__ == "__main__":
    main()
