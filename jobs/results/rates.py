"""The rates in a job's summary set against the ranges the literature reports, each with
its source (the rows of /work/shared/reference/CALIBRATION.md, cited by their ids).

A range is only given where sources give one; a single derived figure is shown as a
reference value, with no inside/outside verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reference:
    name: str
    label: str
    low: float | None
    high: float | None
    source: str
    note: str = ""


REFERENCES = (
    Reference(
        "kia_share", "Killed in action, share of battle casualties", 0.144, 0.28,
        "CALIBRATION.md A11-A13, E6: Falklands 1982 (Hansard), FORECAS fits, Korea "
        "(Reister 1973), UK Afghanistan 2004-14 (Webster et al. 2021)",
    ),
    Reference(
        "case_fatality", "Case fatality rate (CFR)",
        0.076, 0.22,
        "CALIBRATION.md E1, E2, E5-E7: US WWII to Afghanistan (Holcomb-type statistics; "
        "Kotwal et al. 2016), UK Iraq and Afghanistan (Webster 2021, Penn-Barwell 2015)",
    ),
    Reference(
        "percent_kia", "Killed in action, %KIA", 0.099, 0.16,
        "CALIBRATION.md E5: US Afghanistan 2001-14, before and after the golden-hour "
        "mandate (Kotwal et al. 2016)",
    ),
    Reference(
        "percent_dow", "Died of wounds, %DOW", 0.029, 0.045,
        "CALIBRATION.md E5, E10, E11: US Afghanistan (Kotwal 2016), WWII and Okinawa "
        "(via BCH), Korea (Reister 1973)",
        "monthly values ranged 2.0-12.6 % in OIF/OEF 2004-08 (E12)",
    ),
    Reference(
        "rtd_share", "Returned to duty in theatre, share of casualties reaching care",
        0.076, 0.421,
        "CALIBRATION.md E19: historical US in-theatre RTD of admissions (Izaguirre et al. "
        "2025, via BCH)",
    ),
    Reference(
        "evacuation_share", "Evacuated out of theatre, share of battle WIA", None, None,
        "CALIBRATION.md E21: about 29 % of US WIA in OIF/OEF were medically evacuated "
        "(derived from Goldberg 2014)",
        "one derived figure, 29 %: no range to judge against",
    ),
    Reference(
        "dnbi_share", "Disease and non-battle injury, share of all casualties", 0.634, 0.764,
        "CALIBRATION.md A1, A2: OIF hospital admissions 2003-04, major combat and stability "
        "phases (Zouris et al. 2008)",
    ),
)  # fmt: skip


def compared(rates: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each rate with its reference and a verdict: inside, below, above, or no-range."""
    rows = []
    for ref in REFERENCES:
        rate = rates.get(ref.name)
        if rate is None:
            continue
        value = rate["value"]
        if value is None or ref.low is None or ref.high is None:
            verdict = "no-range" if ref.low is None else "no-data"
        elif value < ref.low:
            verdict = "below"
        elif value > ref.high:
            verdict = "above"
        else:
            verdict = "inside"
        rows.append(
            {
                "name": ref.name,
                "label": ref.label,
                "value": value,
                "numerator": rate["numerator"],
                "denominator": rate["denominator"],
                "formula": rate["formula"],
                "low": ref.low,
                "high": ref.high,
                "verdict": verdict,
                "source": ref.source,
                "note": ref.note,
                "value_text": percent(value),
                "reference_text": (
                    f"{percent(ref.low)} to {percent(ref.high)}"
                    if ref.low is not None
                    else ref.note
                ),
            }
        )
    return rows


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"
