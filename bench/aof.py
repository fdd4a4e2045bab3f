#!/usr/bin/python3
"""The append-only file of fkvs-server and redis-server side by side: what
each appendfsync policy costs in throughput and CPU, what appendfsync always
does to the latency of reads beside a write load, and how many acknowledged
writes a SIGKILL loses.

Both servers run with the same flags, --save '' --appendonly yes --appendfsync
MODE (or --appendonly no, the baseline) and --auto-aof-rewrite-percentage 0,
each in a temporary directory of its own under one parent, so on the same
disk; they are pinned to one core, the load generators and this script to
another. Three parts:

  throughput: for each mode, SET -r 100000 -d 100 -c 50 at -P 1 and -P 16
      (fkvs-benchmark), rounds interleaved fkvs, redis, fkvs, redis, ...:
      req/s, requests per server CPU-second, SET p99, each against the same
      server's appendonly no figure;
  latency: a light GET load (-c 5 -P 1) beside the SET load (-P 16 -c 50),
      under appendfsync always and with appendonly no: GET p50 and p99;
  SIGKILL: a pipelined writer of sequential keys counts every SET
      acknowledged; the server is SIGKILLed at a random moment, restarted on
      its directory, and the acknowledged keys missing are counted (everysec,
      and always, where there must be none).

    bench/aof.py                                     # about 4-6 min on 2 cores
    bench/aof.py --rounds 1 --kill-rounds 3          # a quick look
    bench/aof.py --tmpdir /mnt/nvme/tmp --markdown   # another disk
    bench/aof.py --fkvs-bin /usr/bin/redis-server    # redis against itself
"""

import argparse
import json
import os
import random
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from compare import cpu_model, load_average, measure_once
from load import rounded_requests, run_benchmark
from ratio_table import print_ratio_table
from servers import (add_pinning_arguments, add_server_arguments, BenchError, Connection,
                     prefill, REFERENCE_NAME, REPO_ROOT, server_launcher, ServerProcess)

DEFAULT_BENCHMARK_BIN = os.path.join(REPO_ROOT, "build", "src", "tools", "benchmark",
                                     "fkvs-benchmark")
SERVER_NAMES = ("fkvs", REFERENCE_NAME)

# "off" is the baseline, --appendonly no; the others are appendfsync policies.
MODES = ("off", "always", "everysec", "no")
MODE_LABELS = {"off": "appendonly no", "always": "appendfsync always",
               "everysec": "appendfsync everysec", "no": "appendfsync no"}

# -n per throughput run when --requests is not given: a second or more of
# server CPU time at appendonly no on a 2-core machine (10 ms CPU ticks).
DEFAULT_REQUESTS_UNPIPELINED = 40_000
DEFAULT_REQUESTS_PIPELINED = 400_000

# The SIGKILL writer's keys: sequential, distinct from the prefilled ones.
KILL_KEY = b"aof:%012d"
OK = b"+OK\r\n"

STARTED = time.monotonic()


def progress(text):
    print("[%4.0f s] %s" % (time.monotonic() - STARTED, text), file=sys.stderr, flush=True)


