"""``/me`` and ``/tokens``: the caller's account (reading it, deleting it) and their own API
tokens (the plain token is returned once, when made; only its hash is kept)."""

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field
from sqlmodel import Session

from service.accounts import delete_account
from service.api.deps import RowId, bearer, current_user, get_session, not_found
from service.refusals import explain
from service.security import new_token
from store.models import User, UserPublic
from store.queries.users import UserError, add_token, list_tokens, revoke_token

router = APIRouter(tags=["tokens"])


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class TokenMade(TokenOut):
    token: str = Field(description="The token itself, shown this once.")


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="What the token is for.")


@router.get("/me", response_model=UserPublic, tags=["account"])
def me(user: User = Depends(current_user)):
    return user


@router.delete("/me", status_code=204, tags=["account"])
def delete_me(user: User = Depends(current_user), session: Session = Depends(get_session)):
    """Delete the caller's own account for good: pending deliveries cancelled; subscriptions,
    inbox, feedback, thread choices and API tokens deleted. An administrator's own account is
    deleted by another administrator (409)."""
    try:
        delete_account(session, user, user)
    except UserError as error:
        session.rollback()
        raise HTTPException(error.status, explain(error)) from None
    session.commit()
    return Response(status_code=204)


@router.get("/tokens", response_model=list[TokenOut])
def tokens(user: User = Depends(current_user), session: Session = Depends(get_session)):
    return list_tokens(session, user_id=user.id)


@router.post("/tokens", response_model=TokenMade, status_code=201)
def make_token(
    body: TokenIn,
    user: User = Depends(current_user),
    session: Session = Depends(get_session),
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
):
    """Make a token; signed in (session cookie), not with a token: a stolen token must not be able
    to make others that outlive its revocation."""
    if credentials is not None:
        raise HTTPException(
            403, "API tokens are made while signed in (or with `tbtwatch users token`), not with a token"
        )
    plain, digest = new_token()
    token = add_token(session, user=user, name=body.name, token_hash=digest)
    session.commit()
    return {**token.model_dump(), "token": plain}


@router.delete("/tokens/{token_id}", status_code=204)
def revoke(token_id: RowId, user: User = Depends(current_user), session: Session = Depends(get_session)):
    if revoke_token(session, user_id=user.id, token_id=token_id) is None:
        raise not_found(f"token {token_id}")
    session.commit()
    return Response(status_code=204)
