"""Bad raw data stops validation with the file, the physical line and the column, and says what is wrong.

Each case copies a real raw table to a temporary folder, breaks it in one way and loads it with its schema (or, for
references across files, runs the check the notebooks run). The expected line is counted from the written file, so
every case checks the physical line the message names, not just that some line is named."""

from __future__ import annotations

import csv
import io as _io
import re
from pathlib import Path

import pytest

from helpers import claims, deals, negotiations, replication, schemas, tariffs
from helpers.io import RawDataError, read_raw_csv
from helpers.paths import RAW
from helpers.results import load as load_results
from helpers.text import hidden_character

HEADER = object()  # an edit's target when the problem is in the header (line 1)


def broken(tmp_path, spec, edit):
    """Copy ``spec``'s file with ``edit(rows)`` applied to its rows (dicts; a column renamed, added or dropped in every
    row changes the header). Returns the new path and the physical line of the row ``edit`` returned (1 for
    ``HEADER``, None if it returned None)."""
    with open(RAW / spec.file, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    target = edit(rows)
    buf = _io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    line = 1 if target is HEADER else None
    for r in rows:
        if r is target:
            line = buf.getvalue().count("\n") + 1
        writer.writerow(r)
    path = tmp_path / spec.file
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path, line


def error_of(spec, path) -> str:
    with pytest.raises(RawDataError) as exc:
        schemas.load_raw(spec, path)
    return str(exc.value)


def row(rows, key, value):
    return next(r for r in rows if r[key] == value)


def neg(rows, nid="us-chile-fta"):
    return row(rows, "negotiation_id", nid)


def act(rows, aid="eo14195-china-opioid-duties"):
    return row(rows, "action_id", aid)


def rate(rows, aid="eo14266-pause-china-125", partner="China", layer="reciprocal_ieepa"):
    return next(r for r in rows if r["action_id"] == aid and r["partner"] == partner and r["layer"] == layer)


def set_(target, **values):
    """Update ``target`` (a row) and return it: the row the message must name."""
    target.update(values)
    return target


def append(rows, new):
    rows.append(new)
    return new


def drop(rows, target):
    rows.remove(target)


def rename_column(rows, old, new):
    for r in rows:
        r[new] = r.pop(old)
    return HEADER


def add_column(rows, name):
    for r in rows:
        r[name] = "x"
    return HEADER


def drop_column(rows, name):
    for r in rows:
        del r[name]
    return HEADER


N, P, T, DD, DP = schemas.NEGOTIATIONS, schemas.PUBLISHED_DURATIONS, schemas.TARIFF_ACTIONS, schemas.DEAL_DOCUMENTS, schemas.DEAL_PARTNERS
TR = schemas.TARIFF_RATES
TPA, CF, CL, WTO, DS = (schemas.TRADE_PROMOTION_AUTHORITY, schemas.CLAIM_FACTS, schemas.CLAIMS, schemas.WTO_RTA,
                        schemas.DURATION_STUDIES)
CT, CD = schemas.CENSUS_TRADE, schemas.CENSUS_DUTIES
SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"

# case -> (table, edit returning the row the message must name, the column it must name, what it must say)
CASES = {
    # bad dates
    "an unparseable date": (N, lambda rs: set_(neg(rs), signed="June 2003"), "signed", r"'June 2003' not a date of the form"),
    "an impossible date (30 February)": (DD, lambda rs: set_(rs[0], date="2025-02-30"), "date", r"'2025-02-30' not a date"),
    "a US-style date": (N, lambda rs: set_(neg(rs), signed="06/06/2003"), "signed", r"'06/06/2003' not a date of the form"),
    "a day-first date": (T, lambda rs: set_(act(rs), effective="10-04-2025"), "effective", r"'10-04-2025' not a date"),
    "a month 13": (TPA, lambda rs: set_(row(rs, "tpa_id", "tpa-1988"), start="1988-13-23"), "start", r"'1988-13-23' not a date"),
    "the word 'none' as a date": (N, lambda rs: set_(neg(rs), concluded="none"), "concluded", r"'none' not a date"),
    "a 29 February in a common year (WTO)": (WTO, lambda rs: set_(row(rs, "RTA ID", "950"), **{"Date of Signature (G)": "2015-02-29"}),
                                             "Date of Signature (G)", r"'2015-02-29' not a date"),
    # dates out of order
    "signed before the first round": (N, lambda rs: set_(neg(rs), signed="2000-11-30"), "signed",
                                      r"signed \(2000-11-30\) is before first_round \(2000-12-06\)"),
    "entry into force before signing": (N, lambda rs: set_(neg(rs), entered_into_force="2003-05-01"), "entered_into_force",
                                        r"entered_into_force \(2003-05-01\) is before signed \(2003-06-06\)"),
    "a fast-track window ending before it starts": (TPA, lambda rs: set_(row(rs, "tpa_id", "tpa-1988"), end="1987-01-01"), "end",
                                                    r"end \(1987-01-01\) is before start \(1988-08-23\)"),
    "status verified before talks began": (DP, lambda rs: set_(row(rs, "partner", "China"), talks_began="2026-08-01"),
                                           "status_verified", r"status_verified \(2026-07-23\) is before talks_began \(2026-08-01\)"),
    "effective a year before announced": (T, lambda rs: set_(act(rs), effective="2024-04-10"), "effective",
                                          r"effective \(2024-04-10\) is before announced \(2025-02-01\); a retroactive action must say"),
    "a retroactive action that does not say so": (T, lambda rs: set_(act(rs, "eo14345-japan"), notes="Implements the US-Japan agreement."),
                                                  "effective", r"effective \(2025-08-07\) is before signed \(2025-09-04\); a retroactive action "
                                                               r"must say 'retroactive' in notes"),
    "an action ending the day it takes effect": (T, lambda rs: set_(act(rs), ended="2025-02-04"), "ended",
                                                 r"ended \(2025-02-04\) is not after effective \(2025-02-04\)"),
    # duplicates
    "a duplicate negotiation id": (N, lambda rs: append(rs, {**neg(rs), "notes": "pasted twice"}), "negotiation_id",
                                   r"duplicate value 'us-chile-fta'"),
    "a row given twice": (DS, lambda rs: append(rs, dict(rs[0])), None, r"the same row as line 2 \(a row given twice\)"),
    "a census month given twice": (CT, lambda rs: append(rs, {**row(rs, "partner_code", "CHN"), "exports_musd": "1"}), "partner_code",
                                   r"duplicate \(partner_code, year, month\) = \(CHN, 1991, \(empty\)\): given twice"),
    "a duplicate fact id": (CF, lambda rs: append(rs, {**row(rs, "fact_id", "f10"), "value": "126"}), "fact_id", r"duplicate value 'f10'"),
    "a cohort partner listed twice": (DP, lambda rs: append(rs, {**row(rs, "partner", "China"), "notes": "again"}), "partner",
                                      r"duplicate value 'China'"),
    "superseded_by naming no action": (T, lambda rs: set_(act(rs), superseded_by="eo14228-china-opioid-20; cn-nothing"), "superseded_by",
                                       r"'cn-nothing' is not another action_id"),
    # sources
    "a date without a source": (N, lambda rs: set_(neg(rs), source_signed=""), "source_signed", r"signed '2003-06-06' has no source"),
    "a source that says 'see above'": (N, lambda rs: set_(neg(rs), source_signed="see above"), "source_signed",
                                       r"'see above' is not a source"),
    "a blocklisted domain": (T, lambda rs: set_(act(rs), source_announced="https://en.wikipedia.org/wiki/Tariffs_in_the_second_Trump_administration"),
                             "source_announced", r"cites wikipedia.org, which must never be cited"),
    "a source that is not a URL or citation": (DP, lambda rs: set_(row(rs, "partner", "China"), source_talks_began="White House website"),
                                               "source_talks_began", r"'White House website' is not a source"),
    "a required source left empty": (P, lambda rs: set_(row(rs, "partner", "Jordan"), source=""), "source", r"value is required but empty"),
    "markup in a source": (CF, lambda rs: set_(row(rs, "fact_id", "f10"), source=f"{SCRIPT} EO 14259 of 2025-04-08"), "source",
                           r"is not a source: markup or a spreadsheet formula"),
    "a formula in a source": (CL, lambda rs: set_(row(rs, "claim_id", "c01"), source='=HYPERLINK("https://evil.test/2025","PIIE")'),
                              "source", r"is not a source: markup or a spreadsheet formula"),
    # statuses
    "an unknown status": (N, lambda rs: set_(neg(rs), status="signed"), "status", r"'signed' not one of"),
    "abandoned but in force": (N, lambda rs: set_(neg(rs), status="abandoned", ended="2005-01-01", source_ended="https://ustr.gov/x 2005"),
                               "status", r"status abandoned but an entered_into_force date is given"),
    "ongoing with an end date": (N, lambda rs: set_(neg(rs, "us-kenya-stip"), status="ongoing"),
                                 "status", r"status ongoing but an ended date is given"),
    "signed_not_in_force without a signing": (N, lambda rs: set_(neg(rs, "us-kenya-stip"), status="signed_not_in_force"),
                                              "status", r"status signed_not_in_force but no signed date"),
    "a binding flag contradicting the instrument": (DD, lambda rs: set_(row(rs, "document_id", "argentina-2026-02-05-art"), binding="no"),
                                                    "binding", r"'no' contradicts instrument binding_agreement"),
    "an unknown cohort outcome": (DP, lambda rs: set_(row(rs, "partner", "China"), outcome="deal"), "outcome", r"'deal' not one of"),
    # counts
    "one party to a negotiation": (N, lambda rs: set_(neg(rs), n_parties="1"), "n_parties", r"'1' not an integer in \[2, None\]"),
    "a count in words": (N, lambda rs: set_(neg(rs), n_parties="two"), "n_parties", r"'two' not an integer"),
    "half a party": (N, lambda rs: set_(neg(rs), n_parties="2.5"), "n_parties", r"'2.5' not an integer"),
    "a month 13 in the trade table": (CT, lambda rs: set_(row(rs, "partner_code", "CHN"), month="13"), "month", r"'13' not an integer in \[1, 12\]"),
    "negative duties": (CD, lambda rs: set_(rs[5], calculated_duty_musd="-16.8"), "calculated_duty_musd", r"'-16.8' not a number in \[0, None\]"),
    # columns
    "a missing column": (N, lambda rs: drop_column(rs, "status"), "status", r"required column is missing from the header"),
    "an extra column": (N, lambda rs: add_column(rs, "comment"), "comment", r"unexpected column \(not in the data dictionary\)"),
    "a renamed column": (N, lambda rs: rename_column(rs, "source_signed", "source_sign"), "source_signed", r"required column is missing"),
    "a renamed key column in the WTO export": (WTO, lambda rs: rename_column(rs, "RTA ID", "RTA Id"), "RTA ID", r"required column is missing"),
    # future dates
    "a first round in 2031": (N, lambda rs: set_(neg(rs, "us-kenya-stip"), first_round="2031-01-05", source_first_round="https://ustr.gov/x"),
                              "first_round", r"2031-01-05 is after the table's as-of date"),
    "an entry into force in 2031": (N, lambda rs: set_(neg(rs), entered_into_force="2031-01-01"), "entered_into_force", r"2031-01-01 is after"),
    "a deal document after the deals as-of date": (DD, lambda rs: set_(rs[0], date="2026-12-01"), "date",
                                                   r"2026-12-01 is after the table's as-of date 2026-08-21 \(params.yaml as_of_deals\)"),
    "a tariff action in 2027": (T, lambda rs: set_(act(rs, "eo14389-ending-ieepa-tariffs"), effective="2027-04-10"), "effective",
                                r"2027-04-10 is after the table's as-of date"),
    "a rate from 2027 not said to be scheduled": (TR, lambda rs: set_(rate(rs), effective="2027-04-10"), "effective",
                                                  r"2027-04-10 is after the table's as-of date .*must say 'Scheduled' in notes"),
    "a tariff action announced in 2027": (T, lambda rs: set_(act(rs, "eo14389-ending-ieepa-tariffs"), announced="2027-04-09", signed="2027-04-09",
                                                              effective="2027-04-10", notes="Scheduled."), "announced",
                                          r"2027-04-09 is after the table's as-of date 2026-10-07 \(params.yaml as_of_tariffs\)$"),
    "a fact dated next year": (CF, lambda rs: set_(row(rs, "fact_id", "f10"), date="2027-04-10"), "date", r"2027-04-10 is after"),
    "a census year in the future": (CT, lambda rs: set_(row(rs, "partner_code", "CHN"), year="2031"), "year",
                                    r"2031.* is after the table's as-of date"),
    # ids the notebooks rely on
    "a renamed tariff action the notebooks use": (T, lambda rs: set_(act(rs, "eo14266-pause-china-125"), action_id="eo14266-pause") and None,
                                                  "action_id", r"'eo14266-pause-china-125' is missing, but notebook 07 .* relies on it"),
    "a deleted fact the ledger's text uses": (CF, lambda rs: drop(rs, row(rs, "fact_id", "f35")), "fact_id", r"'f35' is missing, but notebook 07"),
    # rates and units
    "a rate typed as a fraction": (TR, lambda rs: set_(rate(rs), rate_pct="1.25"), "rate_pct", r"1.25% is implausible for reciprocal_ieepa"),
    "a negative rate": (TR, lambda rs: set_(rate(rs), rate_pct="-10"), "rate_pct", r"'-10' not a number in \[0, 1000\]"),
    "an absurd rate": (TR, lambda rs: set_(rate(rs), rate_pct="5000"), "rate_pct", r"'5000' not a number in \[0, 1000\]"),
    "a Section 232 rate of 500%": (TR, lambda rs: set_(rate(rs, "procl10896-s232-steel-2025-03-12", "All", "section_232"), rate_pct="500"),
                                   "rate_pct", r"500% is implausible for section_232 \(expected 0 or 1-200%"),
    "a Section 122 surcharge above the statutory 15%": (TR, lambda rs: set_(rate(rs, "procl11012-s122-surcharge", "All", "section_122"),
                                                                             rate_pct="20"),
                                                         "rate_pct", r"20% is implausible for section_122 \(expected 0 or 1-15%"),
    "an exemption with a rate": (TR, lambda rs: set_(rate(rs), rate_basis="exempt"), "rate_pct", r"125% with rate_basis exempt"),
    "an all-in cap without its rate": (TR, lambda rs: set_(rate(rs, "eo14345-japan", "Japan"), rate_pct=""), "rate_pct",
                                       r"a all_in rate needs rate_pct"),
    "an unknown tariff layer": (TR, lambda rs: set_(rate(rs), layer="reciprocal"), "layer", r"'reciprocal' not one of"),
    "an unchanged row for every partner": (TR, lambda rs: set_(rate(rs, "eo14326-reciprocal-rates-aug", "China"), partner="All"),
                                           "rate_basis", r"unchanged applies to a named partner's economy-wide rate"),
    "a partner rate as a fraction": (DP, lambda rs: set_(row(rs, "partner", "China"), annex_i_rate_pct="0.34"), "annex_i_rate_pct",
                                     r"'0.34' not a number in \[10, 100\]"),
    "a partner rate above 100%": (DP, lambda rs: set_(row(rs, "partner", "China"), annex_i_rate_pct="145"), "annex_i_rate_pct",
                                  r"'145' not a number in \[10, 100\]"),
    "months with a unit typed in": (P, lambda rs: set_(row(rs, "partner", "Jordan"), months_to_signing="4 months"), "months_to_signing",
                                    r"'4 months' not a number"),
    "a negative study value": (DS, lambda rs: set_(row(rs, "statistic", "sample_size"), value="-88"), "value", r"'-88' not a number in \[0, None\]"),
    # unknown partners, in every file with a partner column
    "a negotiation partner called Narnia": (N, lambda rs: set_(neg(rs), partner="Narnia"), "partner", r"unknown country 'Narnia'"),
    "a published partner called Narnia": (P, lambda rs: set_(row(rs, "partner", "Jordan"), partner="Narnia"), "partner", r"unknown country 'Narnia'"),
    "a deal document partner called Narnia": (DD, lambda rs: set_(rs[0], partner="Narnia"), "partner", r"unknown country 'Narnia'"),
    "a cohort partner called Narnia": (DP, lambda rs: set_(row(rs, "partner", "Algeria"), partner="Narnia"), "partner", r"unknown country 'Narnia'"),
    "a tariff partner called Narnia": (T, lambda rs: set_(act(rs), partners="China; Narnia"), "partners", r"unknown country 'Narnia'"),
    "a partner read from a phrase": (T, lambda rs: set_(act(rs), partners="all (arrangements with Argentina"), "partners",
                                     r"unknown country 'all \(arrangements with Argentina': not a name or code letter for letter \(did you mean "
                                     r"'Argentina', ARG\?"),
    "'all' listed with named partners": (T, lambda rs: set_(act(rs), partners="all; China"), "partners",
                                         r"'all' cannot be listed with other partners"),
    "a rate partner spelled as a near miss": (TR, lambda rs: set_(rate(rs), partner="Korea"), "partner",
                                              r"unknown country 'Korea': .*did you mean 'South Korea', KOR\?"),
    "a trade partner code NRN": (CT, lambda rs: set_(row(rs, "partner_code", "CHN"), partner_code="NRN"), "partner_code",
                                 r"unknown partner code 'NRN'"),
    "a duties partner code XXX": (CD, lambda rs: set_(rs[0], partner_code="XXX"), "partner_code", r"unknown partner code 'XXX'"),
    # deleted rows
    "a deleted published row": (P, lambda rs: drop(rs, row(rs, "partner", "Panama")) or row(rs, "partner", "Average"), "months_to_signing",
                                r"the printed average \d+ is not the mean of the 19 rows"),
    # non-numeric facts and claims
    "a non-numeric fact": (CF, lambda rs: set_(row(rs, "fact_id", "f10"), value="about 125"), "value", r"'about 125' not a number"),
    "a claimed value in words": (CL, lambda rs: set_(row(rs, "claim_id", "c01"), claimed_value="eighteen"), "claimed_value",
                                 r"'eighteen' not a number"),
    # injection payloads where they cannot belong
    "a script payload as a claim id": (CL, lambda rs: set_(row(rs, "claim_id", "c12"), claim_id=IMG), "claim_id", r"does not match"),
    "a formula as an action id": (T, lambda rs: set_(act(rs), action_id="=cmd|' /C calc'!A0"), "action_id", r"does not match"),
    # partner names exact: a known name, alias or code, never a name that merely contains one
    "a partner that only contains a country's name": (N, lambda rs: set_(neg(rs), partner="Narnia Japan"), "partner",
                                                      r"unknown country 'Narnia Japan': not a name or code letter for letter "
                                                      r"\(did you mean 'Japan', JPN\?"),
    "a tariff partner in capitals": (T, lambda rs: set_(act(rs), partners="CHINA"), "partners",
                                     r"unknown country 'CHINA': .*did you mean 'China', CHN\?"),
    "an ambiguous deal partner": (DP, lambda rs: set_(row(rs, "partner", "South Korea"), partner="Korea"), "partner",
                                  r"unknown country 'Korea': .*did you mean 'South Korea', KOR\?"),
    # hidden characters, in every cell: the message shows the cell's repr
    "a zero-width space in a tariff partner": (T, lambda rs: set_(act(rs), partners="China\u200b"), "partners",
                                               r"'China\\u200b' holds ZERO WIDTH SPACE \(U\+200B\), which can hide"),
    "a NUL byte in a note": (N, lambda rs: set_(neg(rs), notes="signed in Miami\x00 (truncated here)"), "notes",
                             r"'signed in Miami\\x00 \(truncated here\)' holds a control character \(U\+0000\)"),
    "a terminal escape sequence in an agreement name": (N, lambda rs: set_(neg(rs), agreement="US-Chile FTA\x1b[2K\x1b[1A\u2713 all checks passed"),
                                                        "agreement", r"'US-Chile FTA\\x1b\[2K\\x1b\[1A.* holds a control character \(U\+001B\)"),
    "a right-to-left override in a source": (T, lambda rs: set_(act(rs), source_announced="https://ustr.gov/\u202efdp.eciton 2025-04-09"),
                                             "source_announced", r"holds RIGHT-TO-LEFT OVERRIDE \(U\+202E\)"),
    "a tab in a number": (CT, lambda rs: set_(row(rs, "partner_code", "CHN"), imports_musd="12\t5"), "imports_musd",
                          r"'12\\t5' holds a control character \(U\+0009\)"),
    "a hidden character in the header": (N, lambda rs: rename_column(rs, "notes", "notes\u2066"), None,
                                         r"the header cell 'notes\\u2066' holds LEFT-TO-RIGHT ISOLATE \(U\+2066\)"),
    # non-finite numbers, in every numeric column
    "an infinite Census import value": (CT, lambda rs: set_(row(rs, "partner_code", "CHN"), imports_musd="inf"), "imports_musd",
                                        r"'inf' not a finite number \(inf and nan are not values"),
    "nan as a claim fact's value": (CF, lambda rs: set_(row(rs, "fact_id", "f10"), value="nan"), "value", r"'nan' not a finite number"),
    "an infinite claimed value": (CL, lambda rs: set_(row(rs, "claim_id", "c01"), claimed_value="-Infinity"), "claimed_value",
                                  r"'-Infinity' not a finite number"),
    "a duty too large to be finite": (CD, lambda rs: set_(rs[5], calculated_duty_musd="1e999"), "calculated_duty_musd",
                                      r"'1e999' not a finite number"),
    "NaN parties to a negotiation": (N, lambda rs: set_(neg(rs), n_parties="NaN"), "n_parties", r"'NaN' not a finite number"),
    # deceptive or foreign links in a citation
    "a source URL with a user name": (T, lambda rs: set_(act(rs), source_announced="https://ustr.gov@ev.il/about-us 2025-04-09"),
                                      "source_announced", r"has a user name before '@': it opens ev.il, not the site it seems to name"),
    "a file: URL as a source": (N, lambda rs: set_(neg(rs), source_signed="file:///ustr.gov/chile-fta-2003-06-06.pdf"), "source_signed",
                                r"file:// is not a web address \(a cited URL starts http:// or https://\)"),
    "a javascript: link in a source": (CF, lambda rs: set_(row(rs, "fact_id", "f10"), source="javascript:alert(1)//https://ustr.gov/ 2025-04-08"),
                                       "source", r"is not a source: a javascript:, vbscript: or data: link"),
    "a javascript: link split by a line break": (N, lambda rs: set_(neg(rs), source_signed="java\nscript:alert(1)//https://ustr.gov/ 2003-06-06"),
                                                 "source_signed", r"is not a source: a javascript:, vbscript: or data: link"),
    "a data: URL in a source": (CL, lambda rs: set_(row(rs, "claim_id", "c01"), source="data:text/html;base64,PHNjcmlwdD4= PIIE 2016"),
                                "source", r"is not a source: a javascript:, vbscript: or data: link"),
    "a look-alike letter in a source's host": (DD, lambda rs: set_(rs[0], source="https://ustr.g\u043ev/deal 2025-07-22"), "source",
                                               r"the host 'ustr.g\u043ev' of .* is not a plain host name"),
    "a backslash in a source's host": (T, lambda rs: set_(act(rs), source_effective="https://ev.il\\ustr.gov/x 2025-04-10"), "source_effective",
                                       r"the host 'ev.il\\ustr.gov' of .* is not a plain host name"),
    "a javascript: article URL": (CL, lambda rs: set_(row(rs, "claim_id", "c01"), article_url="javascript:alert(1)"), "article_url",
                                  r"'javascript:alert\(1\)' is not a web address: markup or a script or data link"),
    "an article URL with a user name": (CL, lambda rs: set_(row(rs, "claim_id", "c01"), article_url="https://piie.com@ev.il/x"),
                                        "article_url", r"is not a web address: the URL .* has a user name before '@': it opens ev.il"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_value_names_file_line_and_column(tmp_path, case):
    spec, edit, column, message = CASES[case]
    path, line = broken(tmp_path, spec, edit)
    text = error_of(spec, path)
    assert text.splitlines()[0].startswith(f"{spec.file}: "), text
    where = ", ".join(([f"line {line}"] if line else []) + ([f"column '{column}'"] if column else []))
    hits = [m for m in text.splitlines()[1:] if m.startswith(f"  - {spec.file}, {where}:")]
    assert hits and any(re.search(message, m) for m in hits), f"expected '{where}: {message}' in\n{text}"
    assert hidden_character(text, allow={"\n"}) is None, f"a control or invisible character reached the message: {text!r}"


@pytest.mark.parametrize("spec", [s for s in vars(schemas).values() if isinstance(s, schemas.TableSpec)], ids=lambda s: s.file)
def test_an_unbroken_copy_loads(tmp_path, spec):
    """Every case above breaks a copy that would load: the error comes from the edit, not from the copying."""
    path, _ = broken(tmp_path, spec, lambda rows: None)
    assert len(schemas.load_raw(spec, path)) == len(schemas.load_raw(spec))


def test_script_payloads_in_free_text_are_accepted_as_text(tmp_path):
    """A free-text column takes any text: escaping is the outputs' job (tests/test_pipeline_end_to_end.py)."""
    path, _ = broken(tmp_path, N, lambda rs: set_(neg(rs), notes=f"{SCRIPT} {IMG} =1+1"))
    table = schemas.load_raw(N, path).set_index("negotiation_id")
    assert table.loc["us-chile-fta", "notes"] == f"{SCRIPT} {IMG} =1+1"


# --- references across files: the checks the notebooks run ---------------------------------------------------------

def _line_of(path, key, value) -> int:
    """Physical line of the first row whose ``key`` is ``value`` (counted independently of helpers.io)."""
    text = path.read_text(encoding="utf-8")
    reader = csv.reader(_io.StringIO(text, newline=""))
    header = next(reader)
    start = reader.line_num + 1
    for cells in reader:
        if cells[header.index(key)] == value:
            return start
        start = reader.line_num + 1
    raise AssertionError(f"{value} not in {path}")


def renamed_korus(tmp_path):
    path, _ = broken(tmp_path, N, lambda rs: set_(neg(rs, "korus"), negotiation_id="korus-2006"))
    replication.check_published_partners(schemas.load_raw(P), schemas.load_raw(N, path))


def published_partner_without_negotiation(tmp_path):
    path, _ = broken(tmp_path, P, lambda rs: set_(row(rs, "partner", "Panama"), partner="Vietnam"))
    replication.check_published_partners(read_raw_csv(path), schemas.load_raw(N))


def renamed_conflict_subject(tmp_path):
    path, _ = broken(tmp_path, N, lambda rs: set_(neg(rs, "us-bahrain-fta"), negotiation_id="us-bahrain"))
    negotiations.check_conflicts(schemas.load_raw(schemas.SOURCE_CONFLICTS), schemas.load_raw(N, path))


def deleted_conflict_negotiation(tmp_path):
    path, _ = broken(tmp_path, N, lambda rs: drop(rs, neg(rs, "cafta-dr-honduras")))
    negotiations.check_conflicts(schemas.load_raw(schemas.SOURCE_CONFLICTS), schemas.load_raw(N, path))


def stale_conflict_value(tmp_path):
    path, _ = broken(tmp_path, N, lambda rs: set_(neg(rs, "us-bahrain-fta"), signed="2004-09-15"))
    negotiations.check_conflicts(schemas.load_raw(schemas.SOURCE_CONFLICTS), schemas.load_raw(N, path))


def deleted_claim(tmp_path):
    path, _ = broken(tmp_path, CL, lambda rs: drop(rs, row(rs, "claim_id", "c05")))
    claims.check_references(schemas.load_raw(CL, path), schemas.load_raw(CF))


def renamed_claim(tmp_path):
    path, _ = broken(tmp_path, CL, lambda rs: set_(row(rs, "claim_id", "c10"), claim_id="c13"))
    claims.check_references(schemas.load_raw(CL, path), schemas.load_raw(CF))


def deleted_fact(tmp_path):
    path, _ = broken(tmp_path, CF, lambda rs: drop(rs, row(rs, "fact_id", "f11")))
    claims.check_references(schemas.load_raw(CL), schemas.load_raw(CF, path))


def renamed_result_key(tmp_path):
    path, _ = broken(tmp_path, CL, lambda rs: set_(row(rs, "claim_id", "c04"), evidence_keys="china_tariff_peak_percent"))
    claims.check_references(schemas.load_raw(CL, path), schemas.load_raw(CF), load_results())


def deleted_cohort_partner(tmp_path):
    path, _ = broken(tmp_path, DP, lambda rs: drop(rs, row(rs, "partner", "Argentina")))
    deals.check_cohort(schemas.load_raw(DP, path), schemas.load_raw(DD))


def outcome_without_documents(tmp_path):
    path, _ = broken(tmp_path, DP, lambda rs: set_(row(rs, "partner", "Algeria"), outcome="binding_agreement"))
    deals.check_cohort(schemas.load_raw(DP, path), schemas.load_raw(DD))


def rate_without_action(tmp_path):
    path, _ = broken(tmp_path, TR, lambda rs: set_(rate(rs), action_id="eo14266-pause"))
    tariffs.check_record(schemas.load_raw(T), schemas.load_raw(TR, path), path)


def rate_before_its_action(tmp_path):
    path, _ = broken(tmp_path, TR, lambda rs: set_(rate(rs), effective="2025-04-09"))
    tariffs.check_record(schemas.load_raw(T), schemas.load_raw(TR, path), path)


def second_rate_in_one_action(tmp_path):
    path, _ = broken(tmp_path, TR, lambda rs: append(rs, {**rate(rs), "rate_pct": "99"}))
    tariffs.check_record(schemas.load_raw(T), schemas.load_raw(TR, path), path)


def same_day_actions_unordered(tmp_path):
    def edit(rs):  # EO 14259 signed the same day as EO 14257, and EO 14257 no longer says EO 14259 replaced it
        base = act(rs, "eo14257-reciprocal")
        base["superseded_by"] = "; ".join(a for a in base["superseded_by"].split("; ") if a != "eo14259-china-84")
        return set_(act(rs, "eo14259-china-84"), signed="2025-04-02", announced="2025-04-02")
    path, _ = broken(tmp_path, T, edit)
    tariffs.check_record(schemas.load_raw(T, path), schemas.load_raw(TR))


# case -> (what breaks and checks, the file named, (key column, value) of the row named, column, what it must say)
REFERENCES = {
    "a renamed negotiation id the replication needs": (renamed_korus, P, ("partner", "South Korea"), "partner",
                                                       r"South Korea is the negotiation 'korus', which is not a negotiation_id"),
    "a published partner with no negotiation": (published_partner_without_negotiation, P, ("partner", "Vietnam"), "partner",
                                                r"'Vietnam' is not a partner of the published table"),
    "a renamed negotiation a source conflict records": (renamed_conflict_subject, schemas.SOURCE_CONFLICTS, ("subject", "us-bahrain-fta"),
                                                        "subject", r"'us-bahrain-fta' is not a negotiation_id in negotiations.csv"),
    "a deleted negotiation a source conflict records": (deleted_conflict_negotiation, schemas.SOURCE_CONFLICTS,
                                                        ("subject", "cafta-dr-honduras"), "subject", r"'cafta-dr-honduras' is not a negotiation_id"),
    "a date changed without its recorded conflict": (stale_conflict_value, schemas.SOURCE_CONFLICTS, ("subject", "us-bahrain-fta"),
                                                     "value_ours", r"'2004-09-14' differs from negotiations.csv signed '2004-09-15'"),
    "a deleted claim its facts belong to": (deleted_claim, CF, ("fact_id", "f13"), "claim_id", r"claim 'c05' is not in data/raw/claims.csv"),
    "a renamed claim its facts belong to": (renamed_claim, CF, ("fact_id", "f35"), "claim_id", r"claim 'c10' is not in data/raw/claims.csv"),
    "a deleted fact a claim uses": (deleted_fact, CL, ("claim_id", "c04"), "facts_used", r"fact 'f11' is not in data/raw/claim_facts.csv"),
    "a result key that does not exist": (renamed_result_key, CL, ("claim_id", "c04"), "evidence_keys",
                                         r"result 'china_tariff_peak_percent' is not in reports/tables/results.csv"),
    "a deleted cohort partner a deal document names": (deleted_cohort_partner, DD, ("partner", "Argentina"), "partner",
                                                       r"'Argentina' is not in data/raw/deal_partners_2025.csv"),
    "an outcome no document supports": (outcome_without_documents, DP, ("partner", "Algeria"), "outcome",
                                        r"'binding_agreement' but Algeria has no document of that kind"),
    "a rate whose action does not exist": (rate_without_action, TR, ("action_id", "eo14266-pause"), "action_id",
                                           r"'eo14266-pause' is not an action_id in data/raw/tariff_actions.csv"),
    "a rate starting before its action": (rate_before_its_action, TR, ("rate_pct", "125"), "effective",
                                          r"effective \(2025-04-09\) is before its action's effective date \(2025-04-10\)"),
    "a second economy-wide rate for one partner in one action": (second_rate_in_one_action, TR, ("rate_pct", "99"), "partner",
                                                                 r"a second economy-wide reciprocal_ieepa rate for China from 2025-04-10"),
    "two actions of one day and layer, neither prevailing": (same_day_actions_unordered, TR, ("rate_pct", "84"), "action_id",
                                                             r"eo14257-reciprocal and eo14259-china-84 both set the economy-wide "
                                                             r"reciprocal_ieepa rate for China from 2025-04-09 and were signed the same day"),
}


@pytest.mark.parametrize("case", list(REFERENCES))
def test_broken_reference_names_file_line_and_column(tmp_path, case):
    run, spec, (key, value), column, message = REFERENCES[case]
    with pytest.raises(RawDataError) as exc:
        run(tmp_path)
    text = str(exc.value)
    named = tmp_path / spec.file if (tmp_path / spec.file).is_file() else spec.path
    line = _line_of(named, key, value)
    assert text.splitlines()[0].startswith(f"data/raw/{spec.file}: ") or text.startswith(f"{spec.file}: "), text
    assert re.search(rf"line {line}, column '{column}': .*{message}", text), text


# --- the file as a whole: encodings, empty files, quotes, field counts, physical lines ---------------------------

def test_lines_are_physical_after_a_blank_line_and_a_multiline_cell(tmp_path):
    source = (RAW / "negotiations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, first, second = source[0], source[1], source[2]
    first = first.replace(',"', ',"note\nacross two lines ', 1) if ',"' in first else first
    bad = second.replace("2004", "2031", 1)  # a date in the second data row moved past the as-of date
    path = tmp_path / "negotiations.csv"
    path.write_text(header + "\n" + first + bad, encoding="utf-8")
    text = error_of(N, path)
    physical = 2 + 1 + first.count("\n")  # header, blank line, the first row's lines
    assert f"line {physical}," in text, text


def _real(spec=N) -> list[bytes]:
    return (RAW / spec.file).read_bytes().splitlines(keepends=True)


def _with_bad_byte(lines):
    """The us-chile-fta row with a Latin-1 'é' (one byte 0xE9) in its agreement name."""
    i = next(i for i, b in enumerate(lines) if b.startswith(b"us-chile-fta,"))
    bad = lines[i].replace(b"US-Chile", "US-Chil\u00e9".encode("latin-1"), 1)
    assert bad != lines[i]
    return b"".join(lines[:i] + [bad] + lines[i + 1:]), i + 1


def _unclosed_quote(lines):
    """A notes cell whose closing quote was deleted, in the middle of the file."""
    i = next(i for i, b in enumerate(lines) if i > 5 and b.rstrip(b"\n").endswith(b'"') and b.count(b'"') == 2)
    return b"".join(lines[:i] + [lines[i].rstrip(b"\n")[:-1] + b"\n"] + lines[i + 1:]), i + 1


def _extra_field(lines):
    i = 10
    return b"".join(lines[:i] + [lines[i].replace(b",", b",,", 1)] + lines[i + 1:]), i + 1


FILE_CASES = {
    "Latin-1 bytes": (_with_bad_byte, r"line {line}: not a readable UTF-8 CSV: this line is not UTF-8"),
    "a UTF-16 file": (lambda lines: (b"".join(lines).decode("utf-8").encode("utf-16"), 1), r"line {line}: not a readable UTF-8 CSV"),
    "an empty file": (lambda lines: (b"", None), r"file is empty \(expected a header row\)"),
    "a file of blank lines": (lambda lines: (b"\n\n\n", None), r"file is empty \(expected a header row\)"),
    "a header and no rows": (lambda lines: (lines[0], None), r"file has a header but no data rows"),
    "an unclosed quote": (_unclosed_quote, r"line {line}: not a readable UTF-8 CSV .*quote left open"),
    "an extra comma": (_extra_field, r"line {line}: 26 fields where the header has 25"),
    "a missing comma": (lambda lines: (b"".join(lines[:3] + [lines[3].replace(b",", b"", 1)] + lines[4:]), 4),
                        r"line {line}: 24 fields where the header has 25"),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_an_unreadable_file_names_the_file_and_line(tmp_path, case):
    make, message = FILE_CASES[case]
    content, line = make(_real())
    path = tmp_path / "negotiations.csv"
    path.write_bytes(content)
    text = error_of(N, path)
    assert text.startswith("negotiations.csv: "), text
    assert re.search(message.format(line=line), text), text


def test_a_byte_order_mark_is_accepted(tmp_path):
    """Excel's "CSV UTF-8" starts with a byte-order mark: the same data, so it loads as if the mark were absent."""
    path = tmp_path / "negotiations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (RAW / "negotiations.csv").read_bytes())
    assert schemas.load_raw(N, path).equals(schemas.load_raw(N))


@pytest.mark.parametrize("content,message", [
    ('a,b\n1,"unclosed\n2,3\n', r"line 2: not a readable UTF-8 CSV .*quote"),
    ("a,b\n1,2,3\n", r"line 2: 3 fields where the header has 2"),
])
def test_parse_errors_name_the_line(tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RawDataError, match=message):
        read_raw_csv(path)


def test_every_id_the_notebooks_use_is_declared():
    """The ids notebooks (and helpers.tariffs) look up by name (tariff actions, facts) are declared in their TableSpec's ``required_ids``,
    so a rename is caught at validation; and every declared id is really used (the list cannot rot)."""
    import nbformat

    from helpers.paths import NOTEBOOKS

    source = "\n".join(cell.source for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
                       for cell in nbformat.read(p, as_version=4).cells if cell.cell_type == "code")
    looked_up = set(re.findall(r'set_index\("action_id"\)\.loc\["([a-z0-9-]+)"', source))
    used = [(T, looked_up | {tariffs.IEEPA_END} if looked_up else looked_up),  # helpers.tariffs.ieepa_end looks one up too
            (CF, set(re.findall(r"fact\(facts, '(f\d+)'", source)))]
    for spec, ids in used:
        assert ids, f"no {spec.file} id found in the notebooks: has the lookup changed?"
        assert ids == set(spec.required_ids), (spec.file, ids ^ set(spec.required_ids))


# --- every message above, word for word: a refactoring of the validation may not change what a person reads --------

MESSAGES = Path(__file__).with_name("bad_data_messages.json")


def message_of(key: str, tmp_path) -> str:
    """The full error text of one case above (``value: …``, ``reference: …`` or ``file: …``)."""
    kind, case = key.split(": ", 1)
    if kind == "value":
        spec, edit, _, _ = CASES[case]
        return error_of(spec, broken(tmp_path, spec, edit)[0])
    if kind == "reference":
        with pytest.raises(RawDataError) as exc:
            REFERENCES[case][0](tmp_path)
        return str(exc.value)
    path = tmp_path / "negotiations.csv"
    path.write_bytes(FILE_CASES[case][0](_real())[0])
    return error_of(N, path)


MESSAGE_KEYS = ([f"value: {c}" for c in CASES] + [f"reference: {c}" for c in REFERENCES]
                + [f"file: {c}" for c in FILE_CASES])


def recorded_messages() -> dict[str, str]:
    import json

    return json.loads(MESSAGES.read_text(encoding="utf-8"))


def test_every_case_has_a_recorded_message():
    """Adding or removing a case means recording its message (``python tests/test_bad_data.py --record``)."""
    assert sorted(recorded_messages()) == sorted(MESSAGE_KEYS)


def without_line_numbers(message: str | None) -> str | None:
    """A message with its line numbers masked: a row added to a raw table moves the lines named (which the cases above
    check against the row's own position), and must not make the words of every message fail."""
    return None if message is None else re.sub(r"\bline \d+", "line N", message)


@pytest.mark.parametrize("key", MESSAGE_KEYS)
def test_message_is_unchanged(tmp_path, key):
    """The whole message of each case is the one recorded in tests/bad_data_messages.json, word for word but for the
    line numbers (checked by the cases themselves). To change a message on purpose, re-record with
    ``python tests/test_bad_data.py --record`` and read the diff."""
    assert without_line_numbers(message_of(key, tmp_path)) == without_line_numbers(recorded_messages().get(key))


if __name__ == "__main__":  # python tests/test_bad_data.py --record: rewrite tests/bad_data_messages.json
    import json
    import sys
    import tempfile

    if sys.argv[1:] != ["--record"]:
        sys.exit("usage: python tests/test_bad_data.py --record   (rewrites tests/bad_data_messages.json)")
    messages = {}
    for key in MESSAGE_KEYS:
        with tempfile.TemporaryDirectory() as tmp:
            messages[key] = message_of(key, Path(tmp))
            assert tmp not in messages[key], "a machine path in a message"
    MESSAGES.write_text(json.dumps(messages, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"recorded {len(messages)} messages in tests/{MESSAGES.name}")
