"""Payload JSON and truncation markers identical to the TypeScript SDK's (sdk/src/serialize.ts).

Every expected string below was produced by the TypeScript SDK (sdk/dist, Node 20) for the same
input: ``createSerializer(maxBytes, counters, previewBytes)(value)`` for "ser", a ``JsonArrayBuilder``
fed the items one by one for "arr", ``truncated(text, maxBytes, originalBytes)`` for "trunc", and
``JSON.stringify`` for the key-order cases. Lengths and cuts there are in UTF-16 units (an emoji is 2).
"""

from __future__ import annotations

from typing import Any

import pytest

from xray._jsjson import stringify
from xray._serialize import JsonArrayBuilder, serialize, truncated
from xray._types import Counters

E = "\U0001f600"  # 1 Python character, 2 UTF-16 units, 4 UTF-8 bytes

# (kind, value, max bytes, preview bytes / original bytes, TypeScript's output)
TS_CASES: list[tuple[str, Any, int, int | None, str]] = [
    ("ser", [E * 4] * 100, 1000, 100, '{"_xray_truncated":true,"preview":"[\\"😀😀😀😀\\",\\"😀😀😀😀\\",\\""}'),
    (
        "ser",
        ("a" + E) * 300,
        1000,
        101,
        '{"_xray_truncated":true,"originalBytes":1502,"preview":"\\"a😀a😀a😀a😀a😀a😀a😀a"}',
    ),
    ("ser", E * 600, 1000, 100, '{"_xray_truncated":true,"originalBytes":2402,"preview":"\\"😀😀😀😀😀😀😀😀"}'),
    ("ser", E * 600, 1000, 101, '{"_xray_truncated":true,"originalBytes":2402,"preview":"\\"😀😀😀😀😀😀😀😀"}'),
    (
        "ser",
        {"k": ("\u00e9" + E + "x") * 100},
        500,
        90,
        '{"_xray_truncated":true,"originalBytes":708,"preview":"{\\"k\\":\\"é😀xé😀xé😀"}',
    ),
    (
        "ser",
        [{"n": i, "s": E * i} for i in range(70)],
        2000,
        120,
        '{"_xray_truncated":true,"preview":"[{\\"n\\":0,\\"s\\":\\"\\"},{\\"n\\":1,\\"s\\":\\"😀\\"},{\\"n\\":2,\\"s\\":\\"😀😀\\"},{\\"n\\""}',
    ),
    (
        "ser",
        ["x" + E * 3] * 64 + [E],
        1000,
        80,
        '{"_xray_truncated":true,"originalBytes":1032,"preview":"[\\"x😀😀😀\\""}',
    ),
    (
        "ser",
        "ab\ud83d" + E * 10 + "\ude00q" * 10,
        100,
        90,
        '{"_xray_truncated":true,"originalBytes":120,"preview":"\\"ab\\\\ud83d😀😀😀😀😀"}',
    ),
    (
        "arr",
        [E * 4] * 100,
        701,
        120,
        '{"_xray_truncated":true,"preview":"[\\"😀😀😀😀\\",\\"😀😀😀😀\\",\\"😀😀😀😀\\",\\""}',
    ),
    ("trunc", "\u00e9" + E * 30 + "\ud83d", 81, 77, '{"_xray_truncated":true,"originalBytes":77,"preview":"é😀😀😀"}'),
    ("trunc", "x" + E * 30, 70, None, '{"_xray_truncated":true,"preview":"x😀😀😀😀"}'),
]


@pytest.mark.parametrize(
    ("kind", "value", "a", "b", "expected"), TS_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(TS_CASES)]
)
def test_truncation_counts_and_cuts_utf16_units_as_typescript(
    kind: str, value: Any, a: int, b: int | None, expected: str
) -> None:
    if kind == "ser":
        assert b is not None
        got = serialize(value, a, b, Counters())
    elif kind == "arr":
        assert b is not None
        builder = JsonArrayBuilder(a, b, Counters())
        for item in value:
            builder.push(item)
        got = builder.json()
    else:
        got = truncated(value, a, b)
    assert got == expected


def test_an_array_of_emoji_stops_early_as_typescript_does() -> None:
    # 100 x "😀😀😀😀" is 1,100 UTF-16 units: over 1,000 before the end, so no originalBytes (TS).
    out = serialize([E * 4] * 100, 1000, 1000, Counters())
    assert out is not None and out.startswith('{"_xray_truncated":true,"preview":"[')


def test_keys_in_javascript_order_array_indices_first() -> None:
    value = {"b": 1, "2": 2, "1": 3, "01": 4, "-1": 5, "4294967294": 6, "4294967295": 7, "a": 8, "0": 9, "1.5": 10}
    value[""] = 11
    assert stringify(value)[0] == (
        '{"0":9,"1":3,"2":2,"4294967294":6,"b":1,"01":4,"-1":5,"4294967295":7,"a":8,"1.5":10,"":11}'
    )
    nested = [{"z": {"10": 1, "9": 2, "x": 3}, "3": [1, {"2": 0, "1": 0}]}]
    assert stringify(nested)[0] == '[{"3":[1,{"1":0,"2":0}],"z":{"9":2,"10":1,"x":3}}]'
    # the chunked path of long arrays (64+ items) orders them too
    assert (
        serialize(nested * 65, 10**6, 10**6, Counters())
        == "[" + ",".join(['{"3":[1,{"1":0,"2":0}],"z":{"9":2,"10":1,"x":3}}'] * 65) + "]"
    )


def test_keys_that_become_the_same_string_are_one_property_as_in_javascript() -> None:
    # JS: {1: "a", "1": "b"} is one property "1" holding "b", at the first one's place.
    assert stringify({1: "a", "1": "b"})[0] == '{"1":"b"}'
    assert stringify({True: "a", "x": 1, "true": "b"})[0] == '{"true":"b","x":1}'
    assert stringify({"1": 2, 1: len, "b": 0, 0: 3})[0] == '{"0":3,"b":0}'  # the later value, a function, drops
    assert stringify({"x": 1, 1.5: 2, -0.0: 3, 2: 4})[0] == '{"0":3,"2":4,"x":1,"1.5":2}'
