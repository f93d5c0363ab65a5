"""The catalogue as versioned data: the shipped 2003 edition, validation, the registry."""

import dataclasses

import pytest
import yaml

from nlp.catalogue import Catalogue, CatalogueError, available_editions, load_edition, register_edition
from nlp.catalogue.registry import EDITIONS_DIR


def test_2003_edition_has_the_seven_sectors_with_names_codes_and_phrases():
    catalogue = load_edition("2003")
    assert catalogue.edition == "2003"
    assert catalogue.codes == ("EI", "SW", "AA", "OME", "BIO", "NM", "EPNE")
    ome = catalogue.sector("OME")
    assert ome.name_zh == "光机电一体化与医疗器械" and ome.name_en.startswith("Opto-mechatronics")
    assert {line.code for line in ome.hs} >= {"9018", "9022"}
    for sector in catalogue.sectors:
        assert {"en", "zh", "fr", "es"} <= set(sector.phrases), sector.code
        assert {line.strength for line in sector.hs + sector.ics} <= {"core", "partial"}


def test_loaded_edition_is_immutable():
    catalogue = load_edition("2003")
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalogue.edition = "2099"
    with pytest.raises(TypeError):
        catalogue.sector("EI").phrases["en"] = ("x",)


def _edition_dict() -> dict:
    return yaml.safe_load((EDITIONS_DIR / "2003.yaml").read_text(encoding="utf-8"))


def test_from_file_reads_a_new_edition_and_the_registry_serves_it(tmp_path):
    data = _edition_dict()
    data["edition"] = "2099-test"
    data["sectors"] = data["sectors"][:2]
    path = tmp_path / "edition.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    catalogue = Catalogue.from_file(path)
    assert catalogue.codes == ("EI", "SW")
    assert load_edition(path).edition == "2099-test"
    register_edition(catalogue)
    assert "2099-test" in available_editions()
    assert load_edition("2099-test") is catalogue


def test_from_file_lists_every_problem(tmp_path):
    data = _edition_dict()
    del data["edition"]
    data["sectors"][0]["hs"][0]["strength"] = "strong"
    data["sectors"][1]["ics"][0]["code"] = "35-080"
    data["sectors"][2]["name_zh"] = ""
    data["sectors"][3]["phrases"]["de"] = ["Medizinprodukt"]
    data["sectors"].append(dict(data["sectors"][0]))
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        Catalogue.from_file(path)
    problems = "\n".join(error.value.problems)
    for expected in (
        "'edition' is missing",
        "strength must be one of",
        "malformed code '35-080'",
        "'name_zh' is missing",
        "unknown language 'de'",
        "sector EI: duplicated",
    ):
        assert expected in problems


def test_from_file_reports_unreadable_files(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("sectors: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueError, match="cannot read"):
        Catalogue.from_file(path)
    with pytest.raises(KeyError, match="unknown catalogue edition"):
        load_edition("1999")
