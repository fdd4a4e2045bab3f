"""One load generator run against a server, its --csv output parsed.

The generator is redis-benchmark or fkvs-benchmark: both print redis-benchmark
7.0's --csv header and columns."""

import csv
import io
import resource
import subprocess
import time

from servers import BenchError

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


def run_benchmark(port, test, pipeline, clients, requests, keyspace, data_size,
                  cpu=None, benchmark_bin=BENCHMARK_BIN, timeout=600, extra_args=()):
    """Runs `BENCHMARK_BIN -t test` to completion; returns the CSV figures plus
    the run's wall time and the CPU time the generator used, in seconds.
    extra_args go after the others (fkvs-benchmark's --threads, say); cpu is a
    taskset CPU list ("1" or "0,1")."""
    argv = [] if cpu is None else ["taskset", "-c", str(cpu)]
    argv += [benchmark_bin, "-h", "127.0.0.1", "-p", str(port), "-q", "--csv",
             "-t", test, "-P", str(pipeline), "-c", str(clients), "-n", str(requests),
             "-r", str(keyspace), "-d", str(data_size), *extra_args]
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
    figures = parse_csv(done.stdout, test)
    figures["wall_s"] = wall
    figures["client_cpu_s"] = (children_after.ru_utime + children_after.ru_stime -
                               children_before.ru_utime - children_before.ru_stime)
    return figures
