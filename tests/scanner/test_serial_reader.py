"""The serial scanner reader: loop:// ports, a real pty, unplugging and reconnecting."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import serial

from app.scanner.decoder import ScannerSettings
from app.scanner.serial_reader import (
    STATUS_CONNECTED,
    STATUS_DISCONNECTED,
    STATUS_STOPPED,
    SerialScanner,
    list_ports,
)

WAIT_S = 5.0


class Recorder:
    """Collects callbacks from the reader thread so the test thread can wait on them."""

    def __init__(self) -> None:
        self.codes: queue.Queue[str] = queue.Queue()
        self.statuses: queue.Queue[tuple[str, str]] = queue.Queue()

    def on_code(self, code: str) -> None:
        self.codes.put(code)

    def on_status(self, state: str, detail: str) -> None:
        self.statuses.put((state, detail))

    def next_code(self) -> str:
        return self.codes.get(timeout=WAIT_S)

    def wait_status(self, wanted: str) -> tuple[str, str]:
        while True:
            state, detail = self.statuses.get(timeout=WAIT_S)
            if state == wanted:
                return state, detail


class LoopFactory:
    """Opens one shared loop:// port, so the test can write what the 'scanner' sends."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.attempts = 0
        self.ports: list[Any] = []
        self.opened = threading.Event()

    def __call__(self, url: str, **kwargs: Any) -> Any:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise serial.SerialException(f"could not open port {url}: [Errno 2] No such file")
        port = serial.serial_for_url("loop://", **kwargs)
        self.ports.append(port)
        self.opened.set()
        return port


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def scanners() -> Iterator[list[SerialScanner]]:
    started: list[SerialScanner] = []
    yield started
    for scanner in started:
        scanner.stop()
        assert not scanner.is_running


def make_scanner(scanners: list[SerialScanner], recorder: Recorder, **kwargs: Any) -> SerialScanner:
    kwargs.setdefault("reconnect_seconds", 0.05)
    scanner = SerialScanner(
        kwargs.pop("port", "loop://"), on_code=recorder.on_code, on_status=recorder.on_status, **kwargs
    )
    scanners.append(scanner)
    scanner.start()
    return scanner


def test_lines_become_cleaned_codes(scanners: list[SerialScanner], recorder: Recorder) -> None:
    factory = LoopFactory()
    scanner = make_scanner(
        scanners, recorder, settings=ScannerSettings(prefix="\x02"), serial_factory=factory
    )
    recorder.wait_status(STATUS_CONNECTED)
    assert scanner.is_connected
    port = factory.ports[0]
    port.write(b"\x02356938035643809\r\n")
    port.write(b"  ORD-1042 \r")
    port.write(b"\r\n\n")  # empty lines are not scans
    port.write(b"ORD-")  # a code split across reads
    port.write(b"1043\n")
    assert recorder.next_code() == "356938035643809"
    assert recorder.next_code() == "ORD-1042"
    assert recorder.next_code() == "ORD-1043"
    assert recorder.codes.empty()


def test_double_trigger_is_reported_once(scanners: list[SerialScanner], recorder: Recorder) -> None:
    factory = LoopFactory()
    make_scanner(scanners, recorder, serial_factory=factory)
    recorder.wait_status(STATUS_CONNECTED)
    factory.ports[0].write(b"356938035643809\r\n356938035643809\r\nORD-7\r\n")
    assert recorder.next_code() == "356938035643809"
    assert recorder.next_code() == "ORD-7"
    assert recorder.codes.empty()


def test_stop_closes_the_port_and_reports_stopped(
    scanners: list[SerialScanner], recorder: Recorder
) -> None:
    factory = LoopFactory()
    scanner = make_scanner(scanners, recorder, serial_factory=factory)
    recorder.wait_status(STATUS_CONNECTED)
    scanner.stop()
    assert not scanner.is_running and not scanner.is_connected
    assert not factory.ports[0].is_open
    recorder.wait_status(STATUS_STOPPED)


def test_faulty_handler_does_not_kill_the_reader(
    scanners: list[SerialScanner], recorder: Recorder
) -> None:
    factory = LoopFactory()
    seen: queue.Queue[str] = queue.Queue()

    def picky_handler(code: str) -> None:
        seen.put(code)
        if code == "BOOM1":
            raise RuntimeError("handler bug")

    scanner = SerialScanner(
        "loop://", on_code=picky_handler, on_status=recorder.on_status, serial_factory=factory
    )
    scanners.append(scanner)
    scanner.start()
    recorder.wait_status(STATUS_CONNECTED)
    factory.ports[0].write(b"BOOM1\rFINE2\r")
    assert seen.get(timeout=WAIT_S) == "BOOM1"
    assert seen.get(timeout=WAIT_S) == "FINE2"


def test_real_pty_then_unplug(scanners: list[SerialScanner], recorder: Recorder) -> None:
    master, slave = os.openpty()
    try:
        scanner = make_scanner(scanners, recorder, port=os.ttyname(slave))
        recorder.wait_status(STATUS_CONNECTED)
        os.write(master, b"356938035643809\r\n")
        assert recorder.next_code() == "356938035643809"
        os.close(master)  # the scanner's cable is pulled
        master = -1
        _, reason = recorder.wait_status(STATUS_DISCONNECTED)
        print('unplug reason:', reason)
        assert reason
        assert not scanner.is_connected
    finally:
        if master >= 0:
            os.close(master)
        for scanner in scanners:
            scanner.stop()
        os.close(slave)


def test_reconnects_after_failed_opens(scanners: list[SerialScanner], recorder: Recorder) -> None:
    factory = LoopFactory(failures=3)
    scanner = make_scanner(scanners, recorder, serial_factory=factory)
    _, reason = recorder.wait_status(STATUS_DISCONNECTED)
    assert "could not open" in reason
    recorder.wait_status(STATUS_CONNECTED)
    assert factory.attempts == 4 and scanner.is_connected
    factory.ports[0].write(b"ORD-55\r\n")
    assert recorder.next_code() == "ORD-55"


def test_reconnects_after_unplug_mid_session(
    scanners: list[SerialScanner], recorder: Recorder
) -> None:
    factory = LoopFactory()
    make_scanner(scanners, recorder, serial_factory=factory)
    recorder.wait_status(STATUS_CONNECTED)
    factory.opened.clear()
    factory.ports[0].close()  # reads on a closed port fail, like a vanished device
    recorder.wait_status(STATUS_DISCONNECTED)
    recorder.wait_status(STATUS_CONNECTED)
    assert factory.opened.is_set() and len(factory.ports) == 2
    factory.ports[1].write(b"356938035643809\n")
    assert recorder.next_code() == "356938035643809"


def test_stop_is_prompt_while_port_is_missing(scanners: list[SerialScanner], recorder: Recorder) -> None:
    factory = LoopFactory(failures=10**6)
    scanner = make_scanner(scanners, recorder, serial_factory=factory, reconnect_seconds=30.0)
    recorder.wait_status(STATUS_DISCONNECTED)
    scanner.stop(timeout=2.0)
    assert not scanner.is_running


def test_list_ports_returns_device_and_description() -> None:
    ports = list_ports()
    assert isinstance(ports, list)
    assert all(isinstance(dev, str) and isinstance(desc, str) for dev, desc in ports)
