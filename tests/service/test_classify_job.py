"""The classification job: tags stored items, keeps human tags, re-tags with a new edition."""

from datetime import date

import yaml
from sqlmodel import select
from typer.testing import CliRunner

from nlp.catalogue.registry import EDITIONS_DIR
from service.cli import app
from service.jobs.classify import classify_items
from store.interchange import notification_from_record
from store.models import ItemClassification, SectorTag
from store.queries.hs import decided_hs, hs_tags_by_item
from store.queries.notifications import upsert_notification
from store.queries.tags import effective_sectors, set_human_tags, tags_by_item

LITHIUM = {
    "id": "t1",
    "symbol": "G/TBT/N/USA/9001",
    "committee": "TBT",
    "member": "United States",
    "distribution_date": "2026-11-01",
    "comment_deadline": "2026-12-20",
    "title": "Safety requirements for lithium-ion batteries used in mobile phones and laptops",
    "products_text": "Lithium-ion batteries; mobile phones",
    "hs_codes": ["850760"],
}
CHEESE = {
    "id": "t2",
    "symbol": "G/SPS/N/EU/900",
    "committee": "SPS",
    "member": "European Union",
    "distribution_date": "2026-11-02",
    "title": "Maximum residue levels for cheese",
    "products_text": "Cheese",
    "hs_codes": ["0406"],
}


def store_records(session, *records):
    ids = []
    for record in records:
        notification, _ = notification_from_record(record)
        ids.append(
            upsert_notification(session, notification=notification, source="import", external_id=record["id"]).row.id
        )
    session.commit()
    return ids


def sectors_of(session, item_id):
    return effective_sectors(tags_by_item(session, item_kind="notification", item_ids=[item_id])[item_id])


def test_pending_items_are_tagged_once(db_engine, session):
    battery, cheese = store_records(session, LITHIUM, CHEESE)
    assert classify_items(db_engine, today=date(2026, 11, 27)) == {"notification": 2, "change": 0, "intelligence": 0}
    assert "EPNE" in sectors_of(session, battery)
    assert sectors_of(session, cheese) == []
    row = session.get(ItemClassification, ("notification", battery))
    hs = hs_tags_by_item(session, item_kind="notification", item_ids=[battery])[battery]
    assert decided_hs(hs)[0][:2] == "85"
    assert row.urgency in ("low", "medium", "high") and row.urgency_reasons
    assert classify_items(db_engine)["notification"] == 0


def test_human_tags_survive_retagging(db_engine, session):
    (battery,) = store_records(session, LITHIUM)
    set_human_tags(
        session,
        item_kind="notification",
        item_id=battery,
        sectors=["EI"],
        edition="2003",
        edition_sectors=["EI", "SW", "AA", "OME", "BIO", "NM", "EPNE"],
    )
    session.commit()
    classify_items(db_engine, everything=True)
    session.expire_all()
    assert sectors_of(session, battery) == ["EI"]
    origins = {t.origin for t in session.exec(select(SectorTag).where(SectorTag.item_id == battery))}
    assert "human" in origins and origins - {"human"}


def test_catalogue_load_installs_an_edition_and_retags(settings, session, tmp_path):
    (battery,) = store_records(session, LITHIUM)
    edition = yaml.safe_load((EDITIONS_DIR / "2003.yaml").read_text(encoding="utf-8"))
    edition["edition"] = "2003-test"
    path = tmp_path / "edition.yaml"
    path.write_text(yaml.safe_dump(edition, allow_unicode=True), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["catalogue", "load", str(path)])
    assert result.exit_code == 0, result.output
    session.expire_all()
    tags = session.exec(select(SectorTag).where(SectorTag.item_id == battery)).all()
    assert {t.edition for t in tags} == {"2003-test"}
    assert "2003-test" in runner.invoke(app, ["catalogue", "list"]).stdout


def test_catalogue_load_refuses_an_invalid_edition(settings, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("edition: x\nsectors: []\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["catalogue", "load", str(path)])
    assert result.exit_code == 1
    assert "sectors" in result.stderr
