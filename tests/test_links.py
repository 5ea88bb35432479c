"""The link check (helpers.links, scripts/check_links.py) on recorded answers: where each cited URL is, what each kind
of answer becomes, the archived copy of a dead link, how failures stop, and that data/raw/ is never touched."""

import hashlib
import importlib.util

import pandas as pd
import pytest

from helpers import links, paths, web

FIXTURES = paths.ROOT / "tests" / "fixtures" / "http"
PARAMS = {"as_of_tariffs": "2026-10-10", "as_of_report": "2026-11-27", "as_of_negotiations": "2026-11-27",
          "as_of_deals": "2026-08-21", "as_of_wto": "2026-02-25"}


def client_for(*names, default=None):
    return web.Client(web.Recorded(*(FIXTURES / n for n in names), default=default), host_delay=0, sleep=lambda s: None,
                      max_retries=2, backoff=1.0)


def small_raw(tmp_path):
    """A raw folder with one table (a cell spanning two lines, two URLs in one cell) and one compilation note."""
    raw = tmp_path / "raw"
    (raw / "compilation_notes").mkdir(parents=True)
    (raw / "tariff_actions.csv").write_text(
        "action_id,source_document,notes\n"
        "a,https://ok.example.gov/page,\"moved: https://moved.example.gov/old;\n"
        "gone https://gone.example.gov/missing.\"\n"
        "b,https://headless.example.gov/doc.pdf,(https://robots-no.example.gov/)\n"
        "c,https://busy.example.gov/x,\n", encoding="utf-8")
    (raw / "compilation_notes" / "notes.md").write_text("# Notes\n\nRead at https://vanished.invalid/report, then.\n")
    (raw / "compilation_notes" / "source_blocklist.txt").write_text("https://never-checked.example.com\n")
    return raw


def test_every_cited_url_is_found_with_its_file_line_and_column(tmp_path):
    found = links.cited_urls(small_raw(tmp_path))
    assert found.to_dict("records") == [
        {"file": "compilation_notes/notes.md", "line": 3, "column": "char 9", "url": "https://vanished.invalid/report"},
        {"file": "tariff_actions.csv", "line": 2, "column": "source_document", "url": "https://ok.example.gov/page"},
        {"file": "tariff_actions.csv", "line": 2, "column": "notes", "url": "https://moved.example.gov/old"},
        {"file": "tariff_actions.csv", "line": 3, "column": "notes", "url": "https://gone.example.gov/missing"},
        {"file": "tariff_actions.csv", "line": 4, "column": "source_document", "url": "https://headless.example.gov/doc.pdf"},
        {"file": "tariff_actions.csv", "line": 4, "column": "notes", "url": "https://robots-no.example.gov/"},
        {"file": "tariff_actions.csv", "line": 5, "column": "source_document", "url": "https://busy.example.gov/x"},
    ]


def test_each_kind_of_answer_gets_its_verdict_and_dead_links_their_closest_archived_copy(tmp_path):
    table = links.check_all(client_for("links.json"), links.cited_urls(small_raw(tmp_path)), PARAMS, workers=3)
    assert list(table.columns) == links.COLUMNS
    got = {r.url: (r.status, r.final_url, r.verdict, r.archived_url, r.archived_at) for r in table.itertuples()}
    assert got == {
        "https://ok.example.gov/page": ("200", "https://ok.example.gov/page", "ok", "", ""),
        "https://moved.example.gov/old": ("200", "https://moved.example.gov/new", "ok", "", ""),  # redirect
        "https://gone.example.gov/missing": ("404", "https://gone.example.gov/missing", "dead",
                                             "https://web.archive.org/web/20250314093000/https://gone.example.gov/missing", "2025-03-14"),
        "https://headless.example.gov/doc.pdf": ("206", "https://headless.example.gov/doc.pdf", "ok", "", ""),  # HEAD refused, GET
        "https://robots-no.example.gov/": ("403", "https://robots-no.example.gov/", "blocked", "", ""),
        "https://busy.example.gov/x": ("200", "https://busy.example.gov/x", "ok", "", ""),  # 503, then 200
        "https://vanished.invalid/report": ("no answer: [Errno -2] Name or service not known", "", "dead", "", ""),  # no copy
    }


