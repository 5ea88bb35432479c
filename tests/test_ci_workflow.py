"""The CI workflow runs the README's commands: `make all` and `make test` on every push, and weekly `make watch` and
`make check-links`, keeping both lists as build artifacts."""

import re

import yaml

from helpers import paths

WORKFLOW = paths.ROOT / ".github" / "workflows" / "ci.yml"


def commands(job: dict) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def test_every_push_runs_the_readme_two_commands_in_order():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML reads the key `on` as true
    assert "push" in triggers and "pull_request" in triggers
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Two commands\n\n```bash\n(.*?)```", readme, re.S).group(1)
    readme_commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert readme_commands == ["make all", "make test"]
    test = workflow["jobs"]["test"]
    assert commands(test) == readme_commands and "push" in test["if"]


def test_the_weekly_job_runs_the_watch_and_the_link_check_and_keeps_both_lists():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow[True]["schedule"][0]["cron"].split()[-1] == "1"  # Mondays
    watch = workflow["jobs"]["watch"]
    assert "schedule" in watch["if"]
    assert [c for c in commands(watch) if c.startswith("make")] == ["make setup", "make watch", "make check-links"]
    upload = next(s for s in watch["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"].split() == ["reports/source_watch.csv", "reports/link_check.csv"]
