"""The answer of python-pip: a JSON document built with tinylib (installed by pip from vendor/tinylib)."""
import json
import os
import sys

import tinylib


def answer(path):
    return json.dumps({"service": "python-pip", "greeting": tinylib.slug("Hello from Prod!"), "path": path,
                       "tinylib": tinylib.__version__, "from": os.path.dirname(tinylib.__file__),
                       "python": "%d.%d" % sys.version_info[:2], "uid": os.getuid()}, sort_keys=True)
