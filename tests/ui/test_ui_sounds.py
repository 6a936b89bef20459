"""Verdict sounds through the platform's own player, in a thread of their own; the bell only when
this station has no working player; nothing at all when the station turned sounds off."""

from __future__ import annotations

import os
import stat
import sys
import wave
from pathlib import Path

import pytest

from app.resources import resource
from app.ui import sounds

from tests.polling import wait_until

pytestmark = pytest.mark.gui


def _player_script(tmp_path: Path, name: str, body: str) -> list[str]:
    """A real executable standing in for paplay: it logs what it was asked to play."""
    script = tmp_path / name
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path / 'played.log'}\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return [str(script)]


def _until(condition) -> None:
    wait_until(condition, "the sound thread to get there")


def _played(tmp_path: Path) -> list[str]:
    log = tmp_path / "played.log"
    return log.read_text().splitlines() if log.exists() else []


@pytest.fixture
def bells() -> list[str]:
    return []


@pytest.fixture(autouse=True)
def fresh_player():
    sounds.set_enabled(True)
    yield
    sounds.use_player(None)
    sounds.shutdown()
    sounds.set_enabled(True)


def test_the_shipped_wavs_are_the_tones_and_short(tmp_path) -> None:
    for kind, parts in sounds._TONES.items():
        shipped = resource(f"sounds/{kind}.wav")
        assert shipped is not None, f"resources/sounds/{kind}.wav is missing (python -m app.ui.sounds)"
        sounds.write_tone(tmp_path / f"{kind}.wav", parts)
        assert shipped.read_bytes() == (tmp_path / f"{kind}.wav").read_bytes()
        with wave.open(str(shipped)) as w:
            assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
            assert w.getnframes() / w.getframerate() < 0.5  # over before the next scan
    spec = (Path(__file__).resolve().parents[2] / "packaging" / "pyinstaller.spec").read_text()
    assert '(str(ROOT / "resources"), "resources")' in spec  # the folder ships with the app


def test_each_platform_finds_its_own_player() -> None:
    found = {"/usr/bin/aplay", "/usr/bin/afplay"}
    which = lambda name: f"/usr/bin/{name}" if f"/usr/bin/{name}" in found else None  # noqa: E731
    assert sounds.find_player("win32", which) == [sounds.WINSOUND]
    assert sounds.find_player("darwin", which) == ["/usr/bin/afplay"]
    assert sounds.find_player("linux", which) == ["/usr/bin/aplay", "-q"]
    found.add("/usr/bin/paplay")
    assert sounds.find_player("linux", which) == ["/usr/bin/paplay"]  # PulseAudio / PipeWire first
    assert sounds.find_player("linux", lambda name: None) is None


def test_a_verdict_plays_its_wav_through_the_player(qtbot, tmp_path, bells) -> None:
    files = sounds.sound_files()
    player = sounds.Player(_player_script(tmp_path, "paplay", "exit 0"), files, lambda: bells.append("bell"))
    sounds.use_player(player)
    sounds.play_ok()
    _until(lambda: player.played == 1)
    sounds.play_refusal()
    _until(lambda: player.played == 2)
    assert _played(tmp_path) == [str(files["ok"]), str(files["refusal"])] and bells == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_a_newer_verdict_cuts_the_sound_still_playing(qtbot, tmp_path, bells) -> None:
    release = tmp_path / "release"
    os.mkfifo(release)
    # Plays until told (a long sound): the next verdict must not wait for it.
    command = _player_script(tmp_path, "paplay", f"read line < {release}")
    player = sounds.Player(command, sounds.sound_files(), lambda: bells.append("bell"))
    sounds.use_player(player)
    sounds.play_ok()
    _until(lambda: len(_played(tmp_path)) == 1)
    sounds.play_refusal()
    _until(lambda: len(_played(tmp_path)) == 2)  # started while the first was still on
    with open(release, "w") as fifo:  # the second player, still on, ends well
        fifo.write("done\n")
    _until(lambda: player.played == 1)  # the cut one is not a failure
    assert bells == [] and player.available


def test_without_audio_a_refusal_rings_the_bell_and_the_player_is_given_up(qtbot, tmp_path, bells) -> None:
    command = _player_script(tmp_path, "aplay", "echo 'aplay: main: audio open error: No such device' >&2; exit 1")
    player = sounds.Player(command, sounds.sound_files(), lambda: bells.append("bell"))
    sounds.use_player(player)
    for n in range(1, sounds.GIVE_UP_AFTER + 1):
        sounds.play_refusal()
        _until(lambda n=n: len(bells) == n)
    _until(lambda: not player.available)
    tried = len(_played(tmp_path))
    rung: list[int] = []
    from PySide6.QtWidgets import QApplication

    original = QApplication.beep
    QApplication.beep = staticmethod(lambda: rung.append(1))
    try:
        sounds.play_refusal()  # straight to the bell, on the GUI thread
        sounds.play_ok()  # a success without a player stays silent: the banner carries it
    finally:
        QApplication.beep = original
    assert rung == [1] and len(_played(tmp_path)) == tried == sounds.GIVE_UP_AFTER


def test_a_missing_player_program_is_a_failure_not_a_crash(qtbot, tmp_path, bells) -> None:
    player = sounds.Player([str(tmp_path / "no-such-player")], sounds.sound_files(), lambda: bells.append("bell"))
    sounds.use_player(player)
    sounds.play_refusal()
    _until(lambda: bells == ["bell"])


def test_sounds_off_means_nothing_plays(qtbot, tmp_path, bells) -> None:
    player = sounds.Player(_player_script(tmp_path, "paplay", "exit 0"), sounds.sound_files(),
                           lambda: bells.append("bell"))
    sounds.use_player(player)
    sounds.set_enabled(False)
    sounds.play_refusal()
    sounds.play_ok()
    sounds.set_enabled(True)
    sounds.play_ok()  # a marker: once it played, the two before it would have too
    _until(lambda: player.played == 1)
    assert len(_played(tmp_path)) == 1 and bells == []


def test_closing_ends_the_sound_thread(tmp_path) -> None:
    player = sounds.Player(_player_script(tmp_path, "paplay", "exit 0"), sounds.sound_files(), lambda: None)
    assert player._thread.is_alive()
    player.close()
    assert not player._thread.is_alive()


@pytest.mark.skipif(sys.platform != "win32", reason="winsound is Windows' own")
def test_windows_plays_through_winsound(tmp_path) -> None:
    player = sounds.Player([sounds.WINSOUND], sounds.sound_files(), lambda: None)
    player.play(sounds.OK)
    _until(lambda: player.played == 1 or not player.available or player._failures)
    player.close()
