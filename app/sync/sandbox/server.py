"""The sandbox as a real HTTP server on 127.0.0.1, plus `serve()` for `refurbdesk backmarket sandbox`."""

from __future__ import annotations

import ipaddress
import json
import logging
import signal
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from app.sync.sandbox.admin import handle_admin
from app.sync.sandbox.demo import DEMO_TOKEN, DemoOrders, seed_demo
from app.sync.sandbox.limits import Limits
from app.sync.sandbox.routes import handle_api
from app.sync.sandbox.store import SandboxStore
from app.sync.sandbox.wire import Reply, Request, json_reply

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    store: SandboxStore

    def __init__(self, address: tuple[str, int], store: SandboxStore) -> None:
        super().__init__(address, _Handler)
        self.store = store
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def drop_connections(self) -> None:
        """Close kept-alive connections too, so a stopped sandbox really stops answering."""
        with self.connections_lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.connections.clear()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "BackMarketSandbox/1.0"
    # Headers and body go out in separate writes; with Nagle on, kept-alive connections stall 40 ms.
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

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def _handle(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        try:
            payload: Any = json.loads(body) if body else None
            is_json = bool(body)
        except ValueError:
            payload, is_json = None, False
        request = Request(
            method=self.command, path=split.path,
            query=parse_qsl(split.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body, json=payload, body_is_json=is_json,
        )
        try:
            if split.path == "/_admin" or split.path.startswith("/_admin/"):
                reply = self._admin(request)
            else:
                reply = handle_api(self.server.store, request)
        except Exception:  # a sandbox bug must still answer, or the client just hangs
            logger.exception("sandbox: %s %s failed", self.command, split.path)
            reply = json_reply(500, {"error": {"code": "sandbox_bug", "message": "sandbox internal error"}})
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
        except OSError:  # the client gave up (timeout tests do exactly that)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("sandbox: " + format, *args)


class SandboxServer:
    """A local Back Market: `with SandboxServer() as bm: BackMarketClient(bm.url, token)`."""

    def __init__(
        self,
        port: int = 0,
        *,
        demo: bool = False,
        page_size_cap: int = 50,
        block_seconds: float = 10.0,
        request_limit: int = 200,
        window_seconds: float = 10.0,
        sku_lines_per_hour: int = 2000,
        task_delay_seconds: float = 1.0,
        demo_order_interval: float = 60.0,
    ) -> None:
        self._port = port
        self._demo = demo
        self._demo_order_interval = demo_order_interval
        limits = Limits(request_limit=request_limit, window_seconds=window_seconds,
                        block_seconds=block_seconds, sku_lines_per_hour=sku_lines_per_hour)
        self.store = SandboxStore(limits=limits, page_size_cap=page_size_cap,
                                  task_delay_seconds=task_delay_seconds)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._demo_orders: DemoOrders | None = None

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
        self.store.public_url = self.url
        if self._demo:
            seed_demo(self.store)
            self._demo_orders = DemoOrders(self.store, self._demo_order_interval)
            self._demo_orders.start()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name="backmarket-sandbox", daemon=True,
        )
        self._thread.start()
        logger.info("Back Market sandbox listening on %s", self.url)
        return self

    def stop(self) -> None:
        if self._demo_orders is not None:
            self._demo_orders.stop()
            self._demo_orders = None
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


def serve(port: int, demo: bool) -> None:
    """Run until Ctrl+C or SIGTERM; one line on stdout says where (and the token, with --demo)."""
    server = SandboxServer(port, demo=demo).start()
    line = f"Back Market sandbox running at {server.url}"
    if demo:
        line += f" (token: {DEMO_TOKEN})"  # a public, made-up token: safe to print
    print(line, flush=True)
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
