"""One load generator run against a server, its --csv output or its full
report parsed.

The generator is redis-benchmark or fkvs-benchmark: both print redis-benchmark
7.0's --csv header and columns, and its full report."""

import argparse
import csv
import io
import math
import re
import resource
import shutil
import subprocess
import tempfile
import threading
import time

from servers import (add_backends_argument, add_pinning_arguments, add_server_arguments,
                     BenchError)

BENCHMARK_BIN = "redis-benchmark"

# redis-benchmark 7.0 --csv columns, after "test".
CSV_FIELDS = {
    "rps": "rps",
    "avg_latency_ms": "avg_ms",
    "min_latency_ms": "min_ms",
    "p50_latency_ms": "p50_ms",
    "p95_latency_ms": "p95_ms",
    "p99_latency_ms": "p99_ms",
    "max_latency_ms": "max_ms",
}

# The full report's "latency summary (msec):" columns. redis-benchmark 7.0 has no
# p99.9 there (fkvs-benchmark has); parse_report then reads it off the
# distributions above the summary.
SUMMARY_FIELDS = {
    "avg": "avg_ms",
    "min": "min_ms",
    "p50": "p50_ms",
    "p95": "p95_ms",
    "p99": "p99_ms",
    "p99.9": "p999_ms",
    "max": "max_ms",
}

# "99.902% <= 5.719 milliseconds (cumulative count 19981)": a line of either
# distribution in the full report (by percentile, and at fixed thresholds).
DISTRIBUTION_LINE = re.compile(
    r"^[\d.]+% <= ([\d.]+) milliseconds \(cumulative count (\d+)\)$", re.MULTILINE)
THROUGHPUT_LINE = re.compile(r"throughput summary: ([\d.]+) requests per second")


def comma_list(text):
    """How --tests is read: "set, GET" -> ["set", "get"]."""
    return [item.strip().lower() for item in text.split(",") if item.strip()]


def add_load_arguments(parser):
    """The options that choose the load generator and the load it sends."""
    parser.add_argument("--benchmark-bin", default=BENCHMARK_BIN,
                        help="load generator: redis-benchmark (default) or fkvs-benchmark")
    parser.add_argument("--tests", type=comma_list, default="set,get",
                        help="comma list of redis-benchmark -t tests (default set,get)")
    parser.add_argument("--keyspace", type=int, default=100_000,
                        help="-r, and the number of keys prefilled (default 100000)")
    parser.add_argument("--data-size", type=int, default=3, help="-d value size in bytes")


def side_by_side_parser(description, pinning=True):
    """An argument parser with the options the side-by-side scripts share: the
    servers, fkvs's I/O backends, the load and, unless the script runs its
    servers unpinned, the cores."""
    parser = argparse.ArgumentParser(description=description)
    add_server_arguments(parser)
    add_backends_argument(parser)
    add_load_arguments(parser)
    if pinning:
        add_pinning_arguments(parser)
    return parser


