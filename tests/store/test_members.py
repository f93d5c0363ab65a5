"""The WTO members register: aliases in every published spelling, codes, ePing ids, EU states."""

import csv
from importlib.resources import files

import pytest

from store.members import (
    Member,
    UnknownMemberError,
    all_members,
    eu_member_states,
    is_eu_member_state,
    member_by_eping_id,
    require_member,
    resolve_member,
)


def csv_rows():
    with files("store").joinpath("data", "members.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize(
    "spelling, code",
    [
        ("Korea, Republic of", "KOR"),
        ("Republic of Korea", "KOR"),
        ("REPUBLIC OF KOREA", "KOR"),
        ("韩国", "KOR"),
        ("Corée, République de", "KOR"),
        ("Corea, República de", "KOR"),
        ("European Union", "EU"),
        ("EC", "EU"),
        ("EEC", "EU"),
        ("European Communities", "EU"),
        ("European Community", "EU"),
        ("Union européenne", "EU"),
        ("Unión Europea", "EU"),
        ("欧盟", "EU"),
        ("United States of America", "USA"),
        ("United States", "USA"),
        ("USA", "USA"),
        ("Estados Unidos", "USA"),
        ("美国", "USA"),
        ("Chinese Taipei", "TPKM"),
        ("Separate Customs Territory of Taiwan, Penghu, Kinmen and Matsu", "TPKM"),
        ("中国台北", "TPKM"),
        ("台澎金马单独关税区", "TPKM"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Hong Kong, China", "HKG"),
        ("Macao, China", "MAC"),
        ("Kingdom of Saudi Arabia", "SAU"),
        ("Saudi Arabia, Kingdom of", "SAU"),
        ("  the  Gambia ", "GMB"),
        ("Trinidad & Tobago", "TTO"),
        ("St. Lucia", "LCA"),
        ("Côte d'Ivoire", "CIV"),
        ("COTE D IVOIRE", "CIV"),
        ("中华人民共和国", "CHN"),
        ("日本", "JPN"),
        ("tpkm", "TPKM"),
        ("C156", "CHN"),
    ],
)
def test_published_spellings_resolve(spelling, code):
    assert resolve_member(spelling).code == code


def test_every_dev_member_resolves(dev_records):
    names = {record["member"] for record in dev_records}
    assert sorted(name for name in names if resolve_member(name) is None) == []


def test_register_fields():
    china = require_member("China")
    assert china == Member("CHN", "C156", "China", "中国", False)
    assert require_member("EU").eping_id == "U918"
    assert require_member("USA").name_zh == "美国"
    assert require_member("Hong Kong, China").code == "HKG"
    assert len(all_members()) == 166
    assert all(member == resolve_member(member.code) for member in all_members())


@pytest.mark.parametrize(
    "eping_id, code", [("C156", "CHN"), ("C840", "USA"), ("U918", "EU"), ("c8", "ALB"), (" C008 ", "ALB")]
)
def test_member_by_eping_id(eping_id, code):
    assert member_by_eping_id(eping_id).code == code


@pytest.mark.parametrize("eping_id", ["C999", "840", "X840", "", None])
def test_unknown_eping_ids(eping_id):
    assert member_by_eping_id(eping_id) is None


def test_eu_member_states():
    states = {member.code for member in eu_member_states()}
    assert len(states) == 27
    assert {"DEU", "FRA", "POL", "HRV", "ESP"} <= states
    assert not {"EU", "GBR", "CHE", "NOR", "TUR"} & states
    assert is_eu_member_state("Germany") and is_eu_member_state("ESP") and is_eu_member_state("西班牙")
    assert not is_eu_member_state("EU") and not is_eu_member_state("United Kingdom")
    assert not is_eu_member_state("Atlantis")


@pytest.mark.parametrize("text", ["Atlantis", "", "Korea, Democratic People's Republic of", "G/TBT/N/USA/1", None])
def test_unknown_names(text):
    assert resolve_member(text) is None
    with pytest.raises(UnknownMemberError, match="is not a known WTO member name, code or ePing id"):
        require_member(text)
    assert issubclass(UnknownMemberError, ValueError)


def test_csv_codes_and_ids_are_unique_and_well_formed():
    rows = csv_rows()
    assert len({row["code"] for row in rows}) == len(rows)
    assert len({row["eping_id"] for row in rows}) == len(rows)
    assert all(row["eping_id"] == "U918" or (row["eping_id"][0] == "C" and len(row["eping_id"]) == 4) for row in rows)
    assert all(row["eu_member"] in ("0", "1") and row["name_zh"] for row in rows)


def test_no_spelling_names_two_members():
    """Every spelling in the file resolves to the member of its own row (the loader also refuses clashes)."""
    for row in csv_rows():
        spellings = [row["code"], row["eping_id"], row["name_en"], row["name_zh"], *row["aliases"].split("|")]
        assert {resolve_member(s).code for s in spellings if s} == {row["code"]}
