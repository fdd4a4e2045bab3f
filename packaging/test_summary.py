"""Prints the suite's totals as one last line, "N passed, M failed".

meson counts each registered test (one doctest binary, one pytest run) as a
single test, so the totals come from what doctest and pytest report.
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
            result = json.loads(line)
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
            if not counted:  # a test that crashed before reporting counts as one failure
                if result.get("result") == "OK":
                    passed += 1
                else:
                    failed += 1
            elif result.get("result") not in ("OK", "EXPECTEDFAIL") and not failed:
                failed += 1
    return passed, failed


if __name__ == "__main__":
    main(sys.argv[1:])
