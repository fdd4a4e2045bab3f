#!/usr/bin/python3
"""A cache under maxmemory: fkvs-server and redis-server side by side.

Three servers are started, each pinned to the server core: fkvs and redis
with `maxmemory` (default 100mb) and `maxmemory-policy allkeys-lru`, and fkvs
with no limit (the cost of eviction itself). Each gets the same cache-aside
load, round by round in turn: a GET of a key drawn from a Zipf distribution
over a keyspace whose values add up to --keyspace-factor times the limit
(default 10), and a SET of the key when the GET missed. The first --warmup
requests fill the cache; the figures are of the requests after them:

- hit ratio: GETs that found their key;
- requests per server CPU-second (GET and SET both count), from the server's
  /proc/PID/stat, so the load generator's speed does not enter it;
- used_memory and evicted_keys at the end.

    bench/eviction.py                                 # 100mb, 1000-byte values
    bench/eviction.py --maxmemory 20mb --requests 300000 --rounds 2
    bench/eviction.py --policy allkeys-lfu --zipf 0.9
"""

import argparse
import bisect
import itertools
import os
import random
import statistics
import sys
import tempfile

from servers import (BenchError, Connection, ServerProcess, add_pinning_arguments,
                     add_server_arguments, encode_command, pinning_description, server_launcher)

PIPELINE = 64


def parse_size(text):
    units = {"kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "k": 1000, "m": 1000 ** 2, "g": 1000 ** 3}
    lower = text.lower()
    for suffix, factor in sorted(units.items(), key=lambda item: -len(item[0])):
        if lower.endswith(suffix):
            return int(lower[:-len(suffix)]) * factor
    return int(lower)


def zipf_keys(keyspace, exponent, count, seed):
    """count key numbers in [0, keyspace), key i drawn with weight 1/(i+1)^exponent,
    and the hot keys scattered over the keyspace rather than all at its start."""
    cumulative = list(itertools.accumulate(1.0 / (i + 1) ** exponent for i in range(keyspace)))
    total = cumulative[-1]
    rng = random.Random(seed)
    permutation = list(range(keyspace))
    rng.shuffle(permutation)
    return [permutation[bisect.bisect_left(cumulative, rng.random() * total)]
            for _ in range(count)]


class CacheClient:
    """Cache-aside over one pipelined connection: GET a batch, SET what missed."""

    def __init__(self, port, value):
        self.conn = Connection(port, timeout=120)
        self.value = value

    def run(self, keys):
        hits = requests = 0
        for start in range(0, len(keys), PIPELINE):
            batch = [b"key:%d" % key for key in keys[start:start + PIPELINE]]
            self.conn.sock.sendall(b"".join(encode_command(b"GET", key) for key in batch))
            missed = [key for key in batch if self.conn.read_reply() is None]
            hits += len(batch) - len(missed)
            requests += len(batch)
            if missed:
                self.conn.sock.sendall(b"".join(encode_command(b"SET", key, self.value)
                                                for key in missed))
                for _ in missed:
                    reply = self.conn.read_reply()
                    if isinstance(reply, BenchError):
                        raise reply
                requests += len(missed)
        return hits, requests


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_arguments(parser)
    add_pinning_arguments(parser)
    parser.add_argument("--maxmemory", default="100mb")
    parser.add_argument("--policy", default="allkeys-lru")
    parser.add_argument("--value-size", type=int, default=1000)
    parser.add_argument("--keyspace-factor", type=float, default=10.0,
                        help="the keyspace's values add up to this many times maxmemory")
    parser.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of key popularity")
    parser.add_argument("--warmup", type=int, default=1000000)
    parser.add_argument("--requests", type=int, default=1000000, help="GETs measured per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()

    limit = parse_size(args.maxmemory)
    keyspace = int(limit * args.keyspace_factor / args.value_size)
    print("drawing %d Zipf(%.2f) keys over a keyspace of %d..." %
          (args.warmup + args.requests * args.rounds, args.zipf, keyspace), file=sys.stderr)
    keys = zipf_keys(keyspace, args.zipf, args.warmup + args.requests * args.rounds, args.seed)
    warmup, measured = keys[:args.warmup], keys[args.warmup:]
    value = b"v" * args.value_size

    limited = ["--maxmemory", str(limit), "--maxmemory-policy", args.policy]
    workdir = tempfile.mkdtemp(prefix="fkvs-eviction-")
    launcher = server_launcher(args)
    servers = [
        ServerProcess("fkvs", args.fkvs_bin, os.path.join(workdir, "fkvs.log"), launcher, limited),
        ServerProcess("fkvs-nolimit", args.fkvs_bin, os.path.join(workdir, "fkvs-nolimit.log"),
                      launcher),
        ServerProcess("redis", args.redis_bin, os.path.join(workdir, "redis.log"), launcher,
                      limited),
    ]
    results = {server.name: [] for server in servers}
    try:
        for server in servers:
            server.start()
            CacheClient(server.port, value).run(warmup)
        for round_index in range(args.rounds):
            batch = measured[round_index * args.requests:(round_index + 1) * args.requests]
            for server in servers:
                cpu_before = server.cpu_seconds()
                hits, requests = CacheClient(server.port, value).run(batch)
                cpu = server.cpu_seconds() - cpu_before
                results[server.name].append((hits / len(batch), requests / cpu))
                print("%-13s round %d: hit ratio %.4f, %.0f requests per server CPU-second" %
                      (server.name, round_index + 1, hits / len(batch), requests / cpu),
                      file=sys.stderr)
        final = {}
        for server in servers:
            memory, stats = server.info("memory"), server.info("stats")
            final[server.name] = (int(memory["used_memory"]), int(stats["evicted_keys"]))
    except BenchError as error:
        sys.exit("eviction.py: %s (logs in %s)" % (error, workdir))
    finally:
        for server in servers:
            server.stop()

    print("%s, maxmemory %s, %d-byte values, keyspace %d keys (%.0fx the limit), Zipf %.2f; "
          "median of %d rounds of %d GETs (plus a SET per miss); %s" %
          (args.policy, args.maxmemory, args.value_size, keyspace, args.keyspace_factor, args.zipf,
           args.rounds, args.requests, pinning_description(args, "the Python client")))
    print()
    print("| server | hit ratio | requests / server CPU-s | used_memory MB | evicted_keys |")
    print("| --- | ---: | ---: | ---: | ---: |")
    medians = {}
    for name, rounds in results.items():
        hit = statistics.median(r[0] for r in rounds)
        rate = statistics.median(r[1] for r in rounds)
        medians[name] = (hit, rate)
        used, evicted = final[name]
        print("| %s | %.4f | %.0f | %.1f | %d |" % (name, hit, rate, used / 2 ** 20, evicted))
    print()
    print("fkvs/redis hit ratio: %.3fx; CPU per request, fkvs with the limit vs without: %.3fx; "
          "fkvs vs redis: %.3fx" %
          (medians["fkvs"][0] / medians["redis"][0],
           medians["fkvs-nolimit"][1] / medians["fkvs"][1],
           medians["redis"][1] / medians["fkvs"][1]))


if __name__ == "__main__":
    main()
