"""The ShipStation sandbox as a real HTTP server on 127.0.0.1, plus `serve()` for
`refurbdesk shipstation sandbox`. Same shape as the Back Market sandbox (app/sync/sandbox/server.py)."""

from __future__ import annotations

import ipaddress
import json
import logging
import signal
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from app.integrations.shipstation.sandbox.admin import handle_admin
from app.integrations.shipstation.sandbox.limits import Limits
from app.integrations.shipstation.sandbox.routes import handle_api
from app.integrations.shipstation.sandbox.store import SandboxStore
from app.sync.sandbox.wire import Reply, Request, json_reply

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
DEMO_KEY = "sandbox-key:sandbox-secret"  # public and made up: safe to print


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: SandboxStore) -> None:
        super().__init__(address, _Handler)
        self.store = store
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def drop_connections(self) -> None:
        with self.connections_lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.connections.clear()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ShipStationSandbox/1.0"
    disable_nagle_algorithm = True
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_GET

    def _handle(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        try:
            payload: Any = json.loads(body) if body else None
            is_json = bool(body)
        except ValueError:
            payload, is_json = None, False
        request = Request(method=self.command, path=split.path,
                          query=parse_qsl(split.query, keep_blank_values=True),
                          headers={name.lower(): value for name, value in self.headers.items()},
                          body=body, json=payload, body_is_json=is_json)
        try:
            if split.path == "/_admin" or split.path.startswith("/_admin/"):
                reply = self._admin(request)
            else:
                reply = handle_api(self.server.store, request)
        except Exception:  # a sandbox bug must still answer, or the client just hangs
            logger.exception("shipstation sandbox: %s %s failed", self.command, split.path)
            reply = json_reply(500, {"Message": "An error has occurred.", "ExceptionMessage": "sandbox bug"})
        if reply.status < 0:  # the "drop" fault: close without answering
            self.close_connection = True
            return
        self._send(reply)

    def _admin(self, request: Request) -> Reply:
        if not ipaddress.ip_address(self.client_address[0]).is_loopback:
            return json_reply(403, {"error": "the admin interface only answers this machine"})
        return handle_admin(self.server.store, request)

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("shipstation sandbox: " + format, *args)


class SandboxServer:
    """A local ShipStation: `with SandboxServer() as ss: ShipStationV1Client(ss.url, "k:s")`."""

    def __init__(self, port: int = 0, *, request_limit: int = 40, window_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, demo: bool = False) -> None:
        self._port = port
        self.store = SandboxStore(Limits(limit=request_limit, window_seconds=window_seconds, clock=clock))
        if demo:
            self.store.add_key(DEMO_KEY)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the sandbox is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((HOST, self._port), self.store)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="shipstation-sandbox", daemon=True)
        self._thread.start()
        logger.info("ShipStation sandbox listening on %s", self.url)
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.drop_connections()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def serve(port: int) -> None:
    """Run until Ctrl+C or SIGTERM; one line on stdout says where and which (made-up) key it accepts."""
    server = SandboxServer(port, demo=True).start()
    print(f"ShipStation sandbox running at {server.url} (key: {DEMO_KEY})", flush=True)
    stopping = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