def comma_list(text):
    return [item.strip().lower() for item in text.split(",") if item.strip()]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--benchmark-bin", default=DEFAULT_BENCHMARK_BIN,
                        help="load generator (default build/src/tools/benchmark/fkvs-benchmark; "
                        "redis-benchmark takes the same flags)")
    parser.add_argument("--benchmark-args", default="",
                        help="extra load generator arguments for the throughput runs, one string")
    parser.add_argument("--tmpdir", default=tempfile.gettempdir(),
                        help="parent of the servers' directories: the disk measured (default "
                        "%(default)s)")
    parser.add_argument("--modes", type=comma_list, default="off,always,everysec,no",
                        help="comma list of off (appendonly no), always, everysec, no "
                        "(default all four)")
    parser.add_argument("--pipelines", default="1,16",
                        help="comma list of -P depths (default 1,16)")
    parser.add_argument("--clients", type=int, default=50, help="-c of the SET load (default 50)")
    parser.add_argument("--requests", type=int, default=None,
                        help="-n per throughput run (default %d at -P 1, %d deeper)" % (
                            DEFAULT_REQUESTS_UNPIPELINED, DEFAULT_REQUESTS_PIPELINED))
    parser.add_argument("--keyspace", type=int, default=100_000,
                        help="-r, and the keys prefilled (default 100000)")
    parser.add_argument("--data-size", type=int, default=100,
                        help="-d, and the SIGKILL writer's value size (default 100)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="throughput and latency runs per server and cell; medians "
                        "(default 3)")
    parser.add_argument("--latency-pipeline", type=int, default=16,
                        help="-P of the SET load beside the GET load (default 16)")
    parser.add_argument("--get-clients", type=int, default=5, help="-c of the GET load (default 5)")
    parser.add_argument("--get-requests", type=int, default=4000,
                        help="-n of the GET load (default 4000: a few seconds under always)")
    parser.add_argument("--kill-modes", type=comma_list, default="everysec,always",
                        help="appendfsync policies of the SIGKILL test (default everysec,always)")
    parser.add_argument("--kill-rounds", type=int, default=5,
                        help="SIGKILLs per server and policy; 0 skips the test (default 5)")
    parser.add_argument("--kill-after", default="2,3.5",
                        help="MIN,MAX seconds of writes before the SIGKILL, drawn uniformly "
                        "(default 2,3.5)")
    parser.add_argument("--kill-batch", type=int, default=500,
                        help="SETs per write of the SIGKILL writer, two writes in flight "
                        "(default 500)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="deadline in seconds of each start-up, load run and wait "
                        "(default 120)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", metavar="PATH", help="also write all results here")
    args = parser.parse_args()
    try:
        args.pipeline_list = [int(p) for p in args.pipelines.split(",") if p.strip()]
        args.kill_window = tuple(float(x) for x in args.kill_after.split(","))
    except ValueError:
        parser.error("--pipelines takes integers, --kill-after MIN,MAX seconds")
    unknown = [m for m in args.modes + args.kill_modes if m not in MODES]
    if unknown or "off" in args.kill_modes:
        parser.error("unknown or unusable mode %s" % (unknown or ["off"])[0])
    if (min(args.pipeline_list or [0]) < 1 or min(args.clients, args.rounds, args.get_clients,
                                                   args.get_requests, args.kill_batch) < 1 or
            args.kill_rounds < 0 or len(args.kill_window) != 2 or
            not 0 < args.kill_window[0] <= args.kill_window[1]):
        parser.error("need positive pipelines, clients, rounds, requests and a MIN,MAX window")
    return args


def requests_for(args, pipeline):
    if args.requests:
        return rounded_requests(args.requests, pipeline)
    if pipeline == 1:
        return DEFAULT_REQUESTS_UNPIPELINED
    return rounded_requests(DEFAULT_REQUESTS_PIPELINED, pipeline)


def mode_flags(mode):
    """The same for both servers. AOF rewrites are off, so that a rewrite's fork
    does not land in one server's run and not the other's (the files here
    outgrow auto-aof-rewrite-min-size's 64 MB)."""
    if mode == "off":
        return ["--appendonly", "no"]
    return ["--appendonly", "yes", "--appendfsync", mode, "--auto-aof-rewrite-percentage", "0"]


