"""Changing an account (role, activity, name, member, language, password) and deleting one:
a function for each that the pages, the API and the command line call, with one set of rules
whose refusals (:class:`store.queries.users.UserError`) are worded in Chinese and English by
:mod:`service.refusals`, and one audit record."""

from typing import Any

from sqlmodel import Session

from alerts.subscriptions import set_account_active
from service.security import audit, end_sessions, new_password_hash
from store.members import resolve_member
from store.models import ROLES, User
from store.queries.alerts import cancel_pending
from store.queries.users import UserError, delete_user

_NOT_NULL = ("role", "active", "language")


def change_account(session: Session, actor: User, target: User, changes: dict[str, Any]) -> None:
    """Apply ``changes`` (only the keys given change; ``password`` is the new password in
    clear, hashed here) to ``target`` and audit it; :class:`UserError` and nothing changed
    when a rule refuses."""
    changes = dict(changes)
    for name in _NOT_NULL:
        if name in changes and changes[name] is None:
            raise UserError("required", field=name)
    if "role" in changes and changes["role"] not in ROLES:
        raise UserError("user_role", field="role", value=changes["role"])
    if target.id == actor.id and (changes.get("active") is False or changes.get("role", "admin") != "admin"):
        raise UserError("user_self_demote", conflict=True)
    if changes.get("member_code"):
        member = resolve_member(changes["member_code"])
        if member is None:
            raise UserError("member", field="member_code", name=changes["member_code"])
        changes["member_code"] = member.code
    if changes.get("role", target.role) == "embassy" and not changes.get("member_code", target.member_code):
        raise UserError("user_member_required", field="member_code")
    password = changes.pop("password", None)
    # too short, common or guessable: refused before anything changes (a WeakPassword is a UserError)
    password_hash = new_password_hash(password, user_inputs=(target.email, target.name or "")) if password else None
    for name, value in changes.items():
        if name == "active":
            set_account_active(session, target, value)
        else:
            setattr(target, name, value)
    if password_hash:
        target.password_hash = password_hash
        end_sessions(target)  # whoever held the old password is signed out now
    session.add(target)
    audit(
        session,
        user=actor,
        action="user.update",
        target_kind="user",
        target_id=target.id,
        details={**changes, "password_changed": bool(password)},
    )


def delete_account(session: Session, actor: User | None, target: User) -> int:
    """Delete ``target``'s account for good, asked by its owner (``actor`` is ``target``: the
    account page, ``DELETE /api/v1/me``), by an administrator (the users page,
    ``DELETE /api/v1/users/{id}``) or from the command line (``actor`` None); the caller
    commits. How many of its deliveries were pending.

    Its pending deliveries are cancelled at once and nothing reaches it afterwards: its
    subscriptions go, and with them its inbox (their alerts), its deliveries and its feedback
    judgements, which are the person's; so do its thread choices and API tokens (see
    :func:`store.queries.users.delete_user`). Kept: the audit log and staff work (no longer
    naming the account), and this deletion's audit record, which holds the account's id and
    role and the number of deliveries cancelled, not its address or name. An administrator
    may not delete their own account (someone must remain to administer)."""
    if actor is not None and actor.id == target.id and target.role == "admin":
        raise UserError("user_self_delete", conflict=True)
    cancelled = cancel_pending(session, user_id=target.id)
    target_id, role = target.id, target.role
    delete_user(session, target)
    by_owner = actor is not None and actor.id == target_id
    by = "owner" if by_owner else "administrator" if actor is not None else "command line"
    audit(
        session,
        user=None if by_owner else actor,  # an owner's own row is gone
        action="user.delete",
        target_kind="user",
        target_id=target_id,
        details={"role": role, "by": by, "deliveries_cancelled": cancelled},
    )
    return cancelled
