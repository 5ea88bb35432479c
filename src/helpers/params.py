"""The study parameters: read once from ``params.yaml`` at the repository root (the one source of truth)."""

from __future__ import annotations

from pathlib import Path

import yaml

from . import paths

REQUIRED = (
    "claim_months_to_sign", "claim_months_to_implement", "pledge_deals", "pledge_days", "order_date",
    "pledge_start", "pledge_day_90", "pledge_deadline", "launch_definition", "launch_definitions",
    "success_definitions", "extra_horizons_months", "like_for_like_months", "days_per_month", "statutory_notice_days", "as_of_negotiations",
    "as_of_deals", "as_of_tariffs", "as_of_report", "as_of_wto", "world_horizons_months", "max_status_age_months",
    "deadline_window_days", "deadline_null_days", "weights_year", "bootstrap_resamples", "bootstrap_seed",
    "confidence", "article_date", "inauguration_close_date", "china_low_search_from",
)


def load_params(path: Path | str | None = None) -> dict:
    """The study parameters as a plain dict (what the runner passes to notebooks as the papermill parameter ``params``).

    Inside a run (``helpers.execution``), the parameters the run injected, so a helper sees what its notebook was
    given; otherwise ``params.yaml``. Raises ``ValueError`` naming the file and every missing key, or a key that
    is not valid YAML.
    """
    if path is None:
        from .execution import run_params

        given = run_params()
        if given is not None:
            return given
    path = Path(path) if path is not None else paths.ROOT / "params.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f", line {where.line + 1}" if where is not None else ""
        raise ValueError(f"{paths.relative(path)}{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{paths.relative(path)}: expected 'name: value' lines, got {type(data).__name__}")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise ValueError(f"{paths.relative(path)}: missing parameter(s) {', '.join(missing)}")
    if data["launch_definition"] not in data["launch_definitions"]:
        raise ValueError(f"{paths.relative(path)}: launch_definition '{data['launch_definition']}' is not one of "
                         f"launch_definitions {data['launch_definitions']}")
    return data


def horizon_label(months: float) -> str:
    """'18 months', '5 years' (whole years from 24 months on)."""
    if months >= 24 and months % 12 == 0:
        return f"{int(months // 12)} years"
    return f"{months:g} months"


def horizons_months(params: dict) -> dict[str, float]:
    """Label -> months for every horizon, shortest first: the pledge (in days), the claim, and the extras."""
    out = {f"{params['pledge_days']} days": float(params["pledge_days"]) / float(params["days_per_month"]),
           horizon_label(params["claim_months_to_sign"]): float(params["claim_months_to_sign"])}
    for m in params["extra_horizons_months"]:
        out.setdefault(horizon_label(m), float(m))
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def horizon_key(label: str) -> str:
    """Short key for a horizon label, as used in result keys: '90 days' -> '90d', '18 months' -> '18m', '5 years' -> '5y'."""
    number, unit = label.split()
    return f"{float(number):g}{unit[0]}"


def claim_horizon(params: dict) -> tuple[str, str]:
    """(label, key) of the claim's horizon, e.g. ('18 months', '18m'); ('2 years', '2y') if the claim were 24 months.

    The one place result keys and prose about the claim get their horizon from, so changing
    ``claim_months_to_sign`` in params.yaml changes keys and words together.
    """
    label = horizon_label(params["claim_months_to_sign"])
    return label, horizon_key(label)
