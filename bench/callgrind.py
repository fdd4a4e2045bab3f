#!/usr/bin/python3
"""Instructions per request of fkvs-server and redis-server under callgrind.

Each server runs under `valgrind --tool=callgrind` with instrumentation off
while it starts and is prefilled. Then, for each test, a warm-up run, and per
round: `callgrind_control --zero`, a fixed number of pipelined requests from
redis-benchmark, `callgrind_control --dump`. The dump's `summary:` line is the
instruction count (Ir) of exactly that window; divided by the requests it is
Ir/request. Unlike req/s, the figure does not depend on what else the machine
is doing, but it counts user-space instructions only: syscalls are not in it.
With --backends, one fkvs-server per I/O backend is measured, each against the
same redis-server run; the I/O backend INFO reports is printed with each.

    bench/callgrind.py                          # SET and GET at -P 16
    bench/callgrind.py --backends epoll,uring   # fkvs-epoll, fkvs-uring, redis
    bench/callgrind.py --annotate --top 25      # plus fkvs's costliest functions
    bench/callgrind.py --allocs                 # plus allocator calls per request
    bench/callgrind.py --fkvs-bin /usr/bin/redis-server   # redis against itself
"""

import collections
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

from load import rounded_requests, run_benchmark, side_by_side_parser
from servers import BenchError, prefill, REFERENCE_NAME, servers_under_test

# A server under callgrind may take several seconds just to start.
READY_TIMEOUT_S = 180

# "  1,234,567 (12.34%)  file:function [object]" in callgrind_annotate's output.
ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)$")

# "fn=(12) name" the first time a function appears in a dump, "fn=(12)" after.
FUNCTION_LINE = re.compile(r"^(c?fn)=\((\d+)\)(?: (.*))?$")

# Functions of the allocators, by the name before any argument list: libc's and
# its replacements' (mimalloc's mi_*, jemalloc's je_*, tcmalloc's tc_*), C++'s
# operator new/delete, and redis's zmalloc wrappers. A call into one of them
# from any other function is a call to the allocator.
ALLOCATOR_FUNCTION = re.compile(
    r"^(?:(?:malloc|calloc|realloc|reallocarray|free|cfree|posix_memalign|aligned_alloc|"
    r"memalign|valloc|pvalloc|sdallocx|zmalloc|zcalloc|zrealloc|zfree|ztrymalloc|ztrycalloc|"
    r"ztryrealloc)(?:_\w*)?|operator (?:new|delete)(?:\[\])?|_?mi_\w*|je_\w*|tc_\w*)$")
ALLOCATOR_LIBRARY = re.compile(r"^lib(mimalloc|jemalloc|tcmalloc)")
# callgrind names a function it has no symbol for by its address.
UNNAMED_FUNCTION = re.compile(r"^0x[0-9a-f]+$")
# Of those, which return memory, which take it back, and which do neither
# (malloc_usable_size, mi_option_get, zmalloc_used_memory, ...).
NEITHER_FUNCTION = re.compile(r"(usable_size|_size$|used_memory|_get_|option|stats|info|visit|"
                              r"thread|process|init)")
FREEING_FUNCTION = re.compile(r"(free|delete|dallocx)")

# Callers followed up from an allocator entry point when explaining who calls it.
CALLER_CHAIN_DEPTH = 6


def parse_args():
    parser = side_by_side_parser(__doc__.split("\n\n")[0], pinning=False)
    parser.add_argument("--pipeline", type=int, default=16, help="-P (default 16)")
    parser.add_argument("--clients", type=int, default=50, help="-c (default 50)")
    parser.add_argument("--requests", type=int, default=50_000,
                        help="requests measured per round (default 50000)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measured runs per server and test; the median is reported")
    parser.add_argument("--warmup", type=int, default=10_000,
                        help="requests run before measuring each test, not counted")
    parser.add_argument("--annotate", action="store_true",
                        help="print fkvs's costliest functions (self cost) per test")
    parser.add_argument("--top", type=int, default=20, help="functions shown by --annotate")
    parser.add_argument("--allocs", action="store_true",
                        help="print allocator calls per request (malloc, free, new, delete, ...)")
    parser.add_argument("--out-dir", help="keep callgrind files and server logs here")
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    args = parser.parse_args()
    if args.rounds < 1 or args.requests < 1 or not args.tests:
        parser.error("need at least one test, one round and one request")
    args.requests = rounded_requests(args.requests, args.pipeline)
    args.warmup = rounded_requests(args.warmup, args.pipeline)
    return args


