"""The Python constants are exactly the registry's (otel/conventions.json), as the TypeScript ones are."""

from __future__ import annotations

import json
from pathlib import Path

from xray import conventions

REGISTRY = json.loads((Path(__file__).resolve().parents[2] / "otel" / "conventions.json").read_text("utf-8"))


def test_every_attribute_and_event_name_matches_the_registry() -> None:
    for attribute in REGISTRY["attributes"]:
        assert getattr(conventions, attribute["const"]) == attribute["name"]
    defined = {n for n in dir(conventions) if n.startswith(("ATTR_", "EVENT_"))}
    assert defined == {a["const"] for a in REGISTRY["attributes"]}


def test_every_enumeration_has_exactly_the_registry_members() -> None:
    for enum in REGISTRY["enums"]:
        cls = getattr(conventions, enum["const"])
        members = {m["const"]: m["value"] for m in enum["members"]}
        assert {k: getattr(cls, k) for k in members} == members
        assert cls.ALL == frozenset(members.values())


def test_every_limit_has_the_registry_value() -> None:
    for limit in REGISTRY["limits"]:
        assert getattr(conventions, limit["const"]) == limit["value"]
    assert sorted(conventions.__all__) == sorted(
        [a["const"] for a in REGISTRY["attributes"]]
        + [e["const"] for e in REGISTRY["enums"]]
        + [limit["const"] for limit in REGISTRY["limits"]]
    )
