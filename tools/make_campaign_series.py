#!/usr/bin/env python3
"""Generate data/campaign_weeks.csv: a small simulated series for lesson 4 and assignment 4.

    python tools/make_campaign_series.py          rewrite the CSV
    python tools/make_campaign_series.py --check  exit 1 when the committed CSV is stale

Two ways to spend the same quarter-and-a-bit (26 weeks) of effort:
- ``calls_net``: a seller's extra calls pay back from the first week, at a steady level;
- ``campaign_net``: a marketing campaign costs money for weeks before it brings leads,
  then builds towards a much higher weekly return (a logistic ramp).
Both get small uniform noise from ``random.Random(SEED)`` (stdlib only, so the numbers do
not depend on numpy or pandas versions). Values are whole euro, net of that week's cost.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "data" / "campaign_weeks.csv"
SEED = 2026
WEEKS = 26
CALLS_LEVEL = 800  # net euro per week from extra calls, from week 1
CAMPAIGN_COST = 900  # euro per week of campaign spend during weeks 1-8
CAMPAIGN_PEAK = 2400  # gross euro per week once the campaign is fully tuned
RAMP_MIDPOINT = 9  # week at which the campaign reaches half its peak
NOISE = 60  # +/- euro of week-to-week noise


def rows(seed: int = SEED) -> list[tuple[int, int, int]]:
    """(week, calls_net, campaign_net) for weeks 1..WEEKS."""
    rng = random.Random(seed)
    out = []
    for week in range(1, WEEKS + 1):
        calls = CALLS_LEVEL + rng.randint(-NOISE, NOISE)
        gross = CAMPAIGN_PEAK / (1 + math.exp(-(week - RAMP_MIDPOINT) / 1.8))
        cost = CAMPAIGN_COST if week <= 8 else 0
        campaign = round(gross - cost) + rng.randint(-NOISE, NOISE)
        out.append((week, calls, campaign))
    return out


def render(seed: int = SEED) -> str:
    """The CSV text."""
    lines = ["week,calls_net,campaign_net"]
    lines += [f"{w},{c},{m}" for w, c, m in rows(seed)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the CSV is fresh")
    args = parser.parse_args(argv)
    fresh = TARGET.exists() and TARGET.read_text(encoding="utf-8") == render()
    if args.check:
        if not fresh:
            print(f"{TARGET.relative_to(ROOT)} is stale: run python tools/make_campaign_series.py")
        return 0 if fresh else 1
    if not fresh:
        TARGET.write_text(render(), encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