def callgrind_control(command, pid):
    done = subprocess.run(["callgrind_control", command, str(pid)], capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0 or "OK." not in done.stdout:
        raise BenchError("callgrind_control %s %d failed:\n%s%s" %
                         (command, pid, done.stdout, done.stderr))


def dump_files(out_file):
    """Numbered dumps written by callgrind_control --dump: OUT.1, OUT.2, ..."""
    prefix = os.path.basename(out_file) + "."
    directory = os.path.dirname(out_file)
    return {os.path.join(directory, name) for name in os.listdir(directory)
            if name.startswith(prefix) and name[len(prefix):].isdigit()}


def total_instructions(dump_path):
    with open(dump_path) as dump:
        for line in dump:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise BenchError("no summary: or totals: line in %s" % dump_path)


def dump_window(server, out_file):
    """Dumps the counters since the last --zero; returns the new dump's path."""
    before = dump_files(out_file)
    callgrind_control("--dump", server.pid)
    created = dump_files(out_file) - before
    if len(created) != 1:
        raise BenchError("expected one new callgrind dump after --dump, found %d" % len(created))
    return created.pop()


def measure_server(server, args, workdir):
    """Returns {test: {"ir_per_request": [...per round], "dumps": [...]}}."""
    out_file = os.path.join(workdir, server.name + ".callgrind")
    server.launcher = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                       "--callgrind-out-file=" + out_file]
    results = {}
    try:
        server.start(ready_timeout=READY_TIMEOUT_S)
        prefill(server.port, args.keyspace, b"x" * args.data_size)
        callgrind_control("--instr=on", server.pid)
        for test in args.tests:
            run_benchmark(server.port, test, args.pipeline, args.clients, args.warmup,
                          args.keyspace, args.data_size, benchmark_bin=args.benchmark_bin)
            per_round, dumps = [], []
            for round_index in range(args.rounds):
                callgrind_control("--zero", server.pid)
                run_benchmark(server.port, test, args.pipeline, args.clients, args.requests,
                              args.keyspace, args.data_size, benchmark_bin=args.benchmark_bin)
                dump = dump_window(server, out_file)
                server.check_alive()
                per_round.append(total_instructions(dump) / args.requests)
                dumps.append(dump)
                print("%-10s %s -P %d round %d: %.0f Ir/request" % (
                    server.name, test.upper(), args.pipeline, round_index + 1, per_round[-1]),
                    file=sys.stderr, flush=True)
            results[test] = {"ir_per_request": per_round, "dumps": dumps}
    finally:
        server.stop()
    return results


