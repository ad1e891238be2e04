"""The seed example in Python: candidate search with a keyword filter, recorded by X-Ray.

With `npm start` running: XRAY_API_KEY=<the dev ingest key> python sdk-python/examples/candidate_search.py
"""

from __future__ import annotations

import os
import random

from xray import ELIMINATED, KEPT, StepTypes, XRay, survivors

REQUIRED = ["security", "compliance"]
WORDS = ["security", "compliance", "audit", "cloud", "privacy", "risk"]


def candidates(n: int = 1000) -> list[dict[str, object]]:
    rng = random.Random(7)
    return [{"id": f"doc-{i}", "keywords": rng.sample(WORDS, k=rng.randint(1, 4))} for i in range(n)]


def missing(doc: dict[str, object], required: list[str]) -> list[str]:
    return [k for k in required if k not in doc["keywords"]]  # type: ignore[operator]


def main() -> None:
    # api_key: the project's ingest key (default: env XRAY_API_KEY)
    xray = XRay(endpoint=os.environ.get("XRAY_ENDPOINT", "http://127.0.0.1:4318/v1/traces"))
    docs = candidates()
    run_id = xray.start_run("candidate-search", docs)
    result = xray.step(
        run_id,
        StepTypes.FILTER,
        "filter-by-keywords",
        lambda items: [
            {
                "item_id": doc["id"],
                "outcome": ELIMINATED if missing(doc, REQUIRED) else KEPT,
                "reason": f"Missing required keywords: {', '.join(missing(doc, REQUIRED))}",
                "input": doc,
            }
            for doc in items
        ],
        docs,
    )
    xray.end_run(run_id, result)
    delivered = xray.shutdown()  # flush and close; call it before the process exits
    kept = len(survivors(result))
    print(f"run {run_id}: {len(docs)} -> {kept} ({'delivered' if delivered else 'NOT delivered, see xray.stats()'})")


if __name__ == "__main__":
    main()
