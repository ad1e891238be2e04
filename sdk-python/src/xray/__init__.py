"""X-Ray SDK: record which step of a pipeline kept, eliminated or scored which items, and why, as
OpenTelemetry spans sent over OTLP/HTTP. Start with :class:`XRay`."""

from __future__ import annotations

from xray._decision import UNSET, survivors
from xray._scopes import Run, StepScope
from xray._types import Decision, DecisionDict, DroppedDecisions, RecordDecision, XRayStats
from xray.client import XRay
from xray.conventions import CaptureLevels, Outcomes, StepTypes
from xray.sampler import Sampler, reason_class, sampled_positions

KEPT = Outcomes.KEPT
"""Outcome: the item continues to the next step."""
ELIMINATED = Outcomes.ELIMINATED
"""Outcome: the item was removed and will not continue."""
SCORED = Outcomes.SCORED
"""Outcome: the item was scored or ranked; it continues and a later threshold decides."""

__version__ = "0.1.0"

__all__ = [
    "ELIMINATED",
    "KEPT",
    "SCORED",
    "UNSET",
    "CaptureLevels",
    "Decision",
    "DecisionDict",
    "DroppedDecisions",
    "Outcomes",
    "RecordDecision",
    "Run",
    "Sampler",
    "StepScope",
    "StepTypes",
    "XRay",
    "XRayStats",
    "reason_class",
    "sampled_positions",
    "survivors",
]
