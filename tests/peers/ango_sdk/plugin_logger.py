"""protocol.md §3: every log call emits `log` {level, organization, pluginId, runBy, session,
msg}; over the REST connector the same body goes to POST /v2/pluginLog (header apikey: the
run's token)."""
import requests


class PluginLogger:
    def __init__(self, send, plugin_id, org_id, run_by, session):
        # `send(body)` is the transport: a Socket.IO emit or a POST (see plugins.py).
        self._send = send
        self.plugin_id, self.org_id, self.run_by, self.session = plugin_id, org_id, run_by, session

    def _log(self, level, msg):
        self._send({"level": level, "organization": self.org_id, "pluginId": self.plugin_id,
                    "runBy": self.run_by, "session": self.session, "msg": str(msg)})

    def info(self, msg):
        self._log("INFO", msg)

    def warning(self, msg):
        self._log("WARNING", msg)

    def error(self, msg):
        self._log("ERROR", msg)

    def debug(self, msg):
        self._log("DEBUG", msg)


def socket_sender(sio):
    def send(body):
        sio.emit("log", body, namespace="/plugin")
    return send


def rest_sender(host, api_key):
    def send(body):
        # A lost log line must not fail the run (the SDK ignores the answer).
        try:
            requests.post(host + "/v2/pluginLog", json=body, headers={"apikey": api_key},
                          timeout=30)
        except requests.RequestException:
            pass
    return send
