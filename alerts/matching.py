"""Which subscriptions an item reaches, and why.

A subscription selects by any mix of catalogue sectors, HS prefixes, ICS prefixes, notifying
members, committee, item kind, keywords and a minimum urgency; an empty selector selects
everything. :class:`SubscriptionIndex` answers for one item against many subscriptions
without looking at each: per selector it keeps an inverted index (value → subscriptions)
plus the set of subscriptions that leave the selector empty, and intersects, per selector,
"empty here or hit by the item", starting from the smallest set. Keywords (substring match,
Chinese or English, case-folded) are checked last and only on the survivors.

Semantics worth knowing:

* codes match when either is a prefix of the other (HS by digits from the chapter, ICS by
  field/group/sub-group), so a subscription to HS 8517 gets an item on chapter 85 and a
  subscription to chapter 85 gets an item on 8517.13; an item's codes are its decided HS
  codes (:func:`store.queries.hs.decided_hs`: given and quoted codes, and the chapters
  classification decided), the same set search, pages and messages use;
* the European Union notifies for its member states: a subscription to Germany matches EU
  notifications (``why["member"]`` then says ``EU`` and ``why["via"]`` the state);
* committee (TBT/SPS) is a notification's; other kinds have none, so a committee selector
  leaves them out;
* an item not yet classified has no sectors and counts as low urgency, so codes and
  members alone can match it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from nlp.codes import normalise_hs, normalise_ics
from store.members import eu_member_states, resolve_member
from store.models import URGENCY_RANK
from store.queries.alerts import AlertItem


def hs_lineage(code: str) -> list[str]:
    """``851712`` → ``85``, ``851``, ``8517``, ``85171``, ``851712`` (self last)."""
    return [code[:length] for length in range(2, len(code) + 1)]


def ics_lineage(code: str) -> list[str]:
    """``71.100.70`` → ``71``, ``71.100``, ``71.100.70``."""
    parts = code.split(".")
    return [".".join(parts[:length]) for length in range(1, len(parts) + 1)]


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    """The selectors of one subscription, normalised for matching."""

    id: int
    created_at: datetime | None = None
    sectors: frozenset[str] = frozenset()
    hs: frozenset[str] = frozenset()
    ics: frozenset[str] = frozenset()
    members: frozenset[str] = frozenset()
    committees: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    min_urgency: int = 0

    @classmethod
    def of(cls, subscription) -> "SubscriptionSpec":
        """From a :class:`~store.models.Subscription` (or anything with its attributes)."""
        members = set()
        for name in subscription.members:
            member = resolve_member(name)
            members.add(member.code if member else name.upper())
        return cls(
            id=subscription.id,
            created_at=subscription.created_at,
            sectors=frozenset(s.strip().upper() for s in subscription.sectors),
            hs=frozenset(filter(None, map(normalise_hs, subscription.hs_prefixes))),
            ics=frozenset(filter(None, map(normalise_ics, subscription.ics_prefixes))),
            members=frozenset(members),
            committees=frozenset(c.upper() for c in subscription.committees),
            kinds=frozenset(subscription.kinds),
            keywords=tuple(k.casefold() for k in subscription.keywords if k.strip()),
            min_urgency=URGENCY_RANK.get(subscription.min_urgency, 0),
        )


_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def _mask(positions: list[int], size: int) -> int:
    bits = bytearray((size + 7) // 8)
    for position in positions:
        bits[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(bits, "little")


def _positions(mask: int) -> list[int]:
    found: list[int] = []
    for index, byte in enumerate(mask.to_bytes((mask.bit_length() + 7) // 8, "little")):
        if byte:
            found.extend(index * 8 + bit for bit in _BITS[byte])
    return found


class _Selector:
    """One selector's inverted index as bitmasks over subscription positions: value → mask,
    and the mask of those that leave the selector empty."""

    def __init__(self):
        self._by_value: dict[str, list[int]] = defaultdict(list)
        self._unset: list[int] = []
        self.by_value: dict[str, int] = {}
        self.unset = 0

    def add(self, position: int, values: Iterable[str]) -> None:
        values = list(values)
        if not values:
            self._unset.append(position)
        for value in values:
            self._by_value[value].append(position)

    def freeze(self, size: int) -> None:
        self.by_value = {value: _mask(positions, size) for value, positions in self._by_value.items()}
        self.unset = _mask(self._unset, size)

    def hits(self, values: Iterable[str]) -> int:
        found = 0
        for value in values:
            found |= self.by_value.get(value, 0)
        return found


class _PrefixSelector(_Selector):
    """Codes matching when either is a prefix of the other."""

    def __init__(self, lineage):
        super().__init__()
        self.lineage = lineage
        self._below: dict[str, list[int]] = defaultdict(list)  # ancestor → subs with a longer prefix
        self.below: dict[str, int] = {}

    def add(self, position: int, values: Iterable[str]) -> None:
        values = list(values)
        super().add(position, values)
        for value in values:
            for ancestor in self.lineage(value)[:-1]:
                self._below[ancestor].append(position)

    def freeze(self, size: int) -> None:
        super().freeze(size)
        self.below = {code: _mask(positions, size) for code, positions in self._below.items()}

    def hits(self, values: Iterable[str]) -> int:
        found = 0
        for code in values:
            found |= super().hits(self.lineage(code)) | self.below.get(code, 0)
        return found


class SubscriptionIndex:
    """Subscriptions indexed by selector, to match items against all of them at once.

    Every index is a bitmask over the subscriptions' positions (Python ints), so a selector
    costs a few big-integer ANDs and ORs whatever the number of subscriptions; only the
    matches are then looked at one by one, to say why."""

    def __init__(self, subscriptions: Iterable = ()):
        self.specs: list[SubscriptionSpec] = []
        self.sectors, self.members = _Selector(), _Selector()
        self.committees, self.kinds, self.keywords = _Selector(), _Selector(), _Selector()
        self.hs, self.ics = _PrefixSelector(hs_lineage), _PrefixSelector(ics_lineage)
        self._selectors = (self.sectors, self.members, self.committees, self.kinds, self.keywords, self.hs, self.ics)
        self._urgency: list[list[int]] = [[] for _ in URGENCY_RANK]
        self.accepting: list[int] = []  # per urgency rank: the subscriptions it is enough for
        self._frozen = True
        for subscription in subscriptions:
            self.add(subscription if isinstance(subscription, SubscriptionSpec) else SubscriptionSpec.of(subscription))

    def __len__(self) -> int:
        return len(self.specs)

    def add(self, spec: SubscriptionSpec) -> None:
        position = len(self.specs)
        self.specs.append(spec)
        self.sectors.add(position, spec.sectors)
        self.hs.add(position, spec.hs)
        self.ics.add(position, spec.ics)
        self.committees.add(position, spec.committees)
        self.kinds.add(position, spec.kinds)
        self.keywords.add(position, spec.keywords)
        self.members.add(position, spec.members | ({"EU"} if spec.members & EU_STATES else set()))
        for rank in range(spec.min_urgency, len(self._urgency)):
            self._urgency[rank].append(position)
        self._frozen = False

    def _freeze(self) -> None:
        size = len(self.specs)
        for selector in self._selectors:
            selector.freeze(size)
        self.accepting = [_mask(positions, size) for positions in self._urgency]
        self._frozen = True

    def match_ids(self, item: AlertItem) -> list[int]:
        """The ids of the subscriptions ``item`` reaches."""
        mask, _ = self._candidates(item)
        return [self.specs[position].id for position in _positions(mask)]

    def match(self, item: AlertItem) -> dict[int, dict]:
        """Subscription id → why (the selectors it set and what in the item met them)."""
        mask, facts = self._candidates(item)
        return {spec.id: facts.why(spec) for spec in map(self.specs.__getitem__, _positions(mask))}

    def _candidates(self, item: AlertItem) -> tuple[int, "_Facts"]:
        if not self._frozen:
            self._freeze()
        hs_codes, ics_codes = _item_hs(item), _item_ics(item)
        member = item.member_code.upper() if item.member_code else None
        committee = item.committee.upper() if item.kind == "notification" and item.committee else None
        candidates = self.accepting[URGENCY_RANK.get(item.urgency or "low", 0)] if self.specs else 0
        for selector, values in (
            (self.members, [member] if member else []),
            (self.sectors, item.sectors),
            (self.hs, hs_codes),
            (self.ics, ics_codes),
            (self.committees, [committee] if committee else []),
            (self.kinds, [item.kind]),
        ):
            if not candidates:
                break
            candidates &= selector.unset | selector.hits(values)
        found_keywords: set[str] = set()
        if candidates & ~self.keywords.unset:
            text = item.text().casefold()
            found_keywords = {keyword for keyword in self.keywords.by_value if keyword in text}
            candidates &= self.keywords.unset | self.keywords.hits(found_keywords)
        return candidates, _Facts(item, hs_codes, ics_codes, member, committee, found_keywords)


EU_STATES = frozenset(member.code for member in eu_member_states())


def _item_hs(item: AlertItem) -> list[str]:
    return list(item.hs)


def _item_ics(item: AlertItem) -> list[str]:
    return list(filter(None, map(normalise_ics, item.ics_codes)))


class _Facts:
    """What of one item a subscription's selectors can meet, to say why it matched. Parts of
    the answer are kept per selector value (many subscriptions share a set of sectors or
    markets), so explaining thousands of matches stays cheap."""

    def __init__(self, item: AlertItem, hs_codes, ics_codes, member, committee, keywords):
        self.item, self.member, self.committee, self.keywords = item, member, committee, keywords
        self.hs = _related(hs_codes, hs_lineage)
        self.ics = _related(ics_codes, ics_lineage)
        self._parts: dict[tuple[str, frozenset], object] = {}

    def _part(self, name: str, values: frozenset, compute):
        key = (name, values)
        if key not in self._parts:
            self._parts[key] = compute(values)
        return self._parts[key]

    def _sectors(self, codes: frozenset) -> dict:
        return {code: self.item.sectors[code] for code in sorted(codes) if code in self.item.sectors}

    def why(self, spec: SubscriptionSpec) -> dict:
        item = self.item
        why: dict = {}
        if spec.sectors:
            why["sectors"] = self._part("sectors", spec.sectors, self._sectors)
        if spec.hs:
            why["hs"] = self._part("hs", spec.hs, lambda codes: sorted(filter(self.hs, codes)))
        if spec.ics:
            why["ics"] = self._part("ics", spec.ics, lambda codes: sorted(filter(self.ics, codes)))
        if spec.members:
            why["member"] = self.member
            if self.member not in spec.members:
                why["via"] = self._part("via", spec.members, lambda codes: sorted(codes & EU_STATES))
        if spec.committees:
            why["committee"] = self.committee
        if spec.kinds:
            why["kind"] = item.kind
        if spec.keywords:
            why["keywords"] = [k for k in spec.keywords if k in self.keywords]
        if spec.min_urgency:
            why["urgency"] = item.urgency
        return why


def _related(codes: list[str], lineage):
    """A test: is a subscriber's prefix an ancestor of, equal to, or below one of ``codes``?"""
    above = {prefix for code in codes for prefix in lineage(code)}
    answers: dict[str, bool] = {}

    def related(prefix: str) -> bool:
        if prefix not in answers:
            answers[prefix] = prefix in above or any(code in lineage(prefix) for code in codes)
        return answers[prefix]

    return related
