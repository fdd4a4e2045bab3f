"""Prints the suite's totals as one last line, "N passed, M failed".

meson counts each registered test (one doctest binary, one pytest run per
io-backend) as a single test, so the totals come from what doctest and pytest
report, summed over every run.
"""
import json
import re
import sys

DOCTEST = re.compile(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed")
PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|error|errors)\b")


def main(paths):
    passed = failed = 0
    for path in paths:
        p, f = count(path)
        passed += p
        failed += f
    print(f"{passed} passed, {failed} failed")


def count(path):
    passed = failed = 0
    with open(path) as log:
        for line in log:
            run_passed, run_failed = count_run(json.loads(line))
            passed += run_passed
            failed += run_failed
    return passed, failed


def count_run(result):
    """(passed, failed) for one registered test, e.g. one pytest run."""
    passed = failed = 0
    out = result.get("stdout", "") or ""
    counted = False
    for match in DOCTEST.finditer(out):
        passed += int(match.group(2))
        failed += int(match.group(3))
        counted = True
    summary = [l for l in out.splitlines() if re.search(r" in [\d.]+s", l)]
    if summary:
        for number, kind in PYTEST_COUNT.findall(summary[-1]):
            if kind == "passed":
                passed += int(number)
            else:
                failed += int(number)
        counted = True
    ok = result.get("result") in ("OK", "EXPECTEDFAIL")
    if not counted:  # a test that crashed before reporting counts as one failure
        return (1, 0) if ok else (0, 1)
    # A run meson saw fail (a sanitizer report at exit, a timeout) fails even
    # when its own summary had no failure in it.
    if not ok and failed == 0:
        failed = 1
    return passed, failed


if __name__ == "__main__":
    main(sys.argv[1:])
