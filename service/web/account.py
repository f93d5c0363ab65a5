"""The account page: who is signed in, and deleting one's own account (asking for the
password first: the deletion cannot be undone)."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from service import security
from service.accounts import delete_account
from service.refusals import explain
from service.web.deps import db, require_user
from service.web.i18n import request_language
from service.web.templating import render
from store.models import User
from store.queries.users import UserError
from translations import translations

router = APIRouter()


def _page(request: Request, user: User, error: str | None = None):
    return render(request, "account.html", {"account": user, "error": error}, status_code=400 if error else 200)


@router.get("/account", include_in_schema=False)
def account(request: Request, user: User = Depends(require_user)):
    return _page(request, user)


@router.post("/account/delete", include_in_schema=False)
def delete(
    request: Request, password: str = Form(""), user: User = Depends(require_user), session: Session = Depends(db)
):
    """Delete the signed-in account once its password is given; signed out afterwards."""
    if not security.verify_password(user.password_hash, password):
        wrong = translations(request_language(request)).gettext("The password is not right; nothing was deleted.")
        return _page(request, user, wrong)
    try:
        delete_account(session, user, user)
    except UserError as error:
        session.rollback()
        return _page(request, user, explain(error, request_language(request)))
    session.commit()
    response = RedirectResponse("/login?done=account_deleted", 303)
    security.clear_session_cookie(response)
    return response
