"""No password store on this computer: the Back Market panel says, in a manager's words, what is
missing and what IT can install; "Store token" is disabled; an environment token is said to be used
instead. Backends are installed with keyring.set_keyring (the autouse fixture restores the memory one)."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from app.sync import secrets
from app.ui.backmarket.settings_panel import BackMarketSettingsPanel

pytestmark = pytest.mark.gui


class LockedKeyring(KeyringBackend):
    """A password store that exists but refuses (a locked wallet nobody unlocks)."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


@pytest.fixture
def panel(qtbot, ctx) -> Iterator[BackMarketSettingsPanel]:
    def make() -> BackMarketSettingsPanel:
        widget = BackMarketSettingsPanel(ctx)
        qtbot.addWidget(widget)
        widget.resize(1024, 700)
        widget.show()
        return widget

    yield make
    ctx.runner.wait()


def test_no_password_store_is_explained_and_store_token_disabled(qtbot, panel) -> None:
    keyring.set_keyring(fail.Keyring())
    widget = panel()
    qtbot.waitUntil(lambda: "No password store on this computer" in widget.token_state.text(), timeout=15000)
    help_text = widget.token_help.text()
    assert widget.token_help.isVisible() and secrets.what_it_can_install() in help_text
    assert "pip" not in help_text and "keyrings.alt" not in help_text and "details" not in help_text
    assert not widget.store_button.isEnabled() and not widget.token_edit.isEnabled()
    assert not widget.replace_button.isVisible()
    widget.grab().save("/tmp/settings-no-keyring-1024.png")


def test_an_environment_token_is_said_to_be_used_instead(qtbot, panel, monkeypatch) -> None:
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv(secrets.ENV_VAR, "env-token-for-tests")
    widget = panel()
    qtbot.waitUntil(lambda: secrets.ENV_VAR in widget.token_state.text(), timeout=15000)
    assert "✓" in widget.token_state.text() and "used instead of a stored one" in widget.token_state.text()
    assert not widget.store_button.isVisible() and not widget.replace_button.isVisible()
    assert not widget.token_help.isVisible()


def test_a_locked_store_names_the_refusal_and_when_it_works_again_the_button_comes_back(qtbot, panel,
                                                                                        memory_keyring) -> None:
    keyring.set_keyring(LockedKeyring())
    widget = panel()
    qtbot.waitUntil(lambda: "No password store" in widget.token_state.text(), timeout=15000)
    assert "refused (Failed to unlock the collection!)" in widget.token_help.text()
    assert not widget.store_button.isEnabled()
    keyring.set_keyring(memory_keyring)
    widget._refresh_token_state()  # what a save or a stored token does
    qtbot.waitUntil(lambda: widget.token_state.text().startswith("No token yet"), timeout=15000)
    assert widget.store_button.isEnabled() and widget.token_edit.isEnabled() and not widget.token_help.isVisible()


@pytest.mark.parametrize("platform,words", [
    ("win32", "Windows Credential Manager is built into Windows"),
    ("darwin", "The macOS Keychain is built into macOS"),
    ("linux", "GNOME Keyring (package gnome-keyring) or KDE's KWallet"),
])
def test_what_it_can_install_per_system(platform, words) -> None:
    text = secrets.what_it_can_install(platform)
    assert words in text and secrets.ENV_VAR in text
