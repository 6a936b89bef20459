"""Requests that can be cut off from another thread.

httpx has no way to abandon a blocking request: its read waits out the whole timeout. Stopping the
sync (quitting the app, switching the sync off) must not wait for an answer that may never come, so
the client's connections are opened through `AbortableBackend`, which remembers every socket it opened.
`abort()` shuts them down: a read in progress on another thread returns at once (httpx raises a
ReadError, handled as any dropped connection), and any connection opened afterwards is refused.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

import httpcore
import httpx

log = logging.getLogger(__name__)


class AbortableBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.aborted = False

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None) -> httpcore.NetworkStream:
        self._refuse_if_aborted()
        stream = self._inner.connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                         socket_options=socket_options)
        self._track(stream)
        return stream

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        self._refuse_if_aborted()
        stream = self._inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options)
        self._track(stream)
        return stream

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)

    def abort(self) -> None:
        """Any thread: end every request in flight now; open no new connection."""
        with self._lock:
            self.aborted = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def _refuse_if_aborted(self) -> None:
        if self.aborted:
            raise httpcore.ConnectError("the sync is stopping: no new connection")

    def _track(self, stream: httpcore.NetworkStream) -> None:
        sock = stream.get_extra_info("socket")
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets = [s for s in self._sockets if s.fileno() != -1]
            self._sockets.append(sock)
            aborted = self.aborted
        if aborted:  # abort() ran while this connection was being opened
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def make_abortable(client: httpx.Client) -> AbortableBackend | None:
    """Route the client's connections (its proxies' too) through one AbortableBackend. None when
    httpx changed its insides or a custom transport is in use: requests work, but cannot be cut off."""
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    pools = [getattr(t, "_pool", None) for t in transports if isinstance(t, httpx.HTTPTransport)]
    pools = [pool for pool in pools if pool is not None and hasattr(pool, "_network_backend")]
    if not pools:
        return None
    backend = AbortableBackend(pools[0]._network_backend)
    for pool in pools:
        pool._network_backend = backend
    return backend
