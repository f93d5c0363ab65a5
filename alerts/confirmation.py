"""Confirming a subscription's e-mail address: the link sent to it carries a code that only this
server can make (an HMAC under the secret key of the subscription and the address), so opening
it proves the person reads that mailbox. A new address needs a new confirmation."""

import hashlib
import hmac

from store.models import Subscription


def confirmation_code(secret_key: str, subscription: Subscription) -> str:
    message = f"confirm-email:{subscription.id}:{subscription.token}:{(subscription.email or '').casefold()}"
    return hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


def confirmation_link(base_url: str, secret_key: str, subscription: Subscription) -> str:
    return f"{base_url.rstrip('/')}/confirm-email/{subscription.id}/{confirmation_code(secret_key, subscription)}"


def code_matches(secret_key: str, subscription: Subscription, code: str) -> bool:
    return hmac.compare_digest(confirmation_code(secret_key, subscription), code)
