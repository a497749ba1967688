#!/usr/bin/python3
"""A dispatcher (like the platform's public script-runner plugins): the Config JSON
{"script": "<name>"} picks scripts/<name>.py beside this file and returns what its
`export(data)` returns. An unknown (or unsafe) name is logged as an ERROR line and raises, so
the run fails (newest SDK: an error answer; older ones: no answer at all)."""
import importlib.util
import json
import os
import re

import common

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts")


def export(data):
    logger = data["logger"]
    config = json.loads(data.get("configJSON") or "{}")
    name = config.get("script")
    path = os.path.join(SCRIPTS, "%s.py" % name)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_]+", name) or \
            not os.path.isfile(path):
        known = sorted(f[:-3] for f in os.listdir(SCRIPTS) if f.endswith(".py"))
        message = "unknown script %r in the Config JSON; known scripts: %s" % (
            name, ", ".join(known))
        logger.error(message)
        raise ValueError(message)
    spec = importlib.util.spec_from_file_location("script_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    logger.info("running script %s" % name)
    return module.export(data)


if __name__ == "__main__":
    common.main(export, __doc__)
