"""The error of a delivery that did not go out."""


class DeliveryError(Exception):
    """Sending failed; ``permanent`` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent
