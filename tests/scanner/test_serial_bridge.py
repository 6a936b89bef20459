"""The Qt bridge delivers serial scans and status on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import serial
from PySide6.QtCore import QThread

from app.scanner.serial_reader import STATUS_CONNECTED, STATUS_DISCONNECTED, STATUS_STOPPED
from app.ui.scanner.serial_bridge import SerialScannerBridge

pytestmark = pytest.mark.gui


class LoopPorts:
    """serial_factory that hands out loop:// ports the test can write into."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.ports: list[Any] = []

    def __call__(self, url: str, **kwargs: Any) -> Any:
        if self.failures > 0:
            self.failures -= 1
            raise serial.SerialException(f"could not open port {url}")
        port = serial.serial_for_url("loop://", **kwargs)
        self.ports.append(port)
        return port


@pytest.fixture
def bridges() -> Iterator[list[SerialScannerBridge]]:
    made: list[SerialScannerBridge] = []
    yield made
    for bridge in made:
        bridge.stop()


def make_bridge(bridges: list[SerialScannerBridge], ports: LoopPorts) -> SerialScannerBridge:
    bridge = SerialScannerBridge(reconnect_seconds=0.05, serial_factory=ports)
    bridges.append(bridge)
    return bridge


def test_code_arrives_on_gui_thread(qtbot, bridges) -> None:
    ports = LoopPorts()
    bridge = make_bridge(bridges, ports)
    delivered_on: list[QThread] = []
    bridge.code_scanned.connect(lambda _code: delivered_on.append(QThread.currentThread()))
    with qtbot.waitSignal(bridge.status_changed, timeout=3000) as status:
        bridge.start("/dev/ttyACM0", 9600)
    assert status.args == [STATUS_CONNECTED, "/dev/ttyACM0"]
    assert bridge.is_connected and bridge.scanner is not None
    with qtbot.waitSignal(bridge.code_scanned, timeout=3000) as blocker:
        ports.ports[-1].write(b"356938035643809\r\n")
    assert blocker.args == ["356938035643809"]
    assert delivered_on == [QThread.currentThread()]
    assert threading.current_thread() is threading.main_thread()


def test_status_reports_outage_then_connection(qtbot, bridges) -> None:
    ports = LoopPorts(failures=2)
    bridge = make_bridge(bridges, ports)
    seen: list[str] = []
    bridge.status_changed.connect(lambda state, _detail: seen.append(state))
    with qtbot.waitSignal(
        bridge.status_changed, timeout=3000, check_params_cb=lambda state, _d: state == STATUS_CONNECTED
    ):
        bridge.start("/dev/ttyUSB0", 115200)
    assert seen == [STATUS_DISCONNECTED, STATUS_CONNECTED]
    with qtbot.waitSignal(
        bridge.status_changed, timeout=3000, check_params_cb=lambda state, _d: state == STATUS_STOPPED
    ):
        bridge.stop()
    assert bridge.scanner is None and not bridge.is_connected


def test_restart_releases_the_previous_port(qtbot, bridges) -> None:
    ports = LoopPorts()
    bridge = make_bridge(bridges, ports)
    with qtbot.waitSignal(bridge.status_changed, timeout=3000):
        bridge.start("/dev/ttyACM0")
    first = bridge.scanner
    with qtbot.waitSignal(
        bridge.status_changed, timeout=3000, check_params_cb=lambda state, _d: state == STATUS_CONNECTED
    ):
        bridge.start("/dev/ttyACM1")
    assert first is not None and not first.is_running
    assert not ports.ports[0].is_open and ports.ports[1].is_open
    with qtbot.waitSignal(bridge.code_scanned, timeout=3000) as blocker:
        ports.ports[1].write(b"ORD-31\r")
    assert blocker.args == ["ORD-31"]