def rounded_requests(requests, pipeline):
    """redis-benchmark hands out requests in whole pipelines, so a count that is
    not a multiple of -P would be overshot; round it up front instead."""
    return -(-requests // pipeline) * pipeline


def parse_csv(text, test):
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        if row.get("test", "").upper() == test.upper():
            return {ours: float(row[theirs]) for theirs, ours in CSV_FIELDS.items()}
    raise BenchError("no %s row in the load generator's output:\n%s" % (test.upper(), text))


def latency_at_percentile(section, percentile):
    """The smallest latency listed in the report's distributions with at least
    percentile % of the requests at or below it. That bounds the true percentile
    from above; the ladder's step below (99.805 % for 99.9) bounds it from below,
    and the two lie one histogram bucket apart or close to it."""
    points = [(float(ms), int(count)) for ms, count in DISTRIBUTION_LINE.findall(section)]
    if not points:
        return None
    # Less a hair, so that 99.9 % of 20000 needs 19980, not 19981 by binary rounding.
    needed = math.ceil(max(count for _, count in points) * percentile / 100 - 1e-9)
    return min(ms for ms, count in points if count >= needed)


def parse_report(text, test):
    """The full (not --csv, not -q) report of one test: rps and the latency summary,
    p99.9 included."""
    title = "====== %s ======" % test.upper()
    if title not in text:
        raise BenchError("no %s report in the load generator's output:\n%s" % (test.upper(), text))
    section = text.split(title, 1)[1].split("======", 1)[0]
    lines = section.splitlines()
    try:
        throughput = float(THROUGHPUT_LINE.search(section).group(1))
        header_index = lines.index("  latency summary (msec):") + 1
        names, values = lines[header_index].split(), lines[header_index + 1].split()
    except (AttributeError, ValueError, IndexError):
        raise BenchError("unexpected %s report:\n%s" % (test.upper(), section))
    figures = {"rps": throughput}
    figures.update({SUMMARY_FIELDS[name]: float(value) for name, value in zip(names, values)
                    if name in SUMMARY_FIELDS})
    if "p999_ms" not in figures:
        figures["p999_ms"] = latency_at_percentile(section, 99.9)
    return figures


def run_benchmark(port, test, pipeline, clients, requests, keyspace, data_size,
                  cpu=None, benchmark_bin=BENCHMARK_BIN, timeout=600, extra_args=(),
                  full_report=False, command=()):
    """Runs `BENCHMARK_BIN -t test` to completion; returns the CSV figures (with
    full_report, the full report's, which add p999_ms) plus the run's wall time
    and the CPU time the generator used, in seconds. extra_args go after the
    others (fkvs-benchmark's --threads, say); cpu is a taskset CPU list ("1" or
    "0,1"). A command (a list of arguments, __rand_int__ replaced as by -r) is
    sent instead of -t test; both generators title its report with the command
    line itself, so test is then unused."""
    argv = [] if cpu is None else ["taskset", "-c", str(cpu)]
    argv += [benchmark_bin, "-h", "127.0.0.1", "-p", str(port),
             *([] if full_report else ["-q", "--csv"]),
             *([] if command else ["-t", test]),
             "-P", str(pipeline), "-c", str(clients), "-n", str(requests),
             "-r", str(keyspace), "-d", str(data_size), *extra_args, *command]
    if command:
        test = " ".join(command)
    # Waited-for children only: the servers, still running, are not counted.
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError("%s timed out after %d s: %s" % (benchmark_bin, timeout, " ".join(argv)))
    wall = time.monotonic() - began
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise BenchError("%s failed (status %d): %s\n%s%s" %
                         (benchmark_bin, done.returncode, " ".join(argv), done.stdout, done.stderr))
    figures = (parse_report if full_report else parse_csv)(done.stdout, test)
    figures["wall_s"] = wall
    figures["client_cpu_s"] = (children_after.ru_utime + children_after.ru_stime -
                               children_before.ru_utime - children_before.ru_stime)
    return figures


# "Error from server: ERR unknown command ..." (redis-benchmark 7.0 prints it and
# exits 1 at the first error reply), "Error: Connection reset by peer",
# "fkvs-benchmark: SET: 5 of 100000 replies were errors, the first: ..." (it
# finishes the test, then exits 1), ...
ERROR_LINE = re.compile(r"^.*\berrors?\b.*$", re.IGNORECASE | re.MULTILINE)


def run_benchmark_rows(port, tests, pipeline, clients, requests, keyspace, data_size,
                       sample=None, cpu=None, benchmark_bin=BENCHMARK_BIN, timeout=600,
                       extra_args=()):
    """Runs `BENCHMARK_BIN -q --csv -t tests` and reads its CSV rows as they come
    (through `stdbuf -oL`, so each row arrives when its test ends). sample() is
    called before the start and at each row; each row gets the difference of
    consecutive samples (the server's CPU time, say) as "sample_delta", and the
    wall time since the previous row as "wall_s". Returns a dict: "rows" (a list
    of {"title", figures...} in order, titles as printed: "LPUSH (needed to
    benchmark LRANGE)"), "returncode", "errors" (every output line naming an
    error), "argv", "stdout", "stderr". Failing is left to the caller."""
    argv = [] if cpu is None else ["taskset", "-c", str(cpu)]
    if shutil.which("stdbuf"):
        argv += ["stdbuf", "-oL", "-eL"]
    argv += [benchmark_bin, "-h", "127.0.0.1", "-p", str(port), "-q", "--csv",
             "-t", ",".join(tests), "-P", str(pipeline), "-c", str(clients), "-n", str(requests),
             "-r", str(keyspace), "-d", str(data_size), *extra_args]
    stderr_file = tempfile.TemporaryFile(mode="w+")
    rows, lines = [], []
    last = sample() if sample else None
    last_wall = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=stderr_file, text=True)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        header = None
        for line in process.stdout:
            lines.append(line)
            if not line.startswith('"'):
                continue
            fields = next(csv.reader([line]))
            if header is None and fields and fields[0] == "test":
                header = fields
                continue
            now_wall, now = time.monotonic(), sample() if sample else None
            row = {"title": fields[0], "wall_s": now_wall - last_wall,
                   "sample_delta": None if sample is None else now - last}
            last, last_wall = now, now_wall
            for theirs, value in zip((header or ["test"] + list(CSV_FIELDS))[1:], fields[1:]):
                if theirs in CSV_FIELDS:
                    row[CSV_FIELDS[theirs]] = float(value)
            rows.append(row)
        process.wait()
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr_file.seek(0)
    stderr = stderr_file.read()
    stderr_file.close()
    stdout = "".join(lines)
    return {"rows": rows, "returncode": process.returncode, "argv": argv, "stdout": stdout,
            "stderr": stderr, "timed_out": process.returncode == -9,
            "errors": ERROR_LINE.findall(stdout) + ERROR_LINE.findall(stderr)}
