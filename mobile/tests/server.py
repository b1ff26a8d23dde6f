"""The real tokhai-server ($TOKHAI_SERVER, built by test.sh) started on 127.0.0.1:0 in development mode with
a throw-away data folder, and an HTTP proxy in front of it that can hold one answer back (the server has
committed, the device has not heard), as tests/src/proxy.rs does for the Rust end-to-end tests."""

import http.client
import http.server
import json
import os
import re
import subprocess
import tempfile
import threading

SERVER = os.environ.get("TOKHAI_SERVER", "")


class Server:
    """One tokhai-server process; its standard error is read for the address and the texted codes."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        env = dict(os.environ)
        env.update(TOKHAI_SERVER_DATA_DIR=self.tmp.name, TOKHAI_LISTEN="127.0.0.1:0", TOKHAI_LOG_FORMAT="json",
                   TOKHAI_MODE="development", RUST_LOG="info")
        self.proc = subprocess.Popen([SERVER], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env,
                                     text=True)
        self.lines = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        line = self._wait_for(lambda l: "tokhai-server listening" in l, "the server did not start")
        self.addr = json.loads(line)["fields"]["addr"]
        self.url = f"http://{self.addr}"

    def _read(self):
        for line in self.proc.stderr:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.lines.append(None)
            self.changed.notify_all()

    def _wait_for(self, match, why, start=0):
        with self.changed:
            while True:
                for line in self.lines[start:]:
                    if line is None:
                        raise AssertionError(f"{why}: {''.join(l for l in self.lines if l)}")
                    if match(line):
                        return line
                start = len(self.lines)
                self.changed.wait()

    def mark(self):
        """A position in the log: `code_for` looks only at what comes after it."""
        with self.changed:
            return len(self.lines)

    def code_for(self, phone, after):
        """The one-time code the development SMS sender printed for `phone` (national form, 09…)."""
        e164 = "+84" + phone[1:]
        line = self._wait_for(lambda l: "development SMS" in l and e164 in l, "no code was texted", after)
        return re.findall(r"\b\d{6}\b", line.split(e164, 1)[1])[0]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.reader.join(timeout=30)
        self.tmp.cleanup()


class Proxy:
    """Forwards every request to `upstream`; the `hold`-th upload the server accepts (a 2xx answer,
    counting from 1) has its answer held back until `release()` (the device never hears it). `answered` is
    set once the server has answered the held request."""

    def __init__(self, upstream, hold=None):
        self.upstream = upstream.removeprefix("http://")
        self.hold = hold
        self.uploads = 0
        self.lock = threading.Lock()
        self.answered = threading.Event()
        self.released = threading.Event()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection: nothing to multiplex

            def log_message(self, *args):
                pass

            def forward(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                upload = self.command == "POST" and self.path.startswith("/v1/sync/upload")
                conn = http.client.HTTPConnection(proxy.upstream, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                held = False
                if upload and 200 <= answer.status < 300:
                    with proxy.lock:
                        proxy.uploads += 1
                        held = proxy.uploads == proxy.hold
                if held:
                    proxy.answered.set()
                    proxy.released.wait(timeout=120)
                    self.close_connection = True
                    return  # the answer is lost: the device must not count on it
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = forward

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def release(self):
        self.released.set()

    def stop(self):
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()
