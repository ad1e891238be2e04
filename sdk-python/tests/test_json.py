"""Payload JSON is byte-identical to JavaScript's JSON.stringify, and never raises."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import json
import math
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from xray._jsjson import js_number, js_string, stringify
from xray._serialize import serialize
from xray._types import Counters


def dumps(value: object) -> str | None:
    return stringify(value)[0]


def test_numbers_as_javascript_writes_them() -> None:
    cases = {
        1.0: "1",
        -0.0: "0",
        1e21: "1e+21",
        1e20: "100000000000000000000",
        1e-7: "1e-7",
        1e-6: "0.000001",
        0.1: "0.1",
        123456789.125: "123456789.125",
        1.5e300: "1.5e+300",
        -2.5e-10: "-2.5e-10",
        5e-324: "5e-324",
        1e16: "10000000000000000",
        123e18: "123000000000000000000",
        1.7976931348623157e308: "1.7976931348623157e+308",
        math.nan: "null",
        math.inf: "null",
        -math.inf: "null",
    }
    for value, expected in cases.items():
        assert js_number(value) == expected, value


def test_strings_as_javascript_escapes_them() -> None:
    assert js_string('tab\there\u0001"\\/\u2028é😀\x7f') == '"tab\\there\\u0001\\"\\\\/\u2028é😀\x7f"'
    assert js_string("\b\f\n\r") == '"\\b\\f\\n\\r"'
    # lone surrogates are escaped (well-formed JSON.stringify), a split pair is joined
    assert js_string("a\ud83db") == '"a\\ud83db"'
    assert js_string("\udc00") == '"\\udc00"'
    assert js_string("\ud83d\ude00") == '"😀"'


def test_containers_and_python_values() -> None:
    class Color(enum.Enum):
        RED = "red"

    @dataclasses.dataclass
    class Point:
        x: int
        y: float

    value = {
        "t": (1, 2.0, True, None),
        1: "int key",
        "when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        "d": decimal.Decimal("1.10"),
        "u": uuid.UUID(int=1),
        "c": Color.RED,
        "b": b"\x00\xff",
        "p": Point(1, 2.5),
        "s": frozenset({"only"}),
        "fn": len,
        "skip": lambda: 1,
    }
    assert dumps(value) == (
        '{"1":"int key","t":[1,2,true,null],"when":"2026-01-02T03:04:05+00:00","d":"1.10",'
        '"u":"00000000-0000-0000-0000-000000000001","c":"red","b":"AP8=","p":{"x":1,"y":2.5},"s":["only"]}'
    )
    assert dumps([len, None]) == "[null,null]"
    assert dumps(len) is None


def test_cycles_and_hostile_objects_become_markers() -> None:
    a: list[object] = [1]
    a.append(a)
    d: dict[str, object] = {}
    d["self"] = d

    class Hostile:
        def __getattribute__(self, name: str) -> object:
            raise RuntimeError("no reading me")

    text, complete, failures = stringify({"a": a, "d": d, "h": Hostile()})
    assert complete and failures == 3
    assert text == '{"a":[1,"[Circular]"],"d":{"self":"[Circular]"},"h":"[Unserializable] no reading me"}'


def test_an_int_too_long_for_str_becomes_a_marker_not_an_error() -> None:
    huge = 10**5000  # Python refuses str() of ints over 4300 digits
    text, complete, failures = stringify({"n": huge, "rest": [1, huge]})
    assert complete and failures == 2
    assert text is not None and text.startswith('{"n":"[Unserializable]') and '"rest":[1,"[Unserializable]' in text


def test_over_the_cap_becomes_a_truncation_marker() -> None:
    counters = Counters()
    big = {"text": "x" * 5000}
    out = serialize(big, 1000, 300, counters)
    assert out is not None
    marker = json.loads(out)
    assert marker["_xray_truncated"] is True and marker["originalBytes"] == len(json.dumps(big, separators=(",", ":")))
    assert len(out.encode()) <= 300 and marker["preview"].startswith('{"text":"xxx')
    assert counters.truncated_values == 1
    # a long array stops early: no full size
    out = serialize(["y" * 100] * 1000, 1000, 300, counters)
    assert out is not None and "originalBytes" not in json.loads(out)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_json_values_round_trip(value: object) -> None:
    text = dumps(value)
    assert text is not None
    # numbers compare as doubles: JavaScript writes 4.4e16 as 44000000000000000
    assert json.loads(text, parse_int=float) == json.loads(json.dumps(value), parse_int=float)
    text.encode("utf-8")  # always encodable: no lone surrogates left raw
