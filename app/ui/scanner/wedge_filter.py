"""Catch keyboard-wedge scans anywhere in the app with one application-wide event filter.

The filter only feeds keystrokes to the pure `WedgeDecoder`; it never blocks ordinary typing.
Key events already delivered to a widget cannot be taken back, so when a burst turns out to be a
scan the filter puts the focused editor back the way it was when the burst began, and swallows
the terminator so Enter does not press a default button or close a dialog.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.scanner.decoder import RepeatGuard, ScannerSettings, WedgeDecoder

log = logging.getLogger(__name__)

SCAN_TARGET_PROPERTY = "scan_target"
NO_SCAN_PROPERTY = "no_scan"
_KEY_TERMINATORS = {
    Qt.Key.Key_Return.value: "\r",
    Qt.Key.Key_Enter.value: "\r",  # the keypad Enter some scanners send
    Qt.Key.Key_Tab.value: "\t",
}
_SHORTCUT_OVERRIDE = QEvent.Type.ShortcutOverride
_CLAIMED = (QEvent.Type.KeyPress, _SHORTCUT_OVERRIDE)


@dataclass
class _EditorSnapshot:
    """How the focused editor looked before the burst's first keystroke reached it."""

    editor: QLineEdit | QPlainTextEdit
    text: str
    cursor: int
    anchor: int
    modified: bool

    @classmethod
    def take(cls, editor: QLineEdit | QPlainTextEdit) -> _EditorSnapshot:
        if isinstance(editor, QLineEdit):
            cursor = editor.cursorPosition()
            anchor = cursor
            if editor.hasSelectedText():
                start, length = editor.selectionStart(), len(editor.selectedText())
                anchor = start if cursor != start else start + length
            return cls(editor, editor.text(), cursor, anchor, editor.isModified())
        text_cursor = editor.textCursor()
        return cls(
            editor,
            editor.toPlainText(),
            text_cursor.position(),
            text_cursor.anchor(),
            editor.document().isModified(),
        )

    def restore(self) -> None:
        editor = self.editor
        if not shiboken6.isValid(editor):
            return
        if isinstance(editor, QLineEdit):
            if editor.text() != self.text:
                editor.setText(self.text)
                editor.setModified(self.modified)
            editor.setCursorPosition(self.anchor)
            editor.cursorForward(True, self.cursor - self.anchor)
            return
        if editor.toPlainText() != self.text:
            # One edit block, so a single Undo does not bring the scanned characters back.
            text_cursor = editor.textCursor()
            text_cursor.beginEditBlock()
            text_cursor.select(QTextCursor.SelectionType.Document)
            text_cursor.insertText(self.text)
            text_cursor.endEditBlock()
            editor.document().setModified(self.modified)
        text_cursor = editor.textCursor()
        text_cursor.setPosition(self.anchor)
        text_cursor.setPosition(self.cursor, QTextCursor.MoveMode.KeepAnchor)
        editor.setTextCursor(text_cursor)


