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
  subscription to chapter 85 gets an item on 8517.13; an item's HS chapters from
  classification count as codes;
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
from store.members import is_eu_member_state, resolve_member
from store.queries.alerts import AlertItem

URGENCY_RANK = {"low": 0, "medium": 1, "high": 2}


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


class _Selector:
    """One selector's inverted index: value → ids, and the ids that leave it empty."""

    def __init__(self):
        self.by_value: dict[str, set[int]] = defaultdict(set)
        self.unset: set[int] = set()

    def add(self, sub_id: int, values: Iterable[str]) -> None:
        values = list(values)
        if not values:
            self.unset.add(sub_id)
        for value in values:
            self.by_value[value].add(sub_id)

    def hits(self, values: Iterable[str]) -> set[int]:
        found: set[int] = set()
        for value in values:
            found |= self.by_value.get(value, set())
        return found


class _PrefixSelector(_Selector):
    """Codes matching when either is a prefix of the other."""

    def __init__(self, lineage):
        super().__init__()
        self.lineage = lineage
        self.below: dict[str, set[int]] = defaultdict(set)  # ancestor → subs with a longer prefix

    def add(self, sub_id: int, values: Iterable[str]) -> None:
        values = list(values)
        super().add(sub_id, values)
        for value in values:
            for ancestor in self.lineage(value)[:-1]:
                self.below[ancestor].add(sub_id)

    def hits(self, values: Iterable[str]) -> set[int]:
        found: set[int] = set()
        for code in values:
            for prefix in self.lineage(code):
                found |= self.by_value.get(prefix, set())
            found |= self.below.get(code, set())
        return found


def _prefix_related(a: str, b: str, lineage) -> bool:
    return a in lineage(b) or b in lineage(a)


class SubscriptionIndex:
    """Subscriptions indexed by selector, to match items against all of them at once."""

    def __init__(self, subscriptions: Iterable):
        self.specs: dict[int, SubscriptionSpec] = {}
        self.sectors, self.members = _Selector(), _Selector()
        self.committees, self.kinds = _Selector(), _Selector()
        self.hs, self.ics = _PrefixSelector(hs_lineage), _PrefixSelector(ics_lineage)
        self.urgency_at_least: list[set[int]] = [set() for _ in URGENCY_RANK]
        self.with_keywords: set[int] = set()
        for subscription in subscriptions:
            self.add(subscription if isinstance(subscription, SubscriptionSpec)
                     else SubscriptionSpec.of(subscription))

    def __len__(self) -> int:
        return len(self.specs)

    def add(self, spec: SubscriptionSpec) -> None:
        self.specs[spec.id] = spec
        self.sectors.add(spec.id, spec.sectors)
        self.hs.add(spec.id, spec.hs)
        self.ics.add(spec.id, spec.ics)
        self.committees.add(spec.id, spec.committees)
        self.kinds.add(spec.id, spec.kinds)
        self.members.add(spec.id, spec.members)
        for code in spec.members:
            if is_eu_member_state(code):
                self.members.by_value["EU"].add(spec.id)
        for rank in range(spec.min_urgency, len(self.urgency_at_least)):
            self.urgency_at_least[rank].add(spec.id)
        if spec.keywords:
            self.with_keywords.add(spec.id)

    def match(self, item: AlertItem) -> dict[int, dict]:
        """Subscription id → why (the selectors it set and what in the item met them)."""
        hs_codes = _item_hs(item)
        ics_codes = _item_ics(item)
        member = item.member_code.upper() if item.member_code else None
        committee = item.committee.upper() if item.kind == "notification" and item.committee else None
        rank = URGENCY_RANK.get(item.urgency or "low", 0)
        per_selector = [
            (self.sectors.unset, self.sectors.hits(item.sectors)),
            (self.hs.unset, self.hs.hits(hs_codes)),
            (self.ics.unset, self.ics.hits(ics_codes)),
            (self.members.unset, self.members.hits([member] if member else [])),
            (self.committees.unset, self.committees.hits([committee] if committee else [])),
            (self.kinds.unset, self.kinds.hits([item.kind])),
        ]
        per_selector.sort(key=lambda pair: len(pair[0]) + len(pair[1]))
        candidates = self.urgency_at_least[rank]
        for unset, hits in per_selector:
            candidates = (candidates & unset) | (candidates & hits)
            if not candidates:
                return {}
        text = item.text().casefold()
        found: dict[str, bool] = {}

        def keyword_hits(spec: SubscriptionSpec) -> list[str]:
            for keyword in spec.keywords:
                if keyword not in found:
                    found[keyword] = keyword in text
            return [k for k in spec.keywords if found[k]]

        matches = {}
        for sub_id in candidates:
            spec = self.specs[sub_id]
            keywords = keyword_hits(spec) if sub_id in self.with_keywords else []
            if spec.keywords and not keywords:
                continue
            matches[sub_id] = _why(spec, item, hs_codes, ics_codes, member, committee, keywords)
        return matches


def _item_hs(item: AlertItem) -> list[str]:
    codes = list(filter(None, map(normalise_hs, item.hs_codes)))
    return codes + [chapter for chapter in item.hs_chapters if chapter not in codes]


def _item_ics(item: AlertItem) -> list[str]:
    return list(filter(None, map(normalise_ics, item.ics_codes)))


def _why(spec: SubscriptionSpec, item: AlertItem, hs_codes, ics_codes, member, committee, keywords) -> dict:
    why: dict = {}
    if spec.sectors:
        why["sectors"] = {code: item.sectors[code] for code in sorted(spec.sectors) if code in item.sectors}
    if spec.hs:
        why["hs"] = sorted(p for p in spec.hs if any(_prefix_related(p, c, hs_lineage) for c in hs_codes))
    if spec.ics:
        why["ics"] = sorted(p for p in spec.ics if any(_prefix_related(p, c, ics_lineage) for c in ics_codes))
    if spec.members:
        why["member"] = member
        if member not in spec.members:
            why["via"] = sorted(code for code in spec.members if is_eu_member_state(code))
    if spec.committees:
        why["committee"] = committee
    if spec.kinds:
        why["kind"] = item.kind
    if keywords:
        why["keywords"] = keywords
    if spec.min_urgency:
        why["urgency"] = item.urgency
    return why
