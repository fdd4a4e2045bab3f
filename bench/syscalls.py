#!/usr/bin/python3
"""System calls per request of fkvs-server, per I/O backend, and redis-server.

Each server in turn gets a counter attached to all its threads (perf stat on
the raw_syscalls:sys_enter tracepoint, or strace -c -f), then a fixed number
of requests from the load generator, then the counter is stopped: the system
calls it counted, divided by the requests, are the figure. The generator's own
system calls are not counted, only the server's.

    bench/syscalls.py                                  # SET and GET, -P 1 -c 50
    bench/syscalls.py --backends epoll,uring           # fkvs per backend vs redis
    bench/syscalls.py --method strace --requests 50000
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from load import rounded_requests, run_benchmark, side_by_side_parser
from servers import (BenchError, pinning_description, REFERENCE_NAME, server_launcher,
                     servers_running, servers_under_test)

# perf stat opens its events before it starts counting but says nothing when it
# has; the server is idle meanwhile, so waiting a little costs only its timer
# ticks (some ten system calls per second).
PERF_ATTACH_S = 0.5
STRACE_ATTACH_TIMEOUT_S = 10.0

# System calls counted by name besides the total: what an event loop, its
# sockets and its I/O make. Every other call shows up as "other". perf takes
# seconds to close each event it opened, so all ~700 would cost minutes.
NAMED_SYSCALLS = (
    "read", "write", "readv", "writev", "recvfrom", "sendto", "recvmsg", "sendmsg", "epoll_wait",
    "epoll_pwait", "epoll_pwait2", "epoll_ctl", "io_uring_enter", "io_uring_register", "accept",
    "accept4", "close", "setsockopt", "getsockopt", "getpeername", "fcntl", "ioctl", "futex",
    "openat", "nanosleep", "clock_nanosleep",
)
TRACEFS_SYSCALLS = ("/sys/kernel/tracing/events/syscalls",
                    "/sys/kernel/debug/tracing/events/syscalls")

# The target for the io_uring backend, in system calls per request.
URING_TARGET = 0.5


def parse_args():
    parser = side_by_side_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--pipeline", type=int, default=1, help="-P (default 1)")
    parser.add_argument("--clients", type=int, default=50, help="-c (default 50)")
    parser.add_argument("--requests", type=int, default=100_000,
                        help="requests counted per server and test (default 100000)")
    parser.add_argument("--method", choices=("auto", "perf", "strace"), default="auto",
                        help="counter: perf stat on syscall tracepoints (cheap), or strace -c "
                        "(slows the server); auto takes perf where it can count them")
    parser.add_argument("--top", type=int, default=5, help="system calls listed by name")
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    args = parser.parse_args()
    if not args.tests or args.requests < 1 or args.clients < 1 or args.pipeline < 1:
        parser.error("need at least one test, one request, one client and -P 1 or more")
    args.requests = rounded_requests(args.requests, args.pipeline)
    return args


def perf_counts_syscalls():
    """Whether perf can count the syscall tracepoint here (tracefs mounted, and
    permission to use it)."""
    try:
        done = subprocess.run(["perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "--",
                               "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and any(line.split(",")[0].isdigit()
                                        for line in done.stderr.splitlines())


def traceable(name):
    """Whether the kernel has a syscalls:sys_enter_NAME tracepoint (perf refuses
    to start on an unknown one)."""
    return any(os.path.isdir(os.path.join(folder, "sys_enter_" + name))
               for folder in TRACEFS_SYSCALLS)


class SyscallCounter:
    """A tracing tool attached to every thread of a process; interrupted, it
    writes what it counted to out_path. Subclasses say how to run it, when it is
    attached, and how to read its counts."""

    def __init__(self, pid, out_path):
        self.pid = pid
        self.out_path = out_path
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True)
        self.wait_attached()

    def check_running(self):
        if self.process.poll() is not None:
            raise BenchError("%s exited at once: %s" % (self.method, self.process.stderr.read()))

    def stop(self):
        """(total system calls, {name: calls})."""
        self.process.send_signal(signal.SIGINT)
        self.process.communicate(timeout=60)
        with open(self.out_path) as out:
            total, by_name = self.parse(out)
        if total is None:
            raise BenchError("no total in %s's output %s" % (self.method, self.out_path))
        return total, by_name


class PerfCounter(SyscallCounter):
    """perf stat: raw_syscalls:sys_enter for the total, syscalls:sys_enter_NAME
    for the breakdown by name. Counting in the kernel, it barely slows the server."""

    method = "perf stat -e raw_syscalls:sys_enter"

    def argv(self):
        argv = ["perf", "stat", "-x", ",", "-o", self.out_path, "-e", "raw_syscalls:sys_enter"]
        for name in filter(traceable, NAMED_SYSCALLS):
            argv += ["-e", "syscalls:sys_enter_" + name]
        return argv + ["-p", str(self.pid)]

    def wait_attached(self):
        time.sleep(PERF_ATTACH_S)
        self.check_running()

    def parse(self, lines):
        """perf's -x, lines: count,unit,event,..."""
        total, by_name = None, {}
        for line in lines:
            fields = line.strip().split(",")
            if len(fields) < 3 or not fields[0].isdigit():
                continue
            if fields[2] == "raw_syscalls:sys_enter":
                total = int(fields[0])
            elif fields[2].startswith("syscalls:sys_enter_") and int(fields[0]):
                by_name[fields[2][len("syscalls:sys_enter_"):]] = int(fields[0])
        if total is not None:
            by_name["other"] = total - sum(by_name.values())
        return total, by_name