class Run:
    """Everything started, so that any exit stops it: servers, load generators,
    and the parent directory of the servers' directories."""

    def __init__(self, args):
        self.args = args
        self.workdir = tempfile.mkdtemp(prefix="fkvs-aof-", dir=args.tmpdir)
        self.servers = []
        self.processes = []
        self.count = 0
        self.versions = {}  # name: (binary, version), from INFO server

    def server(self, name, mode, data_dir=None, log_name="server.log"):
        """A ServerProcess (not started) in a fresh directory, or in data_dir."""
        if data_dir is None:
            self.count += 1
            data_dir = os.path.join(self.workdir, "%02d-%s-%s" % (self.count, mode, name))
            os.mkdir(data_dir)
        binary, extra = ((self.args.fkvs_bin, shlex.split(self.args.fkvs_args)) if name == "fkvs"
                         else (self.args.redis_bin, []))
        server = ServerProcess(name, binary, os.path.join(data_dir, log_name),
                               server_launcher(self.args),
                               extra + ["--dir", data_dir] + mode_flags(mode))
        server.data_dir, server.mode = data_dir, mode
        self.servers.append(server)
        return server

    def start(self, server):
        server.start(ready_timeout=self.args.timeout)
        self.versions.setdefault(server.name, (server.binary, server.version()))
        if server.mode != "off":
            persistence = server.info("persistence")
            if persistence.get("aof_enabled") != "1":
                raise BenchError("%s: started with --appendonly yes, INFO reads aof_enabled:%s" %
                                 (server.name, persistence.get("aof_enabled")))
        return server

    def discard(self, server):
        """Stops the server and removes its directory (AOF files run to 100s of MB)."""
        server.stop()
        if server in self.servers:
            self.servers.remove(server)
        shutil.rmtree(server.data_dir, ignore_errors=True)

    def popen(self, argv, **kwargs):
        process = subprocess.Popen(argv, **kwargs)
        self.processes.append(process)
        return process

    def end(self, process):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        if process in self.processes:
            self.processes.remove(process)
        return process.returncode

    def close(self):
        for process in list(self.processes):
            self.end(process)
        for server in self.servers:
            server.stop()


# ---- throughput ----------------------------------------------------------------------------


def throughput_phase(run, mode, pair, results):
    args = run.args
    cells = results["throughput"].setdefault(mode, {})
    for pipeline in args.pipeline_list:
        requests = requests_for(args, pipeline)
        runs = cells.setdefault(str(pipeline), {name: [] for name in SERVER_NAMES})
        for round_index in range(args.rounds):
            for server in pair:
                figures = measure_once(server, args, "set", pipeline, args.clients, requests)
                runs[server.name].append(figures)
                progress("%-20s SET -P %-2d %-5s round %d: %s req/s, %s req/CPU-s, p99 %.3f ms, "
                         "server CPU %.0f %%" % (
                             MODE_LABELS[mode], pipeline, server.name, round_index + 1,
                             fmt(figures["rps"], 0), fmt(figures["req_per_cpu_s"], 0),
                             figures["p99_ms"], figures["server_cpu_pct"]))


# ---- GET latency beside the SET load ---------------------------------------------------------


def commands_processed(server):
    return int(server.info("stats").get("total_commands_processed", 0))


def get_beside_set(run, server):
    """A SET load on the server from a looping generator, and meanwhile one GET
    run; returns the GET run's figures and the SET/s the server did meanwhile."""
    args = run.args
    launcher = [] if args.no_pin else ["taskset", "-c", str(args.client_cpu)]
    argv = launcher + [args.benchmark_bin, "-h", "127.0.0.1", "-p", str(server.port),
                       "-t", "set", "-r", str(args.keyspace), "-d", str(args.data_size),
                       "-n", "1000000", "-c", str(args.clients), "-P", str(args.latency_pipeline),
                       "-l", "-q", "--csv"]
    errors = tempfile.TemporaryFile(mode="w+")
    load = run.popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        time.sleep(0.5)  # the SET load's connections up and its pipelines full
        if load.poll() is not None:
            raise BenchError("the SET load ended early (status %s): %s" % (load.returncode,
                                                                           " ".join(argv)))
        commands_before, began = commands_processed(server), time.monotonic()
        figures = run_benchmark(server.port, "get", 1, args.get_clients, args.get_requests,
                                args.keyspace, args.data_size,
                                cpu=None if args.no_pin else args.client_cpu,
                                benchmark_bin=args.benchmark_bin, timeout=args.timeout)
        elapsed = time.monotonic() - began
        commands_after = commands_processed(server)
        if load.poll() is not None:
            raise BenchError("the SET load ended during the GET run (status %s)" %
                             load.returncode)
    finally:
        run.end(load)
        errors.seek(0)
        complaints = errors.read().strip()
        errors.close()
    server.check_alive()
    if complaints:
        raise BenchError("%s: the SET load reported: %s" % (server.name, complaints[:500]))
    # The GET run's own commands are the only others.
    figures["set_per_s"] = (commands_after - commands_before - args.get_requests) / elapsed
    return figures


