"""A manager's approval at someone else's station: the manager gives their name and PIN (or scans
their badge) for one action, without signing the station over to them.

The PIN is checked as at sign-in: a wrong one counts towards the manager's lock-out, and that count
is committed on the session before the refusal — verify in a session of its own, or first thing in
the action's session (nothing else has been written yet)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain import users
from app.domain.errors import DomainError, InvalidInput
from app.domain.permissions import Permission, role_allows


class ApprovalRefused(DomainError):
    reason = "approval"


@dataclass(frozen=True)
class Approval:
    """Who approves, and how they prove it: `name` and `pin`, or `badge` alone."""

    name: str = ""
    pin: str = ""
    badge: str = ""

    def __repr__(self) -> str:  # never the PIN or the badge code in a log or a traceback
        return f"Approval(name={self.name!r})"


def verify(session: Session, approval: Approval, perm: Permission, what: str) -> users.UserInfo:
    """The approving operator, if their PIN or badge is right and their role may `perm`; else
    ApprovalRefused in one line ("Not approved: …"). `what` names the action in the refusal."""
    if approval.badge.strip():
        check = lambda: users.authenticate_badge(session, approval.badge)  # noqa: E731
    elif approval.name.strip():
        if not approval.pin.strip():
            raise InvalidInput(f"Not approved: {approval.name.strip()}'s PIN is needed to approve {what}.")
        check = lambda: users.authenticate(session, approval.name, approval.pin.strip())  # noqa: E731
    else:
        raise InvalidInput(f"Not approved: a manager's name and PIN, or their badge, is needed to approve {what}.")
    try:
        user = check()
    except users.SignInRefused as exc:
        raise ApprovalRefused(f"Not approved: {exc}") from None
    if not role_allows(user.role, perm):
        raise ApprovalRefused(f"Not approved: {user.name} is a {user.role}; only a manager or admin may approve {what}.")
    return user
