"""What each role may do, checked in the services so the GUI and the CLI obey the same rules.

A database with no users allows everything (as before users existed). Once the first admin is
created, every gated service asks `require(session, Permission.X)` for the operator signed in at
this station (`station.current_operator()`); a refusal names the lowest role that may.
"""

from __future__ import annotations

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.domain.station import current_operator
from app.models import User

ROLES = ("packer", "manager", "admin")


class Permission(enum.Enum):
    """Each gated action; the value is the action in the words a refusal uses."""

    PACK = "pack orders"
    RECEIVE = "receive units"
    LOOKUP = "look up units"
    MOVE = "move or re-grade units"
    RETURNS = "take returns"
    LABELS = "print labels"
    SYNC = "run the Back Market sync"
    VIEW_COSTS = "see costs"
    CATALOG = "change the catalog and SKUs"
    LISTS = "change the lists (grades, conditions, statuses, warehouses)"
    SETTINGS = "change shared settings"
    CSV = "import or export inventory CSV files"
    DIRECT_ORDERS = "create direct orders"
    ORDER_STATUSES = "change order statuses"
    INTEGRATIONS = "change Back Market settings"
    TOKENS = "set marketplace tokens"
    MAPPING = "map listings or set their rules"
    OUTBOX = "retry the Back Market outbox"
    PURCHASING = "do purchasing and vendor returns"
    OVER_RECEIVE = "receive more units than a purchase order line's quantity"
    GRADE = "import diagnostics results (grade units)"
    USERS = "manage users"
    SECURITY = "change security settings"


_PACKER = frozenset({Permission.PACK, Permission.RECEIVE, Permission.LOOKUP, Permission.MOVE, Permission.RETURNS,
                     Permission.LABELS, Permission.SYNC, Permission.GRADE})
_MANAGER = _PACKER | {Permission.VIEW_COSTS, Permission.CATALOG, Permission.LISTS, Permission.SETTINGS,
                      Permission.CSV, Permission.DIRECT_ORDERS, Permission.ORDER_STATUSES, Permission.INTEGRATIONS,
                      Permission.TOKENS, Permission.MAPPING, Permission.OUTBOX, Permission.PURCHASING,
                      Permission.OVER_RECEIVE}
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "packer": _PACKER,
    "manager": frozenset(_MANAGER),
    "admin": frozenset(Permission),
}

# Settings the sync writes for itself (checkpoints, budgets): no operator changes them, none is asked.
INTERNAL_SETTINGS = frozenset({"backmarket.orders_checkpoint", "backmarket.sku_budget",
                               "shipstation.shipments_checkpoint", "shipstation.fulfillments_checkpoint",
                               "shipstation.last_run", "sync.last_pruned"})


class PermissionRefused(DomainError):
    reason = "permission"


def users_exist(session: Session) -> bool:
    """True once the first user exists: sign-in is on for this database."""
    return session.scalar(select(User.id).limit(1)) is not None


def role_allows(role: str, perm: Permission) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())


def lowest_role_for(perm: Permission) -> str:
    return next(role for role in ROLES if role_allows(role, perm))


def _who_may(perm: Permission) -> str:
    role = lowest_role_for(perm)
    if role == "admin":
        return "Only an admin may"
    if role == "manager":
        return "Only a manager or admin may"
    return "Only a signed-in operator may"


def allowed(session: Session, perm: Permission) -> bool:
    """What the GUI asks to hide or disable an action: True if `require` would pass."""
    operator = current_operator()
    if operator is None:
        return not users_exist(session)
    return role_allows(operator.role, perm)


def require(session: Session, perm: Permission) -> None:
    """Refuse (PermissionRefused, changing nothing) unless the signed-in operator's role may `perm`."""
    require_knowing(perm, lambda: users_exist(session))


def must_ask_users_exist() -> bool:
    """Would `require` read the users table? Only while nobody is signed in at this station."""
    return current_operator() is None


def require_knowing(perm: Permission, users_exist_now) -> None:
    """`require` for a caller that reads whether users exist itself, in a round trip of its own
    (the scan on PostgreSQL): `users_exist_now` is a bool, or a function asked only when needed."""
    operator = current_operator()
    if operator is None:
        if not (users_exist_now() if callable(users_exist_now) else users_exist_now):
            return
        raise PermissionRefused(f"{_who_may(perm)} {perm.value}; nobody is signed in at this station.")
    if not role_allows(operator.role, perm):
        raise PermissionRefused(f"{_who_may(perm)} {perm.value}; you are signed in as {operator.role} {operator.name}.")


def permission_for_setting(key: str) -> Permission | None:
    """Which permission writing a shared setting needs (None: kept by the program itself)."""
    if key in INTERNAL_SETTINGS:
        return None
    if key.startswith("security."):
        return Permission.SECURITY
    if key.startswith(("backmarket.", "shipstation.")):
        return Permission.INTEGRATIONS
    return Permission.SETTINGS


def require_setting(session: Session, key: str) -> None:
    perm = permission_for_setting(key)
    if perm is not None:
        require(session, perm)


def require_token(session: Session) -> None:
    """The check the GUI and the CLI make before storing a marketplace token in the keyring."""
    require(session, Permission.TOKENS)