class StraceCounter(SyscallCounter):
    """strace -c -f: counts exactly, but stops the server at every system call,
    so it runs many times slower and finds more work ready per wake-up than it
    would natively."""

    method = "strace -c -f"

    def argv(self):
        return ["strace", "-c", "-f", "-U", "calls,name", "-o", self.out_path, "-p", str(self.pid)]

    def wait_attached(self):
        deadline = time.monotonic() + STRACE_ATTACH_TIMEOUT_S
        while not self._all_threads_traced():
            self.check_running()
            if time.monotonic() > deadline:
                raise BenchError("strace did not attach to every thread of %d" % self.pid)
            time.sleep(0.05)

    def _all_threads_traced(self):
        task_dir = "/proc/%d/task" % self.pid
        for task in os.listdir(task_dir):
            with open(os.path.join(task_dir, task, "status")) as status:
                tracer = [line for line in status if line.startswith("TracerPid:")]
            if tracer and tracer[0].split()[1] == "0":
                return False
        return True

    def parse(self, lines):
        """The "calls syscall" table -U calls,name asks for, ending in a total row."""
        total, by_name = None, {}
        for line in lines:
            fields = line.split()
            if len(fields) == 2 and fields[0].isdigit():
                if fields[1] == "total":
                    total = int(fields[0])
                else:
                    by_name[fields[1]] = int(fields[0])
        return total, by_name


def counter_class(method):
    if method == "strace" or (method == "auto" and not perf_counts_syscalls()):
        return StraceCounter
    return PerfCounter


def count_one(server, counter_type, args, test, workdir):
    """System calls of the server during one run of args.requests requests."""
    out_path = os.path.join(workdir, "%s-%s.counts" % (server.name, test))
    counter = counter_type(server.pid, out_path)
    counter.start()
    try:
        run_benchmark(server.port, test, args.pipeline, args.clients, args.requests,
                      args.keyspace, args.data_size, cpu=None if args.no_pin else args.client_cpu,
                      benchmark_bin=args.benchmark_bin)
    finally:
        total, by_name = counter.stop()
    server.check_alive()
    return {"syscalls": total, "per_request": total / args.requests,
            "by_name_per_request": {name: calls / args.requests for name, calls in sorted(
                by_name.items(), key=lambda item: -item[1])}}


def target_verdict(server, per_request):
    """What the io_uring target says of one figure, or None for other backends."""
    if server.io_backend_asked() != "uring":
        return None
    if server.fell_back():
        return "not measured, it ran %s" % server.multiplexing_api
    return "%.3f, %s" % (per_request, "met" if per_request <= URING_TARGET else "missed")


def print_results(args, servers, results, method):
    print("System calls per request, counted with %s on all threads of each server, over "
          "%d requests of `%s -t TEST -P %d -c %d`; %s" % (
              method, args.requests, os.path.basename(args.benchmark_bin), args.pipeline,
              args.clients, pinning_description(args, "load generator")))
    for server in servers:
        print("%s: %s (%s)" % (server.name, " ".join([server.binary] + server.extra_args),
                               server.version()))
    name_width = max(len("server"), *(len(server.name) for server in servers))
    backend_width = max(len("io backend"), *(len(server.backend_label()) for server in servers))
    row = "%%-10s %%-%ds %%-%ds %%12s %%9s  %%s" % (name_width, backend_width)
    print("\n" + row % ("test", "server", "io backend", "syscalls/req", "vs redis",
                        "by name, per request"))
    verdicts = []
    for test in args.tests:
        reference = results[REFERENCE_NAME][test]["per_request"]
        for index, server in enumerate(servers):
            figures = results[server.name][test]
            names = ", ".join("%s %.3f" % item for item in
                              list(figures["by_name_per_request"].items())[:args.top])
            print(row % ("%s -P %d" % (test.upper(), args.pipeline) if index == 0 else "",
                         server.name, server.backend_label(), "%.3f" % figures["per_request"],
                         "%.2fx" % (figures["per_request"] / reference), names))
            verdict = target_verdict(server, figures["per_request"])
            if verdict:
                verdicts.append("%s %s: %s" % (server.name, test.upper(), verdict))
    print("\nEach run also opens and closes %d connections: a system call made once per "
          "connection (accept4, setsockopt, close) adds %.4f per request." % (
              args.clients, args.clients / args.requests))
    for verdict in verdicts:
        print("io_uring target <= %.1f system calls per request, %s" % (URING_TARGET, verdict))


def main():
    args = parse_args()
    counter_type = counter_class(args.method)
    workdir = tempfile.mkdtemp(prefix="fkvs-syscalls-")
    servers = servers_under_test(args, workdir, server_launcher(args))
    results = {server.name: {} for server in servers}
    with servers_running(servers, args, workdir, "syscalls.py"):
        for test in args.tests:
            for server in servers:
                results[server.name][test] = count_one(server, counter_type, args, test, workdir)
                print("%s %s: %.3f system calls per request" % (
                    server.name, test.upper(), results[server.name][test]["per_request"]),
                    file=sys.stderr, flush=True)
    print_results(args, servers, results, counter_type.method)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {key: value for key, value in vars(args).items()
                                  if key != "json"},
                       "method": counter_type.method,
                       "io_backends": {server.name: server.backend_label() for server in servers},
                       "results": results}, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
