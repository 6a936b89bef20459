"""Verdict sounds: a short high tone for ✓, a low double buzz for ✗ — or the bell, never an error.

The two WAVs ship in resources/sounds/ (`python -m app.ui.sounds` writes them). They play through
what the platform already has, so the package grows by the two files only (20 KB):
winsound on Windows (stdlib), `afplay` on macOS, `paplay` / `pw-play` / `aplay` on Linux.
(QtMultimedia is not in PySide6-Essentials; it would mean shipping PySide6-Addons as well.)

Nothing here blocks the GUI thread: `play` hands the verdict to one background thread, which
starts the player and checks how it ended. A newer verdict stops a sound still playing (the packer
hears the latest scan). Where no player exists, or it fails every time (no audio device), a
refusal rings the system bell and a success stays silent (the green banner carries it). The
station setting "Play a sound with each verdict" turns it all off.
"""

from __future__ import annotations

import logging
import math
import queue
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import wave
from pathlib import Path
from typing import Callable

from app.resources import resource

log = logging.getLogger(__name__)

OK = "ok"
REFUSAL = "refusal"
_TONES = {OK: ((1568.0, 0.09),), REFUSAL: ((220.0, 0.16), (0.0, 0.05), (220.0, 0.16))}
_RATE = 22050
WINSOUND = "winsound"  # the player "command" on Windows: the stdlib module, no process
GIVE_UP_AFTER = 3  # failures in a row, never a success: no audio here, use the bell
_CHECK_SECONDS = 0.05  # while a sound plays, how often the thread looks whether it ended

_enabled = True
_player: Player | None = None
_player_made = False


# --- the two sounds ---------------------------------------------------------------------------


def write_tone(path: Path, parts: tuple[tuple[float, float], ...]) -> None:
    """A mono 16-bit WAV of (frequency, seconds) parts; frequency 0 is a pause."""
    frames = bytearray()
    for frequency, seconds in parts:
        count = int(_RATE * seconds)
        for i in range(count):
            fade = min(1.0, i / 200, (count - i) / 200)  # no clicks at the edges
            value = math.sin(2 * math.pi * frequency * i / _RATE) * fade if frequency else 0.0
            frames += struct.pack("<h", int(value * 20000))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(_RATE)
        out.writeframes(bytes(frames))


def sound_files() -> dict[str, Path]:
    """The shipped WAVs; written to a temporary folder should one be missing (a broken install)."""
    files: dict[str, Path] = {}
    folder: Path | None = None
    for kind, parts in _TONES.items():
        shipped = resource(f"sounds/{kind}.wav")
        if shipped is None:
            folder = folder or Path(tempfile.mkdtemp(prefix="refurbdesk-sounds-"))
            shipped = folder / f"{kind}.wav"
            write_tone(shipped, parts)
        files[kind] = shipped
    return files


# --- the platform's player --------------------------------------------------------------------


