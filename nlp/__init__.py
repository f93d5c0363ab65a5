"""tbtwatch NLP: tag items with the sectors of the High-Tech Products Export Catalogue and HS chapters.

Pure package: no database, no network, no import of other tbtwatch packages.

Public API::

    from nlp import ItemText, get_classifier
    clf = get_classifier("2003")                    # loaded once per process
    result = clf.classify(ItemText(title="…", hs_codes=["851713"], language="en"))
    result.sectors      # [SectorScore(code, score, decided, reasons, origin, basis)], decided first
    result.tags         # decided sector codes
    result.hs_chapters  # [("85", 1.0), ("84", 0.12), …] ranked: codes (1.0), then guesses (< 1.0)
    result.decided_chapters  # the chapters that count (nlp.hs_chapters.decided_chapters)
    result.edition      # "2003"
    result.urgency(item, today)                      # = nlp.urgency.assess(item, sectors, today)
    clf.classify_many(items)                         # batch API (spaCy nlp.pipe)

Reasons are stored in English; ``nlp.reasons.read(reason)`` gives their kind and values, which
``alerts.reasons`` words for readers.
Catalogue editions: ``nlp.catalogue.load_edition("2003")``, ``Catalogue.from_file(path)``.
Training: ``nlp.training.train(output_dir, seed=0, extra=[LabelledRecord(…)])``. Evaluation: ``nlp.evaluate.evaluate``.
"""

from nlp.catalogue import Catalogue, CatalogueError, load_edition
from nlp.classifier import Classification, Classifier, SectorScore, get_classifier
from nlp.item import ItemText
from nlp.urgency import Urgency, assess

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Classification",
    "Classifier",
    "ItemText",
    "SectorScore",
    "Urgency",
    "assess",
    "get_classifier",
    "load_edition",
]