def latency_phase(run, pairs, results):
    args = run.args
    order = [server for mode in ("always", "off") for server in pairs[mode]]
    for round_index in range(args.rounds):
        for server in order:
            figures = get_beside_set(run, server)
            results["latency"].setdefault(server.mode, {}).setdefault(server.name, []).append(
                figures)
            progress("%-20s GET beside SET -P %d %-5s round %d: p50 %.3f ms, p99 %.3f ms, max "
                     "%.3f ms; %s SET/s meanwhile" % (
                         MODE_LABELS[server.mode], args.latency_pipeline, server.name,
                         round_index + 1, figures["p50_ms"], figures["p99_ms"],
                         figures["max_ms"], fmt(figures["set_per_s"], 0)))


# ---- SIGKILL: acknowledged writes lost -------------------------------------------------------


class AckedWriter:
    """SET aof:N (N = 0, 1, 2, ...) over one connection, in writes of `batch`
    commands with two writes in flight, counting every +OK read back: those
    writes were acknowledged. Runs until the connection ends (the server was
    killed); every reply byte the server sent before dying is still read."""

    def __init__(self, port, batch, data_size, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.batch = batch
        self.data_size = data_size
        self.sent = 0
        self.acked = 0
        self.began = None
        self.error = None
        self.thread = threading.Thread(target=self._guard, daemon=True)

    def start(self):
        self.began = time.monotonic()
        self.thread.start()

    def join(self, timeout):
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise BenchError("the SIGKILL writer did not notice the server's end in %.0f s" %
                             timeout)
        self.sock.close()
        if self.error is not None:
            raise BenchError("SIGKILL writer: %s" % self.error)

    @staticmethod
    def value(index, size):
        return (b"%012d" % index).ljust(size, b"v")

    def _commands(self, start):
        key_len = len(KILL_KEY % 0)
        template = b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%%s\r\n" % (
            key_len, KILL_KEY, self.data_size)
        return b"".join(template % (i, self.value(i, self.data_size))
                        for i in range(start, start + self.batch))

    def _guard(self):
        try:
            self._run()
        except ConnectionError:
            pass  # the server died: what was read before counts
        except Exception as error:  # whatever it is, join() reports it
            self.error = "%s: %s" % (type(error).__name__, error)

    def _run(self):
        pending = b""
        sending = True
        while True:
            if sending and self.sent - self.acked < 2 * self.batch:
                payload = self._commands(self.sent)
                # Counted before the send, which may fail halfway: an upper bound.
                self.sent += self.batch
                try:
                    self.sock.sendall(payload)
                except (BrokenPipeError, ConnectionResetError):
                    sending = False  # the server is gone; read what it sent before
                continue
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                return
            pending += chunk
            whole = len(pending) // len(OK)
            if pending[:whole * len(OK)] != OK * whole:
                raise BenchError("a reply other than +OK after %d acknowledged: %r" % (
                    self.acked, pending[:200]))
            self.acked += whole
            pending = pending[whole * len(OK):]


def exists_counts(conn, keys, per_command=1000):
    """EXISTS over groups of keys, pipelined: the count present in each group."""
    groups = [keys[i:i + per_command] for i in range(0, len(keys), per_command)]
    counts = []
    for first in range(0, len(groups), 50):
        replies = conn.pipeline([["EXISTS"] + group for group in groups[first:first + 50]])
        for reply in replies:
            if not isinstance(reply, int):
                raise BenchError("EXISTS replied %r" % (reply,))
            counts.append(reply)
    return groups, counts


def missing_keys(conn, count):
    """Indexes among 0..count-1 whose key aof:N is missing."""
    keys = [KILL_KEY % i for i in range(count)]
    groups, counts = exists_counts(conn, keys)
    missing = []
    for number, (group, present) in enumerate(zip(groups, counts)):
        if present == len(group):
            continue
        _, each = exists_counts(conn, group, per_command=1)
        missing += [number * 1000 + i for i, there in enumerate(each) if not there]
    return missing