def find_player(platform: str = sys.platform, which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """The command that plays a WAV file here ([WINSOUND] on Windows), or None when there is none."""
    if platform == "win32":
        return [WINSOUND]
    candidates = (("afplay",),) if platform == "darwin" else (("paplay",), ("pw-play",), ("aplay", "-q"))
    for name, *args in candidates:
        path = which(name)
        if path:
            return [path, *args]
    return None


class Player:
    """One background thread playing verdict sounds with `command`; `bell` rings (from that thread)
    when a refusal could not be played."""

    def __init__(self, command: list[str], files: dict[str, Path], bell: Callable[[], None]) -> None:
        self._command = command
        self._files = files
        self._bell = bell
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._process: subprocess.Popen | None = None
        self._process_kind = ""
        self._failures = 0
        self.played = 0  # sounds that ended well (tests, the log)
        self.available = True  # False once the player failed GIVE_UP_AFTER times and never worked
        self._thread = threading.Thread(target=self._run, name="verdict-sounds", daemon=True)
        self._thread.start()

    def play(self, kind: str) -> bool:
        """Any thread, returns at once. False when this station has no working player (ring the bell)."""
        if not self.available:
            return False
        self._queue.put(kind)
        return True

    def close(self, timeout: float = 2.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    # --- the sound thread ------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            try:
                kind = self._queue.get(timeout=_CHECK_SECONDS if self._process is not None else None)
            except queue.Empty:
                self._check_process()
                continue
            while kind is not None:  # a burst of verdicts: only the newest is worth hearing
                try:
                    kind = self._queue.get_nowait()
                except queue.Empty:
                    break
            self._stop_process()
            if kind is None:
                return
            if self.available:
                self._start(kind)

    def _start(self, kind: str) -> None:
        path = self._files.get(kind)
        if path is None:
            return
        if self._command == [WINSOUND]:
            try:
                import winsound  # Windows only

                winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT)
            except Exception as exc:  # no audio device: RuntimeError "Failed to play sound"
                self._failed(kind, str(exc))
            else:
                self._succeeded()
            return
        try:
            self._process = subprocess.Popen([*self._command, str(path)], stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            self._process_kind = kind
        except OSError as exc:
            self._failed(kind, str(exc))

    def _check_process(self) -> None:
        process = self._process
        if process is None or process.poll() is None:
            return
        self._process = None
        if process.returncode == 0:
            self._succeeded()
            return
        error = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
        self._failed(self._process_kind, error or f"exit status {process.returncode}")

    def _stop_process(self) -> None:
        """A newer verdict (or closing): the sound still playing ends now; one that ended is judged."""
        process = self._process
        if process is None:
            return
        if process.poll() is not None:
            self._check_process()
            return
        self._process = None
        process.terminate()
        try:
            process.wait(1.0)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _succeeded(self) -> None:
        self._failures = 0
        self.played += 1

    def _failed(self, kind: str, why: str) -> None:
        self._failures += 1
        log.info("verdict sound not played (%s): %s", self._command[0], why[:200])
        if self.played == 0 and self._failures >= GIVE_UP_AFTER:
            self.available = False
            log.warning("no working audio player (%s): refusals ring the system bell", why[:200])
        if kind == REFUSAL:
            self._bell()


# --- what the screens call --------------------------------------------------------------------


def set_enabled(enabled: bool) -> None:
    global _enabled
    _enabled = enabled


def play_ok() -> None:
    play(OK)


def play_refusal() -> None:
    play(REFUSAL)


def play(kind: str) -> None:
    """GUI thread: hand the verdict's sound to the sound thread; returns at once."""
    if not _enabled or kind not in _TONES:
        return
    try:
        player = _station_player()
        if (player is None or not player.play(kind)) and kind == REFUSAL:
            _ring_bell()
    except Exception:  # audio trouble must never cost the packer a verdict
        log.debug("verdict sound failed", exc_info=True)


def use_player(player: Player | None) -> None:
    """Put this player in place (tests, the bench); None: this station has none."""
    global _player, _player_made
    old, _player, _player_made = _player, player, True
    if old is not None and old is not player:
        old.close()


def shutdown() -> None:
    """Closing the app: the sound thread ends (a sound still playing stops)."""
    global _player, _player_made
    if _player is not None:
        _player.close()
    _player, _player_made = None, False


def _station_player() -> Player | None:
    global _player, _player_made
    if not _player_made:
        _player_made = True
        command = find_player()
        if command is None:
            log.info("no audio player found: refusals ring the system bell")
        else:
            _player = Player(command, sound_files(), _bell_from_any_thread())
    return _player


def _ring_bell() -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.beep()


_bell_object = None


def _bell_from_any_thread() -> Callable[[], None]:
    """A bell the sound thread may ring: a signal queued to the GUI thread, where beep() must run."""
    global _bell_object
    if _bell_object is None:
        from PySide6.QtCore import QObject, Signal, Slot

        class _Bell(QObject):
            ring = Signal()

            @Slot()
            def ring_now(self) -> None:
                _ring_bell()

        _bell_object = _Bell()
        _bell_object.ring.connect(_bell_object.ring_now)
    return _bell_object.ring.emit


def main() -> int:
    """Write the shipped WAVs into resources/sounds/."""
    folder = Path(__file__).resolve().parent.parent.parent / "resources" / "sounds"
    for kind, parts in _TONES.items():
        write_tone(folder / f"{kind}.wav", parts)
        print(folder / f"{kind}.wav")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
