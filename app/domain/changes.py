"""What a mutating service call changed, so screens refresh and the sync pushes quantities."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    variation_ids: frozenset[int] = field(default_factory=frozenset)
    order_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    listing_ids: frozenset[int] = field(default_factory=frozenset)
    catalog: bool = False  # reference lists, products or SKUs changed
    settings: bool = False
    message: str = ""

    @property
    def stock(self) -> bool:
        """Could a calculated quantity have moved?"""
        return bool(self.variation_ids or self.order_ids or self.listing_ids or self.catalog or self.settings)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.variation_ids | other.variation_ids,
            self.order_ids | other.order_ids,
            self.unit_ids | other.unit_ids,
            self.listing_ids | other.listing_ids,
            self.catalog or other.catalog,
            self.settings or other.settings,
            other.message or self.message,
        )

    @classmethod
    def of(cls, *, variations=(), orders=(), units=(), listings=(), catalog=False, settings=False, message=""):
        return cls(frozenset(variations), frozenset(orders), frozenset(units), frozenset(listings), catalog, settings, message)


NOTHING = Changes()
