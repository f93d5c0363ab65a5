"""WTO notification symbols: real examples, sloppy portal forms, errors, and properties."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.symbols import SUFFIX_KINDS, Symbol, SymbolError, normalise_symbol, parse_symbol, parse_symbols

FORMATS_EXAMPLES = [
    "G/TBT/N/USA/903/Add.1/Corr.1",
    "G/TBT/N/BRA/325/Rev.1/Add.1",
    "G/SPS/N/THA/155/Rev.2/Add.1",
    "G/TBT/N/KEN/1170/Add.2",
    "G/SPS/N/CAN/996/Add.1",
    "G/TBT/Notif.96.285",
    "G/TBT/N/EU/891",
    "G/TBT/N/TPKM/246",
]


def dev_symbols(records):
    return [s for r in records for s in [r["symbol"], *(r["all_symbols"] or [])] if s]


@pytest.mark.parametrize("text", FORMATS_EXAMPLES)
def test_formats_examples_are_canonical(text):
    assert str(parse_symbol(text)) == text


def test_every_dev_symbol_parses_to_itself(dev_records):
    symbols = dev_symbols(dev_records)
    assert len(symbols) > 250
    assert [str(parse_symbol(s)) for s in symbols] == symbols


def test_every_dev_member_code_is_in_the_register(dev_records):
    parsed = [parse_symbol(s) for s in dev_symbols(dev_records)]
    assert [str(s) for s in parsed if not s.legacy and s.canonical_member_code is None] == []


def test_joint_dev_lists_parse_whole(dev_records):
    for record in dev_records:
        if record["all_symbols"]:
            joined = ", ".join(record["all_symbols"])
            assert [str(s) for s in parse_symbols(joined)] == record["all_symbols"]


@pytest.mark.parametrize(
    "sloppy, canonical",
    [
        ("  G/TBT/N/USA/903/Add.1/Corr.1 ", "G/TBT/N/USA/903/Add.1/Corr.1"),
        ("G/TBT/N/MEX/318/ Add.1", "G/TBT/N/MEX/318/Add.1"),
        ("G/TBT/N/CHL/703/ADD.1", "G/TBT/N/CHL/703/Add.1"),
        ("G/SPS/N/VNM/113.Add1", "G/SPS/N/VNM/113/Add.1"),
        ("g/sps/n/tha/155/rev.2/add.1", "G/SPS/N/THA/155/Rev.2/Add.1"),
        ("G/TBT/N/VNM/03", "G/TBT/N/VNM/3"),
        ("TBT/N/USA/1436", "G/TBT/N/USA/1436"),
        ("G/TBT/N/EEC/98", "G/TBT/N/EEC/98"),
        ("G/TBT/N/EC/1 / Suppl.2", "G/TBT/N/EC/1/Suppl.2"),
        ("G/TBT/N/USA/1563/Corr.1.", "G/TBT/N/USA/1563/Corr.1"),
        ("g/tbt/notif.97.012", "G/TBT/Notif.97.12"),
        ("Ｇ／ＳＰＳ／Ｎ／ＣＨＮ／１２２０", "G/SPS/N/CHN/1220"),
    ],
)
def test_sloppy_forms_normalise(sloppy, canonical):
    assert normalise_symbol(sloppy) == canonical


def test_legacy_symbol_fields():
    symbol = parse_symbol("G/TBT/Notif.00.194")
    assert (symbol.legacy, symbol.year, symbol.number, symbol.member) == (True, 2000, 194, None)
    assert str(symbol) == "G/TBT/Notif.00.194"
    assert symbol.docs_wto_filename == "G/TBT/Notif00194.pdf"


def test_tokyo_round_symbols_are_tbt():
    """TBT/Notif.92.27: Sweden, 1992, notified under the Tokyo Round Standards Code (GATT)."""
    symbol = parse_symbol("TBT/Notif.92.27")
    assert (symbol.committee, symbol.year, symbol.number, symbol.legacy) == ("TBT", 1992, 27, True)
    assert str(symbol) == "TBT/Notif.92.27" == normalise_symbol("G/TBT/Notif.92.27")
    assert [str(s) for s in parse_symbols("TBT/Notif.80.1, TBT/Notif.94.310")] == ["TBT/Notif.80.1", "TBT/Notif.94.310"]


def test_chain_relations():
    symbol = parse_symbol("G/SPS/N/THA/155/Rev.2/Add.1")
    assert (symbol.committee, symbol.member, symbol.number, symbol.legacy) == ("SPS", "THA", 155, False)
    assert symbol.suffixes == (("Rev", 2), ("Add", 1))
    assert symbol.kind == "addendum"
    assert str(symbol.base) == "G/SPS/N/THA/155"
    assert str(symbol.parent) == "G/SPS/N/THA/155/Rev.2"
    assert symbol.parent.kind == "revision"
    assert symbol.base.parent is None


@pytest.mark.parametrize(
    "text, kind",
    [
        ("G/TBT/N/KEN/1170", "regular"),
        ("G/TBT/N/KEN/1170/Add.2", "addendum"),
        ("G/TBT/N/BHR/704/Rev.1", "revision"),
        ("G/TBT/N/USA/903/Add.1/Corr.1", "corrigendum"),
        ("G/TBT/N/USA/903/Suppl.1", "supplement"),
    ],
)
def test_kind_is_that_of_the_last_suffix(text, kind):
    assert parse_symbol(text).kind == kind


def test_docs_wto_locations():
    assert parse_symbol("G/SPS/N/CAN/996/Add.1").docs_wto_filename == "G/SPS/NCAN996A1.pdf"
    symbol = parse_symbol("G/TBT/N/USA/903/Add.1/Corr.1")
    assert symbol.docs_wto_filename == "G/TBT/NUSA903A1C1.pdf"
    assert symbol.docs_wto_url == (
        "https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx?filename=q:/G/TBT/NUSA903A1C1.pdf&Open=True"
    )
    assert parse_symbol("G/TBT/N/BRA/325/Rev.1/Add.1/Suppl.3").docs_wto_filename == "G/TBT/NBRA325R1A1S3.pdf"


def test_canonical_member_code_maps_old_eu_codes():
    assert [parse_symbol(f"G/TBT/N/{c}/1").canonical_member_code for c in ("EEC", "EC", "EU", "TPKM")] == [
        "EU",
        "EU",
        "EU",
        "TPKM",
    ]
    assert parse_symbol("G/TBT/N/EEC/98").member == "EEC"
    assert parse_symbol("G/TBT/N/XYZ/1").canonical_member_code is None
    assert parse_symbol("G/TBT/Notif.96.285").canonical_member_code is None


@pytest.mark.parametrize(
    "text",
    [
        "G/TBT/N/BDI/189, G/TBT/N/KEN/1170, G/TBT/N/RWA/580",
        " G/TBT/N/BDI/189 and G/TBT/N/KEN/1170; G/TBT/N/RWA/580",
        "G/TBT/N/BDI/189\nG/TBT/N/KEN/1170 & G/TBT/N/RWA/580,",
        "G/TBT/N/BDI/189、G/TBT/N/KEN/1170，G/TBT/N/RWA/580, G/TBT/N/KEN/1170",
    ],
)
def test_joint_lists(text):
    assert [str(s) for s in parse_symbols(text)] == ["G/TBT/N/BDI/189", "G/TBT/N/KEN/1170", "G/TBT/N/RWA/580"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty symbol"),
        ("   ", "empty symbol"),
        ("G/TBT/CS/N/123", "G/TBT/CS/ is another series than G/TBT/N/"),
        ("G/SPS/NNA/16", "G/SPS/NNA/ is another series"),
        ("G/SPS/ENQ/26", "G/SPS/ENQ/ is another series"),
        ("G/SPS/GEN/204/Rev.12", "G/SPS/GEN/ is another series"),
        ("G/TBT/1/Rev.15", "G/TBT/1/ is another series"),
        ("G/AG/N/USA/1", "must start with G/TBT/ or G/SPS/"),
        ("ISO 9001:2015", "must start with G/TBT/ or G/SPS/"),
        ("G/TBT/N/", "missing the member code"),
        ("G/TBT/N/USA", "missing the notification number"),
        ("G/TBT/N/USA/12a", "unknown suffix 'A'"),
        ("G/TBT/N/USA/12/Add.1//Rev.1", "unexpected '//REV.1' after"),
        ("G/TBT/N/U5A/1", "member code must be letters"),
        ("G/TBT/N/ABCDE/1", "member code must be 2 to 4 capital letters"),
        ("G/TBT/N/USA/1/Amd.1", "unknown suffix 'AMD'"),
        ("G/TBT/N/USA/1/Add.", "suffix Add has no number"),
        ("G/TBT/N/USA/0", "numbers in a symbol start at 1"),
        ("G/TBT/N/USA/4/Add.0", "numbers in a symbol start at 1"),
        ("G/SPS/Notif.96.1", "only the TBT committee used the legacy"),
        ("G/TBT/Notif.79.1", "TBT of 1980-2000, not TBT of 1979"),
    ],
)
def test_errors_say_what_is_wrong(text, message):
    with pytest.raises(SymbolError, match=re.escape(message)):
        parse_symbol(text)


def test_errors_are_value_errors_and_reject_non_text():
    assert issubclass(SymbolError, ValueError)
    with pytest.raises(SymbolError, match="not NoneType"):
        parse_symbol(None)
    with pytest.raises(SymbolError, match="empty symbol list"):
        parse_symbols(" , ;")
    with pytest.raises(SymbolError, match="'G/SPS/GEN/1'"):
        parse_symbols("G/SPS/N/USA/1, G/SPS/GEN/1")


def test_direct_construction_is_validated():
    with pytest.raises(SymbolError, match="either a member code"):
        Symbol("TBT", "USA", 1, year=1996)
    with pytest.raises(SymbolError, match="suffixes are"):
        Symbol("TBT", "USA", 1, (("Amd", 1),))


suffixes = st.lists(st.tuples(st.sampled_from(sorted(SUFFIX_KINDS)), st.integers(1, 30)), max_size=3).map(tuple)
modern = st.builds(
    Symbol,
    committee=st.sampled_from(["TBT", "SPS"]),
    member=st.from_regex(r"[A-Z]{2,4}", fullmatch=True),
    number=st.integers(1, 99999),
    suffixes=suffixes,
)
legacy = st.builds(Symbol, st.just("TBT"), st.none(), st.integers(1, 999), suffixes, st.integers(1995, 2000))
symbols = st.one_of(modern, legacy)


@st.composite
def sloppy_renderings(draw, symbol):
    """The symbol as a careless portal might print it."""
    text = str(symbol)
    if draw(st.booleans()):
        text = text.removeprefix("G/")
    if draw(st.booleans()):  # zero-padded numbers
        text = re.sub(r"(?<!f\.)(?<=[/.])(\d+)", lambda m: "0" + m[1], text)
    for name in SUFFIX_KINDS:
        variants = [f"/{name}.", f"/ {name}.", f".{name}", f"/{name.upper()}."]
        text = text.replace(f"/{name}.", draw(st.sampled_from(variants)))
    text = "".join(draw(st.sampled_from([c, c.lower(), c.upper()])) for c in text)
    return draw(st.sampled_from(["", " ", "\t"])) + text + draw(st.sampled_from(["", " ", "\n"]))


@given(symbols)
def test_round_trip(symbol):
    assert parse_symbol(str(symbol)) == symbol
    assert normalise_symbol(normalise_symbol(str(symbol))) == str(symbol)


@given(symbols.flatmap(lambda s: st.tuples(st.just(s), sloppy_renderings(s))))
def test_sloppy_renderings_normalise_to_the_symbol(pair):
    symbol, text = pair
    assert parse_symbol(text) == symbol


@given(symbols)
def test_base_and_parent(symbol):
    assert symbol.base.suffixes == ()
    assert symbol.base.base == symbol.base
    assert symbol.base.kind == "regular"
    if symbol.suffixes:
        assert symbol.parent.suffixes == symbol.suffixes[:-1]
        assert symbol.parent.base == symbol.base
    else:
        assert symbol.parent is None


@given(symbols)
def test_filename_encoding(symbol):
    filename = symbol.docs_wto_filename
    prefix = f"G/{symbol.committee}/"
    assert filename.startswith(prefix) and filename.endswith(".pdf")
    assert "/" not in filename.removeprefix(prefix)
    codes = "".join(f"{name[0]}{n}" for name, n in symbol.suffixes)
    assert re.fullmatch(r"(N[A-Z]{2,4}|Notif\d{2})\d+" + re.escape(codes), filename[len(prefix) : -len(".pdf")])
    assert symbol.docs_wto_url.endswith(f"filename=q:/{filename}&Open=True")


@given(st.lists(symbols, min_size=1, max_size=5), st.sampled_from([", ", ";", "\n", " and "]))
def test_joint_list_round_trip(members, separator):
    assert parse_symbols(separator.join(map(str, members))) == list(dict.fromkeys(members))


def test_a_tokyo_round_notification_imports():
    from store.interchange import notification_from_record

    record = {
        "id": "tokyo-round-swe-1992-27",
        "symbol": "TBT/Notif.92.27",
        "committee": "TBT",
        "member": "Sweden",
        "distribution_date": "1992-06-01",
    }
    notification, _sectors = notification_from_record(record)
    assert (notification.symbol, notification.committee) == ("TBT/Notif.92.27", "TBT")
