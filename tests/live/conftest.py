"""Live-test reporting: the cheatsheet tally and its pending list, printed at the end of every run."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter):
    """Summarise test_cheatsheet_live.py::test_entry_runs from the properties each test recorded."""
    outcomes: dict[str, list[tuple[str, str, str]]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            props = dict(getattr(report, "user_properties", ()))
            if "cheatsheet" not in props or getattr(report, "when", "call") != "call" and not report.skipped:
                continue
            entry = report.nodeid.rsplit("[", 1)[-1].rstrip("]")
            outcomes.setdefault(props["cheatsheet"], []).append(
                (entry, report.outcome, props["cheatsheet_reason"])
            )
    if not outcomes:
        return
    write = terminalreporter.write_line
    terminalreporter.section("streaming CLI cheatsheet")
    labels = {
        "live": "ran against the live 3-node Kafka cluster",
        "registry": "ran through curl against a live Schema Registry",
        "connect": "ran through curl against a live Kafka Connect worker",
        "acl": "ACL commands parsed by the real tool and refused by the cluster (no authorizer)",
        "flags-only": "flags checked against the real tool's --help only",
        "pending": "pending",
    }
    for kind, label in labels.items():
        rows = outcomes.get(kind, [])
        passed = sum(1 for _, outcome, _ in rows if outcome == "passed")
        failed = sum(1 for _, outcome, _ in rows if outcome == "failed")
        write(
            f"{len(rows):4d} {label}" + (f" ({passed} passed, {failed} failed)" if kind != "pending" else "")
        )
    for kind in ("pending", "flags-only", "acl"):
        rows = sorted(outcomes.get(kind, []))
        if rows:
            write(f"{kind} entries:")
            for entry, _, reason in rows:
                write(f"  {entry}: {reason}")