def test_the_archive_is_asked_for_the_copy_closest_to_when_the_table_was_read(tmp_path):
    transport = web.Recorded(FIXTURES / "links.json")
    client = web.Client(transport, host_delay=0, sleep=lambda s: None)
    links.check_all(client, links.cited_urls(small_raw(tmp_path)), PARAMS)
    asked = [url for _, url in transport.calls if url.startswith(links.ARCHIVE_API)]
    assert sorted(asked) == [f"{links.ARCHIVE_API}?url=https%3A%2F%2Fgone.example.gov%2Fmissing&timestamp=20261010",  # tariff table
                             f"{links.ARCHIVE_API}?url=https%3A%2F%2Fvanished.invalid%2Freport&timestamp=20261127"]  # a note


def test_a_failing_archive_stops_the_check_with_its_name_and_status(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "tariff_actions.csv").write_text("id,source\na,https://gone.example.gov/missing\n")
    with pytest.raises(web.FeedError) as caught:
        links.check_all(client_for("archive_500.json"), links.cited_urls(raw), PARAMS)
    assert caught.value.feed == "Internet Archive availability API" and caught.value.status == 500
    assert str(caught.value).startswith("Internet Archive availability API: HTTP 500 from https://archive.org/wayback/available?")


def test_offline_the_check_stops_after_a_few_hosts_instead_of_calling_every_link_dead(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "t.csv").write_text("id,source\n" + "".join(f"{i},https://host{i}.example.gov/p\n" for i in range(40)))

    def offline(method, url, headers, timeout):
        raise web.Unreachable("[Errno -3] Temporary failure in name resolution")

    calls = []
    client = web.Client(lambda *a: calls.append(a) or offline(*a), host_delay=0, sleep=lambda s: None)
    with pytest.raises(web.FeedError) as caught:
        links.check_all(client, links.cited_urls(raw), PARAMS, probe=5)
    assert caught.value.status is None and len(calls) == 10  # five hosts, HEAD and GET each
    assert str(caught.value) == ("the cited hosts: none of the first 5 hosts answered ([Errno -3] Temporary failure in name "
                                 "resolution), so no HTTP status; this command needs internet access")


def raw_hashes() -> dict[str, str]:
    return {p.relative_to(paths.RAW).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(paths.RAW.rglob("*")) if p.is_file()}


def load_script():
    spec = importlib.util.spec_from_file_location("check_links", paths.ROOT / "scripts" / "check_links.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_check_links_over_the_real_raw_folder_writes_its_table_and_never_edits_data_raw(tmp_path, capsys):
    before = raw_hashes()
    out = tmp_path / "link_check.csv"
    client = web.Client(web.Recorded(default=web.RawAnswer(200, {}, b"")), host_delay=0, sleep=lambda s: None)
    assert load_script().main(["--out", str(out)], client=client) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    occurrences = links.cited_urls(paths.RAW)
    assert len(table) == len(occurrences) > 1000 and table["verdict"].eq("ok").all()
    assert set(table["file"]) >= {"negotiations.csv", "tariff_actions.csv", "deal_documents_2025_2026.csv"}
    assert raw_hashes() == before
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"wrote {len(table)} rows to ")


def test_make_check_links_offline_says_so_in_one_sentence_and_writes_nothing(tmp_path, capsys):
    def offline(method, url, headers, timeout):
        raise web.Unreachable("[Errno -3] Temporary failure in name resolution")

    out = tmp_path / "link_check.csv"
    assert load_script().main(["--out", str(out)], client=web.Client(offline, host_delay=0, sleep=lambda s: None)) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("make check-links stopped: the cited hosts: none of the first 5 hosts answered")
    assert not out.exists()