def check_values(conn, acked, missing, data_size, count=1000):
    """The last `count` acknowledged keys that are there hold what was written."""
    present = [i for i in range(max(0, acked - count), acked) if i not in missing]
    if not present:
        return
    got = conn.call("MGET", *[KILL_KEY % i for i in present])
    if not isinstance(got, list) or len(got) != len(present):
        raise BenchError("MGET replied %r" % (got,))
    for index, value in zip(present, got):
        if value != AckedWriter.value(index, data_size):
            raise BenchError("%s holds %r" % ((KILL_KEY % index).decode(), value))


def directory_mb(path):
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(folder, name))
            except OSError:
                pass
    return total / 2**20


def kill_once(run, name, mode, rng, round_index):
    """One writer, one SIGKILL, one restart on the same directory; the figures."""
    args = run.args
    server = run.start(run.server(name, mode))
    writer = AckedWriter(server.port, args.kill_batch, args.data_size, args.timeout)
    writer.start()
    time.sleep(rng.uniform(*args.kill_window))
    killed_at = time.monotonic()
    os.kill(server.pid, signal.SIGKILL)
    server.process.wait(args.timeout)
    writer.join(args.timeout)
    if writer.acked == 0:
        raise BenchError("%s (%s): no SET acknowledged in %.1f s before the SIGKILL; log %s" % (
            name, MODE_LABELS[mode], time.monotonic() - writer.began, server.log_path))
    written_s = killed_at - writer.began
    aof_mb = directory_mb(server.data_dir)
    run.servers.remove(server)
    restarted = run.server(name, mode, server.data_dir, "restart-%d.log" % (round_index + 1))
    began = time.monotonic()
    run.start(restarted)
    restart_s = time.monotonic() - began
    conn = Connection(restarted.port, timeout=args.timeout)
    try:
        missing = missing_keys(conn, writer.acked)
        # The writes sent but not acknowledged that made it anyway.
        unacked = [KILL_KEY % i for i in range(writer.acked, writer.sent)]
        survived = sum(exists_counts(conn, unacked)[1]) if unacked else 0
        check_values(conn, writer.acked, set(missing), args.data_size)
    except BenchError as error:
        raise BenchError("%s (%s) after the SIGKILL and restart: %s; log %s" % (
            name, MODE_LABELS[mode], error, restarted.log_path))
    finally:
        conn.close()
    run.discard(restarted)
    rate = writer.acked / written_s if written_s > 0 else None
    lost = len(missing)
    # Keys lost while a later acknowledged key was kept: holes, not a lost tail.
    tail = 0
    for index in reversed(missing):
        if index != writer.acked - 1 - tail:
            break
        tail += 1
    holes = lost - tail
    figures = {"acked": writer.acked, "sent": writer.sent, "written_s": written_s,
               "acked_per_s": rate, "lost": lost, "lost_s": lost / rate if rate else None,
               "holes": holes, "unacked_survived": survived, "restart_s": restart_s,
               "aof_mb": aof_mb, "first_missing": missing[0] if missing else None}
    progress("%-20s SIGKILL %-5s round %d: after %.2f s, %s acknowledged (%s/s), %d lost%s; "
             "%d of %d unacknowledged kept; AOF %.1f MB, restart %.2f s" % (
                 MODE_LABELS[mode], name, round_index + 1, written_s, fmt(writer.acked, 0),
                 fmt(rate, 0), lost, " (first aof:%012d, %d not at the end)" % (
                     missing[0], holes) if missing else "", survived, writer.sent - writer.acked,
                 aof_mb, restart_s))
    return figures


def kill_phase(run, results):
    args = run.args
    rng = random.Random(args.seed)
    for mode in args.kill_modes:
        runs = results["kill"].setdefault(mode, {name: [] for name in SERVER_NAMES})
        for round_index in range(args.kill_rounds):
            order = SERVER_NAMES if round_index % 2 == 0 else SERVER_NAMES[::-1]
            for name in order:
                runs[name].append(kill_once(run, name, mode, rng, round_index))


# ---- the run -------------------------------------------------------------------------------


def start_pair(run, mode):
    pair = [run.start(run.server(name, mode)) for name in SERVER_NAMES]
    began = time.monotonic()
    for server in pair:
        prefill(server.port, run.args.keyspace, b"x" * run.args.data_size)
    progress("%s: both servers started and prefilled (%d keys) in %.1f s" % (
        MODE_LABELS[mode], run.args.keyspace, time.monotonic() - began))
    return pair


