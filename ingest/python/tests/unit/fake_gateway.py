"""A stand-in for the ScaleWatch HTTP gateway (stdlib http.server), with switchable failures."""
import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = {"/v1/runs": "run", "/v1/metrics": "metric", "/v1/evals": "eval"}
TOKEN = "unit-secret-token-123"
PROJECT = "unit"


class FakeGateway:
    """Follows the gateway contract: 200/400 with per-event errors, 401, 403, 413, 503 on demand."""

    def __init__(self, max_events=10_000, max_bytes=4 * 1024 * 1024):
        self.tokens = {TOKEN: PROJECT}
        self.max_events = max_events
        self.max_bytes = max_bytes
        self.unavailable = False  # answer 503
        self.batch_error = False  # answer 400 with an error about the whole batch
        self.invalid = lambda kind, event: None  # -> (field, message) for events to refuse
        self.received = {"run": [], "metric": [], "eval": []}
        self.requests = []  # (kind, status, events in body, body bytes)
        self.lock = threading.Lock()
        self.server = None
        self.port = 0
        self.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                gateway.handle(self)

            def do_GET(self):
                status = 404 if self.path != "/health" else 503 if gateway.unavailable else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request):
        kind = KINDS.get(request.path)
        length = int(request.headers.get("Content-Length", 0))
        body = request.rfile.read(length)
        auth = request.headers.get("Authorization", "")
        project = self.tokens.get(auth[len("Bearer "):]) if auth.startswith("Bearer ") else None
        events = json.loads(body) if body else []
        status, answer = self.answer(kind, project, events, length)
        with self.lock:
            self.requests.append((kind, status, len(events), length))
        data = json.dumps(answer).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def answer(self, kind, project, events, length):
        if kind is None:
            return 404, {"message": "not found"}
        if project is None:
            return 401, {"accepted": 0, "errors": [{"index": None, "field": "Authorization", "message": "token"}]}
        if length > self.max_bytes or len(events) > self.max_events:
            return 413, {"accepted": 0, "errors": []}
        if any(e.get("project") != project for e in events):
            return 403, {"accepted": 0, "errors": []}
        if self.unavailable:
            return 503, {"accepted": 0, "errors": []}
        if self.batch_error:
            return 400, {"accepted": 0, "errors": [{"index": None, "field": None, "message": "not an array"}]}
        errors, accepted = [], []
        for index, event in enumerate(events):
            problem = self.invalid(kind, event)
            if problem:
                errors.append({"index": index, "field": problem[0], "message": problem[1]})
            else:
                accepted.append(event)
        with self.lock:
            self.received[kind].extend(accepted)
        return (400 if errors else 200), {"accepted": len(accepted), "errors": errors}

    def points(self):
        return [decode_doubles(p) for p in self.received["metric"]]


def decode_doubles(event):
    out = dict(event)
    for name in ("value", "stderr", "flops"):
        if isinstance(out.get(name), str):
            out[name] = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[out[name]]
    return out
