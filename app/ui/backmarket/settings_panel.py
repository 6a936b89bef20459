"""The Back Market settings a manager sets once: token, platform, mapping, order states, counting."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.domain.errors import DomainError
from app.ui.backmarket import queries
from app.ui.backmarket.mapping_switch import MappingSwitchStrip
from app.ui.backmarket.settings_checks import FIELD_LABELS, in_form_words, validate  # noqa: F401 (imported from here)
from app.ui.backmarket.settings_form import PLATFORMS, STATE_LABELS, build_groups  # noqa: F401 (imported from here)
from app.ui.backmarket.token_box import TokenBox
from app.ui.backmarket.unsaved import LIST_KEYS, STATES_KEY, UnsavedStrip, checked, checked_ids, checklist, merged
from app.ui.context import UiContext
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)

_OK = "color: #1e7e34; font-weight: bold;"
_BAD = "color: #c62828; font-weight: bold;"
_PENDING = "color: #8a5a00; font-weight: bold;"
UNSAVED = "Unsaved changes"


class BackMarketSettingsPanel(QWidget):
    saved = Signal()
    loaded = Signal()  # the form shows the database's values again
    token_changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._choices: queries.SettingsChoices | None = None
        self._shown: tuple[dict, dict] = ({}, {})  # the form as last filled from the database: (values, ids)
        self._filling = False
        self._after_save = None  # what leaving waits for (see ask_before_leaving)
        self._build()
        self._watch_edits()
        self.reload()

    def _build(self) -> None:
        self.token_box = TokenBox(self._ctx)  # pasted once, kept in the keyring, never shown again
        self.token_box.said.connect(lambda text, ok: self._say(text, ok=ok))
        self.token_box.changed.connect(self.token_changed)
        box = self.token_box  # the names the tests and the first-run list use
        self.token_state, self.token_help, self.token_edit = box.token_state, box.token_help, box.token_edit
        self.store_button, self.replace_button, self.store_token = box.store_button, box.replace_button, box.store_token
        self._refresh_token_state = box.refresh

        connection, states, counting = build_groups(self)

        self.message = QLabel(objectName="settings_message")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("Save settings", objectName="save_settings")
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        # Changing "Listings map by" is asked first, in place (see mapping_switch.py).
        self.mapping_switch = MappingSwitchStrip()
        self.mapping_switch.confirmed.connect(self._switch_confirmed)
        self.mapping_switch.kept.connect(self._switch_kept)
        self.mapping_mode.activated.connect(lambda _index: self._ask_mapping_switch())
        self._confirmed_mode: str | None = None

        content = QWidget()
        grid = QHBoxLayout(content)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.token_box)
        left.addWidget(connection)
        left.addStretch(1)
        right.addWidget(states)
        right.addWidget(counting)
        right.addStretch(1)
        grid.addLayout(left, 1)
        grid.addLayout(right, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.mapping_switch)
        self.unsaved_strip = UnsavedStrip()
        self.unsaved_strip.save_clicked.connect(self._leave_saving)
        self.unsaved_strip.discard_clicked.connect(self._leave_discarding)
        self.unsaved_strip.stay_clicked.connect(self._stay)
        layout.addWidget(self.unsaved_strip)
        layout.addLayout(bottom)

    def _watch_edits(self) -> None:
        for combo in (self.platform, self.mapping_mode, self.customer_name, *self.state_combos.values()):
            combo.currentIndexChanged.connect(self._edited)
        self.market.currentTextChanged.connect(self._edited)
        self.api_url.textChanged.connect(self._edited)
        for box in (self.preprod, self.auto_accept):
            box.toggled.connect(self._edited)
        for spin in (self.since_days, self.interval):
            spin.valueChanged.connect(self._edited)

    # --- loading and saving ------------------------------------------------------------------

    def reload(self) -> None:
        self.refresh_choices()
        self._refresh_token_state()

    def refresh_choices(self) -> None:
        """The lists or settings changed elsewhere: show them at once, keeping the unsaved edits."""
        db = self._ctx.db

        def work() -> queries.SettingsChoices:
            with db.reads() as session:
                return queries.load_settings(session)

        run_for(self, self._ctx.runner, work, self._show_fresh,
                lambda e: self._say(f"Settings could not be read: {e}", ok=False))

    def _show_fresh(self, fresh: queries.SettingsChoices) -> None:
        if self._choices is None or not self.has_unsaved_changes():
            self._show(fresh)
            return
        mine = (self.values(), self._ids())
        names = {
            "backmarket.statuses": dict(zip(fresh.inventory_status_ids, fresh.inventory_statuses)),
            "backmarket.warehouses": dict(zip(fresh.warehouse_ids, fresh.warehouses)),
            STATES_KEY: dict(zip(fresh.order_status_ids, fresh.order_statuses)),
        }
        values = merged(fresh.values, names, mine, self._shown)
        self._show(fresh)  # what is saved now, remembered as the form's saved state
        self._fill(values, fresh)
        self._edited()

    def _show(self, choices: queries.SettingsChoices) -> None:
        self._choices = choices
        self.mapping_switch.close_question()
        self._fill(choices.values, choices)
        self._shown = (self.values(), self._ids())
        self._edited()
        self.loaded.emit()

    def _fill(self, v: dict, choices: queries.SettingsChoices) -> None:
        self._filling = True
        try:
            self._fill_widgets(v, choices)
        finally:
            self._filling = False

    def _fill_widgets(self, v: dict, choices: queries.SettingsChoices) -> None:
        self.platform.setCurrentIndex(max(0, self.platform.findData(v["backmarket.platform"])))
        self.preprod.setChecked(bool(v["backmarket.preprod"]))
        self.api_url.setText(v["backmarket.api_url"])
        self.market.setCurrentText(v["backmarket.market"])
        self.mapping_mode.setCurrentIndex(max(0, self.mapping_mode.findData(v["backmarket.mapping"])))
        self.customer_name.setCurrentIndex(max(0, self.customer_name.findData(v["backmarket.customer_name"])))
        self.auto_accept.setChecked(bool(v["backmarket.auto_accept"]))
        self.since_days.setValue(int(v["backmarket.since_days"]))
        self.interval.setValue(int(v["backmarket.interval_seconds"]))
        ids = choices.order_status_ids or (None,) * len(choices.order_statuses)
        for key, combo in self.state_combos.items():
            combo.clear()
            for name, row_id in zip(choices.order_statuses, ids):
                combo.addItem(name, row_id)
            wanted = str(v["backmarket.order_states"].get(key, "")).strip().lower()
            combo.setCurrentIndex(next((i for i, n in enumerate(choices.order_statuses) if n.lower() == wanted), 0))
        self.statuses_view.setModel(checklist(choices.inventory_statuses, choices.inventory_status_ids, v["backmarket.statuses"]))
        self.warehouses_view.setModel(checklist(choices.warehouses, choices.warehouse_ids, v["backmarket.warehouses"]))
        for view in (self.statuses_view, self.warehouses_view):
            view.model().itemChanged.connect(self._edited)

    def _ids(self) -> dict:
        return {"backmarket.statuses": checked_ids(self.statuses_view.model()),
                "backmarket.warehouses": checked_ids(self.warehouses_view.model()),
                STATES_KEY: {key: combo.currentData() for key, combo in self.state_combos.items()}}

    def has_unsaved_changes(self) -> bool:
        if self._choices is None:
            return False
        mine, shown = self.values(), self._shown[0]
        same_lists = all(sorted(mine[k]) == sorted(shown.get(k, [])) for k in LIST_KEYS)
        return not same_lists or any(mine[k] != shown.get(k) for k in mine if k not in LIST_KEYS)

    def _edited(self, *_args) -> None:
        """Any edit says "Unsaved changes" (never "Settings saved ✓" over it); undone, it goes."""
        if self._filling or self._choices is None:
            return
        if self.has_unsaved_changes():
            self.message.setText(UNSAVED)
            self.message.setStyleSheet(_PENDING)
        elif self.message.text() == UNSAVED:
            self.message.clear()

    def values(self) -> dict[str, Any]:
        return {
            "backmarket.platform": self.platform.currentData(),
            "backmarket.preprod": self.preprod.isChecked(),
            "backmarket.api_url": self.api_url.text().strip().rstrip("/"),
            "backmarket.market": self.market.currentText().strip().lower(),
            "backmarket.mapping": self.mapping_mode.currentData(),
            "backmarket.customer_name": self.customer_name.currentData(),
            "backmarket.auto_accept": self.auto_accept.isChecked(),
            "backmarket.since_days": self.since_days.value(),
            "backmarket.interval_seconds": self.interval.value(),
            "backmarket.order_states": {key: combo.currentText() for key, combo in self.state_combos.items()},
            "backmarket.statuses": checked(self.statuses_view.model()),
            "backmarket.warehouses": checked(self.warehouses_view.model()),
        }

    def save(self) -> None:
        if self._choices is None:
            return
        values = self.values()
        problem = validate(values)
        if problem:
            self._after_save = None
            self._say(problem, ok=False)
            return
        if values["backmarket.mapping"] not in (self._choices.values["backmarket.mapping"], self._confirmed_mode):
            self._ask_mapping_switch()  # saved once the manager says yes
            return
        db = self._ctx.db

        def work():
            with db.sessions.begin() as session:
                return queries.save_settings(session, values)

        def done(changes) -> None:
            self._choices = replace(self._choices, values={**self._choices.values, **values})
            self._shown = (values, self._ids()) if self.values() == values else self._shown
            self._confirmed_mode = None
            self.mapping_switch.close_question()
            self._say("Settings saved ✓", ok=True)
            self._edited()  # edited again while saving: not "saved" after all
            self._refresh_token_state()  # a new address needs its own token
            self._ctx.events.publish(changes)
            self.saved.emit()
            after, self._after_save = self._after_save, None
            if after is not None:
                after()

        def failed(exc: Exception) -> None:
            text = in_form_words(str(exc)) if isinstance(exc, DomainError) else f"({type(exc).__name__})"
            self._say(f"Not saved: {text}", ok=False)
            self._after_save = None

        self._ctx.runner.run(work, done, failed)

    # --- changing "Listings map by" -----------------------------------------------------------

    def _ask_mapping_switch(self) -> None:
        if self._choices is None:
            return
        new, current = self.mapping_mode.currentData(), self._choices.values["backmarket.mapping"]
        if new == current:
            self.mapping_switch.close_question()
            return
        db = self._ctx.db

        def work():
            with db.reads() as session:
                return queries.preview_mapping_switch(session, new)

        def shown(switch) -> None:
            if self.mapping_mode.currentData() == switch.new:  # not changed again meanwhile
                self.mapping_switch.ask(switch)

        run_for(self, self._ctx.runner, work, shown, lambda e: self._say(f"Could not count the listings: {e}", ok=False))

    def _switch_confirmed(self, mode: str) -> None:
        self._confirmed_mode = mode
        self.mapping_switch.close_question()
        self.save()

    def _switch_kept(self, mode: str) -> None:
        self.mapping_mode.setCurrentIndex(max(0, self.mapping_mode.findData(mode)))
        self._confirmed_mode = None
        self._after_save = None  # leaving waited for a save that is not coming
        self.mapping_switch.close_question()

    # --- leaving with unsaved changes ----------------------------------------------------------

    def ask_before_leaving(self, then, where: str = "leaving") -> bool:
        """True (and the strip asks Save / Discard / Stay) when there are unsaved changes; `then` runs
        once they are saved or discarded. False: nothing to ask, go on."""
        if not self.has_unsaved_changes():
            return False
        self._leave_then = then
        self.unsaved_strip.ask(where)
        return True

    def _leave_saving(self) -> None:
        self.unsaved_strip.hide()
        self._after_save = getattr(self, "_leave_then", None)
        self.save()  # refused (a wrong value) or asked (the mapping switch): the message says so, we stay

    def _leave_discarding(self) -> None:
        self.unsaved_strip.hide()
        if self._choices is not None:
            self._show(self._choices)
        then, self._leave_then = getattr(self, "_leave_then", None), None
        if then is not None:
            then()

    def _stay(self) -> None:
        self.unsaved_strip.hide()
        self._leave_then = None

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_OK if ok else _BAD)
