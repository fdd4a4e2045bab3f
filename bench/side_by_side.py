"""What the per-command scripts (bitops.py, geo.py, hyperloglog.py,
scripting.py, sort.py, streams.py) share: one load-generator run against a
server with the server's CPU time around it, medians over rounds, and the
formatting of figures and fkvs/redis ratios."""

import statistics

from load import run_benchmark


def measure_command(server, args, command, depth, requests, keyspace=1):
    """One run of args.benchmark_bin sending `command` (its __rand_int__ drawn
    from keyspace) to server: the generator's figures plus the requests, the
    server's CPU seconds, requests per server CPU-second and both CPU shares."""
    cpu_before = server.cpu_seconds()
    figures = run_benchmark(server.port, None, depth, args.clients, requests, keyspace, 3,
                            cpu=None if args.no_pin else args.client_cpu,
                            benchmark_bin=args.benchmark_bin, command=command)
    cpu = server.cpu_seconds() - cpu_before
    server.check_alive()
    figures["requests"] = requests
    figures["server_cpu_s"] = cpu
    figures["req_per_cpu_s"] = requests / cpu if cpu > 0 else None
    figures["server_cpu_pct"] = 100.0 * cpu / figures["wall_s"]
    figures["client_cpu_pct"] = 100.0 * figures["client_cpu_s"] / figures["wall_s"]
    return figures


def median_of(runs, key):
    values = [run[key] for run in runs if run[key] is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def ratio(value, reference):
    return value / reference if value is not None and reference else None


def fmt_ratio(value):
    return "n/a" if value is None else "%.2fx" % value


def load_average():
    with open("/proc/loadavg") as loadavg:
        return float(loadavg.read().split()[0])