def median_dump(result):
    """The dump of the round whose Ir/request is the median one."""
    ranked = sorted(zip(result["ir_per_request"], result["dumps"]))
    return ranked[len(ranked) // 2][1]


def readable_function(name, server_binary):
    """callgrind_annotate's 'file:function [object]' without the noise: an
    unknown file, the server's own object, spelled-out string_view."""
    name = name.replace("std::basic_string_view<char, std::char_traits<char> >",
                        "std::string_view")
    name = name.replace(" [%s]" % server_binary, "")
    return name[len("???:"):] if name.startswith("???:") else name


def top_functions(dump_path, requests, count, server_binary):
    """[(Ir per request, percent, function)] by self cost."""
    done = subprocess.run(["callgrind_annotate", "--auto=no", "--threshold=100", dump_path],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise BenchError("callgrind_annotate failed:\n%s" % done.stderr)
    rows = []
    for line in done.stdout.splitlines():
        match = ANNOTATE_LINE.match(line)
        if match and "PROGRAM TOTALS" not in match.group(3):
            rows.append((int(match.group(1).replace(",", "")) / requests,
                         float(match.group(2)), readable_function(match.group(3), server_binary)))
    return rows[:count]


def base_name(function):
    """The name without its argument list: 'operator new[](unsigned long)' ->
    'operator new[]', 'ns::(anonymous namespace)::set(Ctx&) const' -> 'ns::(anonymous
    namespace)::set'."""
    name = function.strip()
    if name.endswith(" const"):
        name = name[:-len(" const")]
    if not name.endswith(")"):
        return name
    depth = 0
    for index in range(len(name) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(name[index], 0)
        if depth == 0:
            return name[:index]
    return name


class CallGraph:
    """Calls per caller-callee pair in one callgrind dump, with the Ir those calls
    cost (inclusive) and the object (executable or library) of each function."""

    def __init__(self, dump_path):
        self.calls = collections.Counter()  # (caller, callee) -> calls
        self.inclusive_ir = collections.Counter()  # (caller, callee) -> Ir inside the calls
        self.objects = {}  # function -> object file
        function_names, object_names = {}, {}
        current_object = called_object = None
        caller = callee = None
        pending_edge = None
        with open(dump_path) as dump:
            for line in dump:
                line = line.rstrip("\n")
                if pending_edge is not None:
                    # The line after calls= is "position inclusive-cost".
                    self.inclusive_ir[pending_edge] += int(line.split()[1])
                    pending_edge = None
                    continue
                match = FUNCTION_LINE.match(line)
                if match:
                    kind, ident, name = match.groups()
                    if name is not None:
                        function_names[ident] = name
                    name = function_names[ident]
                    if kind == "fn":
                        caller = name
                        self.objects[name] = current_object
                    else:
                        callee = name
                        self.objects.setdefault(name, called_object or current_object)
                        called_object = None
                elif line.startswith(("ob=", "cob=")):
                    kind, rest = line.split("=", 1)
                    ident, _, name = rest.partition(" ")
                    if name:
                        object_names[ident] = name
                    if kind == "ob":
                        current_object = object_names[ident]
                    else:
                        called_object = object_names[ident]
                elif line.startswith("calls="):
                    self.calls[(caller, callee)] += int(line.split()[0][len("calls="):])
                    pending_edge = (caller, callee)
        self.callees = collections.defaultdict(set)
        for caller, callee in self.calls:
            self.callees[caller].add(callee)
        self._allocator = {}

    def is_allocator(self, function):
        """Part of the allocator: named like one, inside an allocator library, or
        an unnamed stub (a PLT entry, a stripped helper) that only calls into it."""
        if function not in self._allocator:
            self._allocator[function] = False  # breaks cycles among unnamed functions
            name = base_name(function)
            library = os.path.basename(self.objects.get(function) or "")
            self._allocator[function] = bool(
                ALLOCATOR_FUNCTION.match(name) or ALLOCATOR_LIBRARY.match(library) or
                (UNNAMED_FUNCTION.match(name) and self.callees[function] and
                 all(self.is_allocator(callee) for callee in self.callees[function])))
        return self._allocator[function]

    def caller_chain(self, function):
        """The most frequent caller of function, its most frequent caller, and so
        on: a likely path, since a dump counts calls per caller-callee pair only."""
        chain, seen = [], {function}
        while len(chain) < CALLER_CHAIN_DEPTH:
            callers = [(calls, caller) for (caller, callee), calls in self.calls.items()
                       if callee == function and caller not in seen]
            if not callers:
                break
            function = max(callers)[1]
            chain.append(function)
            seen.add(function)
        return chain

    def allocator_calls(self):
        """[(calls, Ir per call, kind, allocator function, calling function, chain
        above that)], most calls first, for each call into the allocator from
        outside it."""
        rows = []
        for (caller, callee), calls in self.calls.items():
            if calls and self.is_allocator(callee) and not self.is_allocator(caller):
                rows.append((calls, self.inclusive_ir[(caller, callee)] / calls,
                             allocator_kind(callee), callee, caller))
        return [row + (self.caller_chain(row[4]),) for row in sorted(rows, reverse=True)]


def allocator_kind(function):
    name = base_name(function)
    if NEITHER_FUNCTION.search(name):
        return "other"
    return "free" if FREEING_FUNCTION.search(name) else "alloc"


def print_allocs(args, names, results):
    print("\nAllocator calls per request (median round). Each round also opens and closes "
          "%d connections: one call per connection reads %.4f per request." % (
              args.clients, args.clients / args.requests))
    headers = ["%s %s" % (name, kind) for name in names for kind in ("allocs", "frees")]
    widths = [max(12, len(header)) for header in headers]
    print("%-9s %s" % ("test", " ".join("%*s" % pair for pair in zip(widths, headers))))
    rows = {}
    for test in args.tests:
        totals = []
        for name in names:
            rows[name, test] = CallGraph(median_dump(results[name][test])).allocator_calls()
            for kind in ("alloc", "free"):
                totals.append(sum(row[0] for row in rows[name, test] if row[2] == kind) /
                              args.requests)
        print("%-9s %s" % ("%s -P %d" % (test.upper(), args.pipeline),
                           " ".join("%*.4f" % pair for pair in zip(widths, totals))))
    binary = os.path.abspath(args.fkvs_bin)
    for name in names[:-1]:
        for test in args.tests:
            print("\n%s %s -P %d: calls into the allocator by calling function; below each, the "
                  "caller's most frequent caller, and so on" % (name, test.upper(), args.pipeline))
            print("%8s %9s %8s  %-5s %s" % ("calls", "per req", "Ir/call", "kind", "function"))
            for calls, ir_per_call, kind, callee, caller, chain in rows[name, test][:args.top]:
                print("%8d %9.4f %8.1f  %-5s %s" % (calls, calls / args.requests, ir_per_call,
                                                   kind, readable_function(callee, binary)))
                print("%39s<- %s" % ("", " <- ".join(
                    base_name(readable_function(function, binary))
                    for function in [caller] + chain)))
            if not rows[name, test]:
                print("  (none)")


def print_results(args, servers, medians):
    print("Ir/request under callgrind (user-space instructions, syscalls excluded); "
          "-P %d, %d clients, %d requests per round, median of %d round(s)" % (
              args.pipeline, args.clients, args.requests, args.rounds))
    for server in servers:
        print("%s: %s (%s), io backend %s" % (
            server.name, " ".join([server.binary] + server.extra_args), server.version(),
            server.backend_label()))
    names = [server.name for server in servers]
    headers = (["%s Ir/req" % name for name in names] +
               ["%s/%s" % (name, REFERENCE_NAME) for name in names[:-1]])
    widths = [max(12, len(header)) for header in headers]
    print("\n%-9s %s" % ("test", " ".join("%*s" % pair for pair in zip(widths, headers))))
    for test in args.tests:
        reference = medians[REFERENCE_NAME][test]
        values = (["%.0f" % medians[name][test] for name in names] +
                  ["%.2fx" % (medians[name][test] / reference) for name in names[:-1]])
        print("%-9s %s" % ("%s -P %d" % (test.upper(), args.pipeline),
                           " ".join("%*s" % pair for pair in zip(widths, values))))
    print("\n(fkvs/redis below 1 means fkvs executes fewer instructions per request.)")


def print_annotation(args, names, results):
    for name in names[:-1]:
        for test in args.tests:
            print("\n%s %s -P %d: top %d functions by self cost (median round)" % (
                name, test.upper(), args.pipeline, args.top))
            print("%9s %7s  %s" % ("Ir/req", "share", "function"))
            for per_request, percent, function in top_functions(
                    median_dump(results[name][test]), args.requests, args.top,
                    os.path.abspath(args.fkvs_bin)):
                print("%9.1f %6.2f%%  %s" % (per_request, percent, function))


def main():
    args = parse_args()
    workdir = args.out_dir or tempfile.mkdtemp(prefix="fkvs-callgrind-")
    os.makedirs(workdir, exist_ok=True)
    servers = servers_under_test(args, workdir)
    names = [server.name for server in servers]
    try:
        results = {server.name: measure_server(server, args, workdir) for server in servers}
        medians = {name: {test: statistics.median(results[name][test]["ir_per_request"])
                          for test in args.tests} for name in names}
        print_results(args, servers, medians)
        if args.annotate:
            print_annotation(args, names, results)
        if args.allocs:
            print_allocs(args, names, results)
    except BenchError as error:
        sys.exit("callgrind.py: %s (files kept in %s)" % (error, workdir))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"config": {key: value for key, value in vars(args).items()
                                  if key not in ("json", "annotate", "allocs", "top", "out_dir")},
                       "io_backends": {server.name: server.backend_label()
                                       for server in servers},
                       "ir_per_request_median": medians,
                       "ir_per_request_rounds": {
                           name: {test: results[name][test]["ir_per_request"]
                                  for test in args.tests} for name in names}},
                      out, indent=2)
            out.write("\n")
    if args.out_dir:
        print("\ncallgrind files and server logs kept in %s" % workdir)
    else:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
