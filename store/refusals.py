"""A request that a rule refuses, told as a message key and its values.

Rules live below the service (the triage workflow in ``store``, subscriptions in ``alerts``),
but each reader gets the reason in their own language: pages in the reader's, the API and the
CLI in English. So a rule raises :class:`Refused` with the key of its message and the
values the message names; ``service.refusals`` puts it into words. ``str()`` of a refusal is
its key and values, for logs.
"""


class Refused(ValueError):
    """A change that a rule does not allow; nothing was changed.

    ``key`` names the message (``service.refusals.REFUSALS``), ``values`` fill it,
    ``field`` is the input it is about (None: the request as a whole). ``conflict`` is true
    when the request is sound but the record is not where it would have to be (HTTP 409),
    false when the request itself is wrong (422, or ``status`` when a more precise HTTP
    status says why, such as 413 for a file too large)."""

    def __init__(
        self,
        key: str,
        /,
        *,
        field: str | None = None,
        conflict: bool = False,
        status: int | None = None,
        **values: object,
    ) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.conflict = conflict
        self.status = status or (409 if conflict else 422)
        self.values = values

    def __str__(self) -> str:
        values = ", ".join(f"{name}={value!r}" for name, value in self.values.items())
        return f"{self.key}({values})" if values else self.key


class Term(str):
    """A value of a refusal that reaches the reader as a name in their language rather than
    as a code: a field (``Term("hs_prefixes")``) or a stored code of an enumeration of the
    message catalogue (``Term("draft", "report status")``)."""

    enumeration: str | None

    def __new__(cls, value: str, enumeration: str | None = None) -> "Term":
        term = super().__new__(cls, value)
        term.enumeration = enumeration
        return term