class WedgeScanFilter(QObject):
    """Install on the QApplication; emits `code_scanned` for every keyboard-wedge scan.

    A focused widget with the dynamic property `scan_target = True` handles scans itself (e.g.
    the tracking-number field of the ship dialog): it keeps the text and gets the Enter, and no
    signal is emitted.

    Password fields and widgets marked `no_scan = True` (the token field, PIN fields) are no-scan
    zones: a password manager types as fast as a scanner, and what it types must reach the field.
    """

    code_scanned = Signal(str)

    def __init__(self, settings: ScannerSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings or ScannerSettings()
        self._decoder = WedgeDecoder(self._settings)
        self._guard = RepeatGuard(self._settings.repeat_window_ms)
        self._snapshot: _EditorSnapshot | None = None
        self._last_seen: tuple[tuple[object, ...], QWidget] | None = None
        self._zone_known: tuple[int, bool] | None = None  # (widget address, in a no-scan zone) for this burst

    @property
    def settings(self) -> ScannerSettings:
        return self._settings

    def set_settings(self, settings: ScannerSettings) -> None:
        self._settings = settings
        self._decoder = WedgeDecoder(settings)
        self._guard = RepeatGuard(settings.repeat_window_ms)
        self._snapshot = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        # Called for every event to every object in the app, and for a keystroke once more for each
        # parent it climbs to unaccepted (about ten times on the packing tab): the common answers come
        # first and cheapest. Each call is also a pass of Python's interpreter lock, which a busy
        # thread beside the window can hold for up to a millisecond (app/threads.py).
        if not isinstance(event, QKeyEvent):
            return False
        kind = event.type()
        if kind not in _CLAIMED:
            return False
        # The window (a QWindow) sees key events before its focus widget does; only widgets count.
        if not isinstance(watched, QWidget) or self._is_propagation(watched, event, kind):
            return False
        if self._in_no_scan_zone(watched, event):
            self._decoder.reset()
            self._snapshot = None
            return False
        if kind == _SHORTCUT_OVERRIDE:
            return self._on_shortcut_override(watched, event)
        return self._on_key_press(watched, event)

    # --- decisions ------------------------------------------------------------------------

    def _on_key_press(self, widget: QWidget, event: QKeyEvent) -> bool:
        if event.isAutoRepeat():  # a held-down key; scanners never auto-repeat
            self._decoder.reset()
            self._snapshot = None
            return False
        chars = _key_chars(event)
        if not chars:  # Shift and other modifiers: scanners press Shift for capitals
            return False
        timestamp = _timestamp_ms(event)
        code = self._decoder.feed(chars, timestamp)
        if code is None:
            pending = self._decoder.pending()
            if not pending:
                self._snapshot = None
            elif len(pending) == len(chars):
                # This keystroke starts a burst and has not reached the widget yet.
                editor = _editor_of(widget)
                self._snapshot = _EditorSnapshot.take(editor) if editor is not None else None
            return False
        snapshot, self._snapshot = self._snapshot, None
        if _is_scan_target(widget):
            log.debug("scan %r left to scan target %s", code, widget.objectName())
            return False
        if snapshot is not None:
            snapshot.restore()
        event.accept()
        if self._guard.accept(code, timestamp):
            log.debug("scanned %r", code)
            self.code_scanned.emit(code)
        return True

    def _on_shortcut_override(self, widget: QWidget, event: QKeyEvent) -> bool:
        # Claim the terminator of a likely scan, so a QShortcut/QAction bound to Enter does
        # not fire; the KeyPress that follows is then swallowed by _on_key_press.
        if _key_chars(event) not in self._settings.terminators or _is_scan_target(widget):
            return False
        timestamp = event.timestamp()
        timely = timestamp == 0 or self._decoder.is_fast(float(timestamp))
        if timely and self._decoder.looks_like_scan():
            event.accept()
            return True
        return False

    def _is_propagation(self, widget: QWidget, event: QKeyEvent, kind: QEvent.Type) -> bool:
        """True if this is an event we already saw, now passed on to a parent widget.

        An application filter sees an unaccepted key event again for each parent. Event
        objects are often reused at the same address, so compare the event's content too and
        require the new receiver to be an ancestor of the one that saw it first.
        """
        fingerprint = (shiboken6.getCppPointer(event)[0], event.timestamp(), kind, event.key())
        last = self._last_seen
        if last is not None and last[0] == fingerprint and shiboken6.isValid(last[1]):
            # isAncestorOf() is also true for the widget itself, which is a new keystroke.
            if widget is not last[1] and widget.isAncestorOf(last[1]):
                return True
        self._last_seen = (fingerprint, widget)
        return False

    def _in_no_scan_zone(self, widget: QWidget, event: QKeyEvent) -> bool:
        """`_is_no_scan_zone`, asked once per burst: the rest of a burst's keys, at scanner speed,
        go to the same widget (any other key asks again)."""
        pointer = shiboken6.getCppPointer(widget)[0]
        known = self._zone_known
        if known is not None and known[0] == pointer and self._decoder.is_fast(_timestamp_ms(event)):
            return known[1]
        answer = _is_no_scan_zone(widget)
        self._zone_known = (pointer, answer)
        return answer


def _key_chars(event: QKeyEvent) -> str:
    return _KEY_TERMINATORS.get(int(event.key()), "") or event.text()


def _timestamp_ms(event: QKeyEvent) -> float:
    timestamp = event.timestamp()
    # Synthesised events may carry no timestamp; a monotonic clock keeps gaps meaningful.
    return float(timestamp) if timestamp else time.monotonic() * 1000.0


def _editor_of(widget: QWidget) -> QLineEdit | QPlainTextEdit | None:
    if isinstance(widget, (QLineEdit, QPlainTextEdit)):
        return widget
    if isinstance(widget, QComboBox) and widget.isEditable():
        return widget.lineEdit()
    return None


_SECRET_ECHO = (QLineEdit.EchoMode.Password, QLineEdit.EchoMode.PasswordEchoOnEdit, QLineEdit.EchoMode.NoEcho)


def _is_no_scan_zone(widget: QWidget) -> bool:
    """A password field, or a widget (or one of its parents) marked `no_scan`."""
    editor = _editor_of(widget)
    if isinstance(editor, QLineEdit) and editor.echoMode() in _SECRET_ECHO:
        return True
    node: QWidget | None = editor if editor is not None else widget
    while node is not None:
        if node.property(NO_SCAN_PROPERTY):
            return True
        node = node.parentWidget()
    return False


def _is_scan_target(widget: QWidget) -> bool:
    if widget.property(SCAN_TARGET_PROPERTY):
        return True
    editor = _editor_of(widget)
    return editor is not None and bool(editor.property(SCAN_TARGET_PROPERTY))