def execute(run, results):
    args = run.args
    latency = "off" in args.modes and "always" in args.modes
    kept = {}
    for mode in args.modes:
        pair = start_pair(run, mode)
        throughput_phase(run, mode, pair, results)
        if latency and mode in ("off", "always"):
            kept[mode] = pair
            if len(kept) == 2:
                latency_phase(run, kept, results)
                for server in kept["off"] + kept["always"]:
                    run.discard(server)
            continue
        for server in pair:
            run.discard(server)
    if args.kill_rounds:
        kill_phase(run, results)


# ---- the machine ---------------------------------------------------------------------------


def fdatasync_ms(folder, count=40):
    """Median and max of a 4 KiB append plus fdatasync, the unit appendfsync
    always pays per event-loop iteration."""
    path = os.path.join(folder, "fdatasync-probe")
    times = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for _ in range(count):
            began = time.perf_counter()
            os.write(fd, b"x" * 4096)
            os.fdatasync(fd)
            times.append((time.perf_counter() - began) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    return statistics.median(times), max(times)


def block_device(device):
    """rotational and model of /dev/NAME from /sys, where there is one."""
    name = os.path.basename(device)
    base = os.path.realpath("/sys/class/block/%s" % name)
    for folder in (base, os.path.dirname(base)):
        rotational = os.path.join(folder, "queue", "rotational")
        if os.path.exists(rotational):
            with open(rotational) as f:
                # Virtual disks often read 1 whatever lies beneath.
                kind = "queue/rotational %s" % f.read().strip()
            model = os.path.join(folder, "device", "model")
            if os.path.exists(model):
                with open(model) as f:
                    kind += ", model " + f.read().strip()
            return kind
    return None


def disk_description(folder):
    """The filesystem the servers' files are on: df -T, stat -f, and the device."""
    try:
        df = subprocess.run(["df", "-T", "-P", folder], capture_output=True, text=True,
                            timeout=10).stdout.splitlines()[-1].split()
        device, fstype, blocks, _, available, _, mount = df[:7]
        stat = subprocess.run(["stat", "-f", "-c", "%T", folder], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return "unknown (df -T failed)"
    text = "%s on %s, mounted at %s (%.0f GiB, %.0f GiB free; stat -f: %s)" % (
        fstype, device, mount, int(blocks) / 2**20, int(available) / 2**20, stat)
    if device.startswith("/dev/"):
        kind = block_device(device)
        if kind:
            text += ", " + kind
    if fstype in ("tmpfs", "ramfs"):
        text += " -- IN MEMORY: fsync costs nothing here, use --tmpdir on a disk"
    return text


# ---- the table -----------------------------------------------------------------------------


def median_of(rounds, key):
    values = [r[key] for r in rounds if r.get(key) is not None]
    return statistics.median(values) if values else None


def max_of(rounds, key):
    values = [r[key] for r in rounds if r.get(key) is not None]
    return max(values) if values else None


def fmt(value, digits):
    return "n/a" if value is None else "{:,.{}f}".format(value, digits)


def ratio(fkvs, redis):
    return "%.2fx" % (fkvs / redis) if fkvs is not None and redis else ""


def table_rows(args, results):
    """[section, metric, fkvs, redis, fkvs/redis, better]."""
    rows = []

    def add(section, label, values, digits, better, note=None):
        fkvs, redis = values
        rows.append([section, label, fmt(fkvs, digits), fmt(redis, digits),
                     ratio(fkvs, redis) if better else "",
                     note if note is not None else ("%s is better" % better if better else "")])

    throughput = results["throughput"]
    for pipeline in args.pipeline_list:
        for mode in args.modes:
            runs = throughput.get(mode, {}).get(str(pipeline))
            if not runs:
                continue
            section = "SET -P %d, %s" % (pipeline, MODE_LABELS[mode])
            medians = {key: [median_of(runs[name], key) for name in SERVER_NAMES]
                       for key in ("rps", "req_per_cpu_s", "p99_ms", "server_cpu_pct")}
            add(section, "req/s", medians["rps"], 0, "higher")
            add(section, "req/CPU-s", medians["req_per_cpu_s"], 0, "higher")
            add(section, "SET p99 ms", medians["p99_ms"], 3, "lower")
            add(section, "server CPU %", medians["server_cpu_pct"], 0, "")
            base = throughput.get("off", {}).get(str(pipeline))
            if mode != "off" and base:
                shares = []
                for index, name in enumerate(SERVER_NAMES):
                    off = median_of(base[name], "rps")
                    shares.append(medians["rps"][index] / off if off else None)
                add(section, "req/s / appendonly no", shares, 2, "higher")
    latency = results["latency"]
    if latency.get("always") and latency.get("off"):
        section = "GET -c %d -P 1 beside SET -P %d -c %d" % (
            args.get_clients, args.latency_pipeline, args.clients)
        figures = {(mode, key): [median_of(latency[mode][name], key) for name in SERVER_NAMES]
                   for mode in ("off", "always") for key in ("p50_ms", "p99_ms", "set_per_s")}
        for mode in ("off", "always"):
            add(section, "GET p50 ms, %s" % MODE_LABELS[mode], figures[(mode, "p50_ms")], 3,
                "lower")
            add(section, "GET p99 ms, %s" % MODE_LABELS[mode], figures[(mode, "p99_ms")], 3,
                "lower")
        growth = [always / off if always is not None and off else None
                  for always, off in zip(figures[("always", "p99_ms")], figures[("off", "p99_ms")])]
        add(section, "GET p99 always / no", growth, 2, "lower")
        for mode in ("off", "always"):
            add(section, "SET/s meanwhile, %s" % MODE_LABELS[mode],
                figures[(mode, "set_per_s")], 0, "")
    for mode in args.kill_modes:
        runs = results["kill"].get(mode)
        if not runs or not all(runs.values()):
            continue
        section = "SIGKILL, %s" % MODE_LABELS[mode]

        def both(function, key):
            return [function(runs[name], key) for name in SERVER_NAMES]

        add(section, "acknowledged SET/s", both(median_of, "acked_per_s"), 0, "")
        if mode == "always":
            lost = both(max_of, "lost")
            holes = both(max_of, "holes")
            add(section, "acked writes lost, max", lost, 0, "", "must be 0: %s" % check(lost))
            add(section, "lost not at the end, max", holes, 0, "", "must be 0: %s" % check(holes))
        else:
            add(section, "acked writes lost, median", both(median_of, "lost"), 0, "lower")
            add(section, "acked writes lost, max", both(max_of, "lost"), 0, "lower")
            add(section, "ms of writes lost, median",
                [None if v is None else v * 1000 for v in both(median_of, "lost_s")], 1, "lower")
            add(section, "ms of writes lost, max",
                [None if v is None else v * 1000 for v in both(max_of, "lost_s")], 1, "lower")
            holes = both(max_of, "holes")
            add(section, "lost not at the end, max", holes, 0, "", "must be 0: %s" % check(holes))
        add(section, "unacked writes kept, median", both(median_of, "unacked_survived"), 0, "")
        add(section, "AOF MB at the kill", both(median_of, "aof_mb"), 1, "")
        add(section, "restart s (exec -> PING)", both(median_of, "restart_s"), 2, "lower")
    return rows


def check(values):
    names = [name for name, value in zip(SERVER_NAMES, values) if value]
    return "FAILED (%s)" % ", ".join(names) if names else "ok"


def failed_checks(rows):
    return [row for row in rows if "FAILED" in row[5]]


def header_lines(args, results, elapsed):
    lines = ["command: %s" % " ".join(shlex.quote(a) for a in [sys.argv[0]] + sys.argv[1:])]
    lines += ["%s: %s (%s)" % (name, *results["versions"][name]) for name in SERVER_NAMES
              if name in results["versions"]]
    lines.append("disk: %s, under %s; 4 KiB append + fdatasync, 40 times before/after the run: "
                 "median %.2f/%.2f ms, max %.2f/%.2f ms" % (
                     results["disk"], args.tmpdir, *results["fdatasync_ms"][0::2],
                     *results["fdatasync_ms"][1::2]))
    lines.append("flags: --save '' and %s (or --appendonly no), one directory each; servers %s, "
                 "load generators and this script %s; %s, %d CPUs; load average before/after "
                 "%.2f/%.2f" % (
                     " ".join(mode_flags("MODE")), "unpinned" if args.no_pin else
                     "on core %d" % args.server_cpu, "unpinned" if args.no_pin else
                     "on core %d" % args.client_cpu, cpu_model(), os.cpu_count(),
                     results["load_average"][0][0], results["load_average"][1][0]))
    lines.append("load: %s -t set -r %d -d %d -c %d -P P -n %s --csv, %d round(s) interleaved, "
                 "medians; GET: -t get -c %d -P 1 -n %d beside a looping SET -P %d; SIGKILL: "
                 "%d round(s) per server, after %g-%g s of pipelined SETs" % (
                     os.path.basename(args.benchmark_bin), args.keyspace, args.data_size,
                     args.clients, "/".join("%d" % requests_for(args, p)
                                            for p in args.pipeline_list),
                     args.rounds, args.get_clients, args.get_requests, args.latency_pipeline,
                     args.kill_rounds, *args.kill_window))
    lines.append("ratios fkvs/redis; total time %.0f s" % elapsed)
    return lines


def print_results(args, results, elapsed):
    rows = table_rows(args, results)
    lines = header_lines(args, results, elapsed)
    print_ratio_table(lines, rows, args.markdown)
    return rows


def main():
    args = parse_args()
    if not args.no_pin:
        # The SIGKILL writer and the GET/SET generators stay off the servers' core.
        os.sched_setaffinity(0, {args.client_cpu})
    # SIGTERM ends the run as Ctrl-C does, through the clean-up below.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    began = time.monotonic()
    if not os.path.isdir(args.tmpdir):
        sys.exit("aof.py: --tmpdir %s is not a directory" % args.tmpdir)
    run = Run(args)
    results = {"throughput": {}, "latency": {}, "kill": {}, "versions": {},
               "load_average": [load_average()]}
    interrupted = []
    failure = None
    try:
        try:
            results["disk"] = disk_description(run.workdir)
            results["fdatasync_ms"] = fdatasync_ms(run.workdir)
            progress("disk: %s; fdatasync median %.2f ms" % (results["disk"],
                                                             results["fdatasync_ms"][0]))
            execute(run, results)
            results["versions"] = run.versions
            # The disk's speed drifts with other work on the machine: once more.
            results["fdatasync_ms"] += fdatasync_ms(run.workdir)
        finally:
            # From here a Ctrl-C (or one already pending) is noted, so that it
            # cannot cut the clean-up short.
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda number, frame: interrupted.append(number))
            dead = ["%s (%s) exited with status %s; log %s" % (
                server.name, MODE_LABELS[server.mode], server.process.returncode, server.log_path)
                for server in run.servers if server.process is not None and
                server.process.poll() not in (None, 0)]
            run.close()
    except KeyboardInterrupt:
        interrupted.append(signal.SIGINT)
    except (BenchError, OSError, subprocess.SubprocessError) as error:
        failure = "%s%s" % (error, "".join("; " + line for line in dead if line not in str(error)))
    if interrupted:
        shutil.rmtree(run.workdir, ignore_errors=True)
        sys.exit("aof.py: interrupted")
    if failure:
        # The logs and AOF files are the evidence: kept.
        sys.exit("aof.py: %s (logs and AOF files kept in %s)" % (failure, run.workdir))
    shutil.rmtree(run.workdir, ignore_errors=True)
    results["load_average"].append(load_average())
    elapsed = time.monotonic() - began
    rows = print_results(args, results, elapsed)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {k: v for k, v in vars(args).items() if k != "json"},
                       "elapsed_s": elapsed, "results": results}, out, indent=2)
            out.write("\n")
    failed = failed_checks(rows)
    if failed:
        sys.exit("aof.py: %s" % "; ".join("%s: %s %s" % (row[0], row[1], row[5])
                                          for row in failed))


if __name__ == "__main__":
    main()
