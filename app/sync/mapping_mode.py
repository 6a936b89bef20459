"""Switching how listings map (by SKU or by hand to one variation), said before it is done.

The two modes keep their own mappings: a listing's hand mapping (`bm_listings.variation_id`) is never
cleared by a switch — SKU mode ignores it, and switching back to variation mode uses it again. SKU
matches need no storing (a variation carries the listing's SKU or not). What a switch does change is
which listings are matched at all: an unmatched listing's quantity is no longer pushed, so the
manager sees the numbers first (`preview_switch`), and the GUI and `backmarket configure` both
switch through `switch_mode`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import settings
from app.domain.changes import Changes
from app.models import Listing, Variation
from app.sync.mapping import LISTING_GONE, mapping_mode, resolve_unmapped_lines

MODES = {"sku": "SKU", "variation": "variation"}


@dataclass(frozen=True)
class ModeSwitch:
    current: str
    new: str
    listings: int  # listings still on Back Market
    matched_now: int  # matched in the current mode
    matched_after: int  # matched once switched
    hand_mapped: int  # listings with a stored hand mapping (kept in both modes)
    text: str

    @property
    def changes_anything(self) -> bool:
        return self.current != self.new


def _live(stmt):
    return stmt.where(func.coalesce(Listing.publication_state, 0) != LISTING_GONE)


def _match(mode: str):
    """The condition under which a listing is matched (has a calculated quantity) in a mode."""
    if mode == "variation":
        return Listing.variation_id.is_not(None)
    return Listing.sku_norm.in_(select(Variation.sku_norm).where(Variation.sku_norm.is_not(None)))


def _count(session: Session, *conditions) -> int:
    return session.scalar(_live(select(func.count(Listing.id)).where(*conditions))) or 0


def _matched(session: Session, mode: str) -> int:
    return _count(session, _match(mode))


def _n(count: int, word: str = "listing") -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def preview_switch(session: Session, new: str) -> ModeSwitch:
    """How many listings are matched now and after the switch, in a manager's words."""
    new = settings.check("backmarket.mapping", new)
    current = mapping_mode(session)
    total = _count(session)
    now, after = _matched(session, current), _matched(session, new)
    hand = _matched(session, "variation")
    if new == current:
        return ModeSwitch(current, new, total, now, after, hand, f"Listings already map by {MODES[new]}.")
    lost = _count(session, _match(current), ~_match(new))  # pushed today, not after the switch
    if current == "sku":
        now_words = f"Now {now:,} of {_n(total)} match a variation carrying their SKU."
        after_words = ("No listing is mapped by hand yet." if not after else
                       f"Mapped by variation, {_n(after)} {'keeps its' if after == 1 else 'keep their'} earlier "
                       f"hand mapping" + ("" if after == 1 else "s") + ".")
        back = "Switching back to SKU matches them by SKU again."
    else:
        now_words = f"Now {now:,} of {_n(total)} are mapped by hand to a variation."
        after_words = f"Mapped by SKU, {_n(after)} match a variation carrying their SKU."
        back = (f"The {_n(hand, 'hand mapping')} {'is' if hand == 1 else 'are'} kept and come back if you switch "
                "back to variation.") if hand else ""
    stop = (f" {_n(lost)} matched today would stop having their quantity pushed until "
            + ("each is mapped by hand." if new == "variation" else "a variation carries their SKU.")) if lost else ""
    text = " ".join(part for part in (now_words, after_words + stop, back) if part)
    return ModeSwitch(current, new, total, now, after, hand, text)


def switch_mode(session: Session, new: str) -> Changes:
    """Set the mode (checked, audited; every listing is pushed again) and point open order lines that
    were waiting for a mapping at what fills them in the new mode. Stored hand mappings stay."""
    before = mapping_mode(session)
    settings.set_(session, "backmarket.mapping", new)
    after = mapping_mode(session)
    changes = Changes.of(settings=True, message=f"Listings map by {MODES[after]}")
    if after != before:
        changes |= resolve_unmapped_lines(session, mode=after)
    return changes
