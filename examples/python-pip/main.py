"""python-pip: a tiny HTTP service on the standard library and tinylib (a pip-installed dependency).

  main.py               prints the answer for "/" and exits
  main.py --port N      serves HTTP on port N
  main.py --self-check  serves on a loopback port, asks itself for /health and prints the reply
"""
import http.server
import sys
import threading
import urllib.request

from greeting import answer


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (answer(self.path) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def self_check():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with urllib.request.urlopen("http://127.0.0.1:%d/health" % server.server_port) as r:
        print(r.status, r.read().decode(), end="")
    server.shutdown()


def main(argv):
    if len(argv) > 2 and argv[1] == "--port":
        print("python-pip listening on", argv[2], flush=True)
        http.server.ThreadingHTTPServer(("", int(argv[2])), Handler).serve_forever()
    elif len(argv) > 1 and argv[1] == "--self-check":
        self_check()
    else:
        print(answer("/"))


if __name__ == "__main__":
    main(sys.argv)
