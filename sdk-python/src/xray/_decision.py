"""Reading one decision from the caller's object, and the decision event's attributes (decision.ts)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

from xray import conventions as C
from xray._jsjson import js_number
from xray._payloads import PayloadWriter

UNSET: Any = object()
"""A payload that was not given (``undefined`` in TypeScript): nothing is recorded for it."""

OUTCOMES = C.Outcomes.ALL
KEPT = C.Outcomes.KEPT
ELIMINATED = C.Outcomes.ELIMINATED
SCORED = C.Outcomes.SCORED


class Fields:
    """A decision's fields, read once from the caller's object (whose attributes may raise)."""

    __slots__ = ("item_id", "outcome", "reason", "reason_code", "important", "score", "input", "output", "metadata")

    def __init__(
        self,
        item_id: str,
        outcome: str,
        reason: str | None,
        reason_code: str | None,
        important: bool,
        score: float | None,
        input: Any,
        output: Any,
        metadata: Any,
    ) -> None:
        self.item_id = item_id
        self.outcome = outcome
        self.reason = reason
        self.reason_code = reason_code
        self.important = important
        self.score = score
        self.input = input
        self.output = output
        self.metadata = metadata


def item_id_of(value: object) -> str | None:
    t = type(value)
    if t is str:
        return value  # type: ignore[return-value]  # t is str: mypy does not narrow value through t
    if t is int:
        return str(value)
    if t is float:
        return js_number(value) if math.isfinite(value) else None  # type: ignore[arg-type]  # t is float
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float) and math.isfinite(value):
        return js_number(float(value))
    return None


def score_of(value: object) -> float | None:
    t = type(value)
    if t is float:
        return value if math.isfinite(value) else None  # type: ignore[return-value,arg-type]  # t is float
    if t is int:
        return float(value)  # type: ignore[arg-type]  # t is int
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def read_decision(entry: object) -> Fields | None:
    """The decision's fields, or None when ``entry`` is not one. May raise (hostile objects): callers catch."""
    if type(entry) is dict or isinstance(entry, Mapping):
        get = entry.get
        item = get("item_id", UNSET)
        if item is UNSET:  # the TypeScript SDK's camelCase shape
            item = get("itemId")
            code = get("reasonCode")
        else:
            code = get("reason_code")
        outcome = get("outcome")
        reason = get("reason")
        important = get("important")
        score = get("score")
        inp = get("input", UNSET)
        out = get("output", UNSET)
        meta = get("metadata", UNSET)
    elif entry is None or isinstance(entry, (str, bytes, int, float, Sequence)):
        return None
    else:  # a Decision dataclass or any object with the same attributes: None means absent
        item = getattr(entry, "item_id", None)
        outcome = getattr(entry, "outcome", None)
        reason = getattr(entry, "reason", None)
        code = getattr(entry, "reason_code", None)
        important = getattr(entry, "important", None)
        score = getattr(entry, "score", None)
        inp = getattr(entry, "input", None)
        out = getattr(entry, "output", None)
        meta = getattr(entry, "metadata", None)
        inp = UNSET if inp is None else inp
        out = UNSET if out is None else out
        meta = UNSET if meta is None else meta
    item_id = item if type(item) is str else item_id_of(item)
    if item_id is None:
        return None
    if type(outcome) is not str or outcome not in OUTCOMES:
        if not isinstance(outcome, str) or str.__str__(outcome) not in OUTCOMES:
            return None
        outcome = str.__str__(outcome)
    if reason is not None and type(reason) is not str:
        reason = str.__str__(reason) if isinstance(reason, str) else None
    if code is not None and type(code) is not str:
        code = str.__str__(code) if isinstance(code, str) else None
    if score is not None:
        score = score_of(score)
    return Fields(item_id, outcome, reason, code, important is True, score, inp, out, meta)


def quick_count(entry: object) -> tuple[str, Any] | None:
    """For ``metrics_only``: (outcome, what the item became) of a plain-dict decision with a str item id
    and outcome, else None (use read_decision). Reads the fields as read_decision does: ``item_id``
    when the key is present (even None), else ``itemId``."""
    if type(entry) is not dict:
        return None
    get = entry.get
    item = get("item_id", UNSET)
    if item is UNSET:
        item = get("itemId")
    if type(item) is not str:
        return None
    outcome = get("outcome")
    if type(outcome) is not str or outcome not in OUTCOMES:
        return None
    survivor = get("output")
    if survivor is None:
        survivor = get("input")
        if survivor is None:
            survivor = item
    return outcome, survivor


def event_attributes(f: Fields, payloads: PayloadWriter, seq: int | None) -> tuple[dict[str, Any], str | None]:
    """The event's attributes, and the JSON of what the item became when it was serialised for the event."""
    attributes: dict[str, Any] = {
        C.ATTR_XRAY_DECISION_ITEM_ID: f.item_id,
        C.ATTR_XRAY_DECISION_OUTCOME: f.outcome,
        C.ATTR_XRAY_DECISION_REASON: f.reason or "",
    }
    if f.reason_code is not None:
        attributes[C.ATTR_XRAY_DECISION_REASON_CODE] = f.reason_code
    if f.score is not None:
        attributes[C.ATTR_XRAY_DECISION_SCORE] = f.score
    if f.important:
        attributes[C.ATTR_XRAY_DECISION_IMPORTANT] = True
    if seq is not None:
        attributes[C.ATTR_XRAY_DECISION_SEQ] = seq
    input_json = output_json = None
    if f.input is not UNSET:
        input_json = payloads.set(attributes, C.ATTR_XRAY_DECISION_INPUT, f.input)
    if f.output is not UNSET:
        output_json = payloads.set(attributes, C.ATTR_XRAY_DECISION_OUTPUT, f.output)
    if f.metadata is not UNSET:
        payloads.set(attributes, C.ATTR_XRAY_DECISION_METADATA, f.metadata)
    # As TypeScript: an output that was given (even None) is what the item became, else the input's JSON.
    return attributes, (output_json if f.output is not UNSET else input_json)


def is_array(value: object) -> TypeGuard[list[Any] | tuple[Any, ...]]:
    return type(value) is list or type(value) is tuple or isinstance(value, (list, tuple))


def survivors(decisions: Sequence[Any]) -> list[Any]:
    """The decisions whose item continues (outcome kept or scored), in order: what the next step gets."""
    out: list[Any] = []
    for d in decisions:
        try:
            outcome = d.get("outcome") if isinstance(d, Mapping) else getattr(d, "outcome", None)
        except Exception:
            continue
        if outcome == KEPT or outcome == SCORED:
            out.append(d)
    return out


def result_count(result: object) -> int | None:
    """Survivors for a list of decisions, the length of another list, else None."""
    if not is_array(result):
        return None
    items = list(result)

    def outcome(d: object) -> object:
        return d.get("outcome") if isinstance(d, Mapping) else getattr(d, "outcome", None)

    decisions = len(items) > 0 and all(
        d is not None and not isinstance(d, (str, int, float)) and outcome(d) in OUTCOMES for d in items
    )
    return len(survivors(items)) if decisions else len(items)
