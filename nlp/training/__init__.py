"""Reproducible training of the shipped model (``nlp/model``): ``train(output_dir, seed=0)``.

Two spaCy pipelines are trained from the configs next to this file (``sectors.cfg``,
``hs_chapters.cfg``) on the data of ``nlp.training.data`` (generated from the catalogue and the
HS/ICS nomenclatures) plus the hand-labelled real notifications of
``nlp/data/sample_notifications.jsonl`` (``nlp.samples``; ``records=()`` leaves them
out), then merged into one pipeline whose components are ``sectors`` (textcat_multilabel) and
``hs_chapters`` (textcat). The seed fixes the data shuffling and the weight initialisation, so the
same seed gives the same model. How well the recipe generalises is measured by
``nlp.training.crossval`` (see ``nlp/MODEL.md``).

Human judgements join the training data as ``extra`` :class:`LabelledRecord` values: staff
confirmations and corrections of an item's tags (``complete=True``: the sectors not confirmed are
wrong) and exporters' useful / not-relevant judgements (``complete=False``: only the judged sectors
are known, the others are left out of the loss rather than taken as negatives).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.training import Example as SpacyExample
from spacy.util import fix_random_seed, load_config, load_model_from_config, minibatch, registry

from nlp import text as _text  # noqa: F401  (registers the tokenizer named in the configs)
from nlp.catalogue import DEFAULT_EDITION, load_edition
from nlp.item import ItemText
from nlp.samples import sample_records
from nlp.training.data import Example, hs_chapter_examples, records_to_examples, sector_examples, text_examples

CONFIG_DIR = Path(__file__).parent
DEFAULT_OUTPUT = Path(__file__).parents[1] / "model"


REAL_WEIGHT = 3  # each real record counts as this many generated examples
HUMAN_WEIGHT = 3  # same for a human judgement given without a weight


@dataclass(frozen=True)
class LabelledRecord:
    """One item as people judged it, for training.

    ``confirmed``: sectors people said apply; ``rejected``: sectors they said do not; with
    ``complete`` (a staff member set the item's whole tag list) every sector not confirmed is
    rejected too. ``weight`` repeats the example (default ``HUMAN_WEIGHT``); ``source`` says where
    the judgement came from ("staff", "exporter"), for reports only.
    """

    item: ItemText
    confirmed: frozenset[str] = frozenset()
    rejected: frozenset[str] = frozenset()
    complete: bool = False
    weight: int = HUMAN_WEIGHT
    source: str = "staff"

    @classmethod
    def from_record(
        cls, record: Mapping[str, Any], weight: int = HUMAN_WEIGHT, source: str = "staff"
    ) -> LabelledRecord:
        """A record in the dev-set schema (``sectors`` = the whole, human-set tag list)."""
        return cls(
            ItemText.from_record(record),
            frozenset(record.get("sectors") or ()),
            complete=True,
            weight=weight,
            source=source,
        )

    def cats(self, labels: Iterable[str]) -> dict[str, float]:
        """Training targets: judged labels only, unless ``complete``."""
        out = {}
        for label in labels:
            if label in self.confirmed:
                out[label] = 1.0
            elif label in self.rejected or self.complete:
                out[label] = 0.0
        return out


def train(
    output_dir: str | Path = DEFAULT_OUTPUT,
    seed: int = 0,
    edition: str = DEFAULT_EDITION,
    records: Iterable[dict] | None = None,
    extra: Iterable[LabelledRecord] = (),
) -> Path:
    """Train and save the pipeline; ``records`` (dev-set schema) default to the bundled real ones;
    ``extra`` are human judgements (staff tags, exporters' feedback) added to them."""
    nlp = train_pipeline(
        seed=seed, edition=edition, records=sample_records() if records is None else records, extra=extra
    )
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_dir)
    return output_dir


def train_pipeline(
    seed: int = 0, edition: str = DEFAULT_EDITION, records: Iterable[dict] = (), extra: Iterable[LabelledRecord] = ()
) -> Language:
    catalogue = load_edition(edition)
    human: list[Example] = []
    for judged in extra:
        human += text_examples(judged.item, judged.cats(catalogue.codes)) * judged.weight
    real = records_to_examples(records, catalogue) * REAL_WEIGHT
    sector_data = sector_examples(catalogue, random.Random(seed)) + real + human
    hs_data = hs_chapter_examples(catalogue, random.Random(seed))  # nomenclature and terms only
    sectors = _fit("sectors.cfg", sector_data, seed)
    hs = _fit("hs_chapters.cfg", hs_data, seed)
    sectors.add_pipe("hs_chapters", source=hs)
    sectors.meta.update(
        {
            "name": "tbtwatch_catalogue",
            "version": "1.0.0",
            "edition": catalogue.edition,
            "seed": seed,
            "description": "Sector and HS chapter classifier of tbtwatch",
        }
    )
    return sectors


def _fit(config_name: str, data: list[Example], seed: int) -> Language:
    config = load_config(CONFIG_DIR / config_name)
    config["system"]["seed"] = config["training"]["seed"] = seed
    fix_random_seed(seed)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    settings = config["training"]
    optimizer = registry.resolve({"optimizer": settings["optimizer"]})["optimizer"]
    examples = [SpacyExample.from_dict(nlp.make_doc(e.text), {"cats": e.cats}) for e in data]
    nlp.initialize(lambda: examples, sgd=optimizer)
    rng = random.Random(seed)
    for _ in range(settings["max_epochs"]):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=settings["batch_size"]):
            nlp.update(batch, drop=settings["dropout"], sgd=optimizer)
    return nlp
