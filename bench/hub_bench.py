"""Shared by the hub benchmarks: a fresh `xport hub` on a temporary data dir (loopback,
port 0) and a tiny client of its REST API with the admin's key."""
import json
import re
import subprocess
import tempfile
import threading
import urllib.request


class Hub:
    def __init__(self, xport):
        self.work = tempfile.mkdtemp(prefix="xport-hub-bench-")
        self.process = subprocess.Popen(
            [xport, "hub", "--data-dir", self.work + "/data", "--listen", "127.0.0.1:0",
             "--log-level", "warn"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.url = None
        for line in self.process.stdout:
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                self.url = m.group(1).rstrip("/")
                break
        if not self.url:
            raise SystemExit("the hub did not start")
        # Keep draining its output so that it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()
        self.key = open(self.work + "/data/admin-api-key").read().strip()

    def api(self, method, path, body=None):
        req = urllib.request.Request(
            self.url + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"apikey": self.key, "Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(req))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        subprocess.run(["rm", "-rf", self.work])
