"""`tbtwatch users`: accounts and API tokens from the command line."""

import sys

import typer
from rich.console import Console
from rich.table import Table

from service.cli.failure import fail
from store.db import default_engine, session_scope
from store.roles import ROLES

# `users list` reads with Core (store.queries.quick_lists) and starts at once; the commands that
# write import the tables and queries they use.

app = typer.Typer(help="Accounts and API tokens.", no_args_is_help=True)


def _read_password() -> str:
    """From a prompt (twice) on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@app.command("add")
def add(
    email: str = typer.Option(..., help="Login e-mail address."),
    role: str = typer.Option(..., help="One of: " + ", ".join(ROLES) + "."),
    name: str = typer.Option(None, help="Display name."),
    member: str = typer.Option(None, help="The WTO member an embassy reports on (code or name)."),
    language: str = typer.Option("zh", help="zh or en."),
) -> None:
    """Create an account; the password comes from a prompt, or stdin when not a terminal."""
    from service.refusals import explain
    from service.security import new_password_hash  # password hashing: only here
    from store.members import resolve_member
    from store.queries.users import UserError, create_user

    member_code = None
    if member:
        found = resolve_member(member)
        if found is None:
            fail(f"{member!r} is not a known WTO member")
        member_code = found.code
    if role not in ROLES:
        fail(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    password = _read_password()
    try:
        password_hash = new_password_hash(password, user_inputs=(email, name or ""))  # a UserError when weak
        with session_scope(default_engine()) as session:
            user = create_user(
                session,
                email=email,
                role=role,
                name=name,
                member_code=member_code,
                language=language,
                password_hash=password_hash,
            )
            typer.echo(f"user {user.id} {user.email} ({user.role}) created")
    except UserError as error:
        fail(explain(error))


@app.command("delete")
def delete(
    email: str = typer.Argument(..., help="The account's e-mail address."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete an account for good: its pending deliveries are cancelled; its subscriptions,
    inbox, feedback, thread choices and API tokens deleted; the audit log stays."""
    from service.accounts import delete_account
    from store.queries.users import get_user_by_email

    with session_scope(default_engine()) as session:
        user = get_user_by_email(session, email=email)
        if user is None:
            fail(f"no account with e-mail {email}")
        if not yes:
            typer.confirm(f"Delete the account {user.email} ({user.role}) and everything in it?", abort=True)
        cancelled = delete_account(session, None, user)
        typer.echo(f"user {user.id} {email} deleted; {cancelled} pending deliveries cancelled")


@app.command("list")
def list_command(role: str = typer.Option(None, help="Only this role.")) -> None:
    """Every account, by e-mail."""
    from store.queries.quick_lists import list_users

    with default_engine().connect() as connection:
        users = list_users(connection, role=role)
    table = Table("id", "email", "role", "name", "member", "active", "created")
    for user in users:
        table.add_row(
            str(user.id),
            user.email,
            user.role,
            user.name or "",
            user.member_code or "",
            "yes" if user.active else "no",
            user.created_at.strftime("%Y-%m-%d"),
        )
    Console().print(table)


@app.command("token")
def token(
    email: str = typer.Option(..., help="The account the token acts for."),
    name: str = typer.Option(..., help="What the token is for (shown in listings)."),
) -> None:
    """Make an API token and print it once (only its hash is kept)."""
    from service.security import new_token
    from store.queries.users import add_token, get_user_by_email

    plain, digest = new_token()
    with session_scope(default_engine()) as session:
        user = get_user_by_email(session, email=email)
        if user is None:
            fail(f"no user with e-mail {email}")
        add_token(session, user=user, name=name, token_hash=digest)
    typer.echo(plain)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="users")
