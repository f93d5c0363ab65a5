"""The error of a delivery that did not go out."""


class DeliveryError(Exception):
    """Sending failed; ``permanent`` ones are not retried; ``cancelled`` ones were not sent on
    purpose (the recipient may no longer receive alerts) and are recorded as such."""

    def __init__(self, message: str, *, permanent: bool = False, cancelled: bool = False):
        super().__init__(message)
        self.permanent = permanent or cancelled
        self.cancelled = cancelled
