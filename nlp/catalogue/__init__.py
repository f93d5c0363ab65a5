"""The High-Tech Products Export Catalogue as versioned data: editions, sectors, codes, phrases."""

from nlp.catalogue.model import Catalogue, CatalogueError, CodeLine, Sector
from nlp.catalogue.registry import DEFAULT_EDITION, available_editions, load_edition, register_edition

__all__ = [
    "DEFAULT_EDITION",
    "Catalogue",
    "CatalogueError",
    "CodeLine",
    "Sector",
    "available_editions",
    "load_edition",
    "register_edition",
]
