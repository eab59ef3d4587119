"""The answer of python-web: a JSON document built from settings.yaml (PyYAML comes from Debian's python3-yaml)."""
import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def settings():
    with open(os.path.join(HERE, "settings.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def answer(path):
    s = settings()
    return json.dumps({"service": s["service"], "greeting": s["greeting"], "path": path,
                       "python": "%d.%d" % sys.version_info[:2], "uid": os.getuid()}, sort_keys=True)
