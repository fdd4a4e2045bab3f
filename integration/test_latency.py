"""LATENCY (the latency monitor and the per-command histograms), INFO
latencystats and errorstats, and commandstats' rejected and failed calls,
against redis-server 7.0 where the outcome is deterministic."""

import re
import time

import pytest
import redis

from server_process import wait_until

DEBUG = ("--enable-debug-command", "yes")


@pytest.fixture
def both(start_server):
    """fkvs and the reference redis-server, each with DEBUG enabled."""
    return {"fkvs": start_server(*DEBUG), "redis": start_server(*DEBUG, target="redis")}


def raw(client, *args):
    """The reply as sent (redis-py would parse LATENCY and INFO), or the error text."""
    try:
        return client.execute_command(*args, **{"NEVER_DECODE": True})
    except redis.ResponseError as error:
        return "error: %s" % error


def info_lines(client, section):
    client.set_response_callback("INFO", lambda response, **options: response)
    text = raw(client, "INFO", section).decode()
    return [line for line in text.split("\r\n") if line and not line.startswith("#")]


def pairs(flat):
    return list(zip(flat[::2], flat[1::2]))


def test_replies_without_events_match_redis(both):
    replies = {}
    for name, handle in both.items():
        client = handle.client()
        replies[name] = [
            raw(client, "LATENCY", "HELP"),
            raw(client, "LATENCY"),
            raw(client, "LATENCY", "BOGUS"),
            raw(client, "LATENCY", "HISTORY"),
            raw(client, "LATENCY", "LATEST"),
            raw(client, "LATENCY", "HISTORY", "command"),
            raw(client, "LATENCY", "GRAPH", "command"),
            raw(client, "LATENCY", "RESET"),
            raw(client, "LATENCY", "RESET", "command", "fork"),
            raw(client, "LATENCY", "DOCTOR"),
            sorted(pairs(raw(client, "CONFIG", "GET", "latency-*"))),
            raw(client, "CONFIG", "SET", "latency-monitor-threshold", "-1"),
            raw(client, "CONFIG", "SET", "latency-tracking", "maybe"),
            raw(client, "CONFIG", "SET", "latency-tracking-info-percentiles", "abc"),
            raw(client, "CONFIG", "SET", "latency-tracking-info-percentiles", "101"),
            raw(client, "CONFIG", "SET", "latency-tracking-info-percentiles", "50.0 99.90 0 12.5"),
            raw(client, "CONFIG", "GET", "latency-tracking-info-percentiles"),
            # Enabled, nothing seen yet.
            raw(client, "CONFIG", "SET", "latency-monitor-threshold", "100000"),
            raw(client, "LATENCY", "DOCTOR"),
        ]
    assert replies["fkvs"] == replies["redis"]


def test_a_slow_command_is_an_event(both):
    for name, handle in both.items():
        client = handle.client()
        client.config_set("latency-monitor-threshold", 40)
        before = int(time.time())
        client.execute_command("DEBUG", "SLEEP", "0.05")
        after = int(time.time()) + 1
        latest = {entry[0]: entry[1:] for entry in raw(client, "LATENCY", "LATEST")}
        assert b"command" in latest, name
        at, latency, worst = latest[b"command"]
        assert before <= at <= after and 50 <= latency <= worst, name
        history = raw(client, "LATENCY", "HISTORY", "command")
        assert len(history) >= 1 and history[-1] == [at, latency], name
        graph = raw(client, "LATENCY", "GRAPH", "command").decode()
        lines = graph.split("\n")
        assert re.fullmatch(r"command - high \d+ ms, low \d+ ms \(all time high %d ms\)" % worst,
                            lines[0]), name
        assert lines[1] == "-" * 80, name
        # Four rows of bars, a blank row, then each sample's age downwards ("0", "s").
        assert len(lines) >= 9 and lines[-1] == "", name
        doctor = raw(client, "LATENCY", "DOCTOR").decode()
        assert doctor.startswith("Dave, I have observed latency spikes"), name
        assert re.search(r"\n\d\. command: \d+ latency spikes \(average \d+ms, mean deviation "
                         r"\d+ms, period \d+\.\d\d sec\)\. Worst all time event %dms\." % worst,
                         doctor), name
        assert "- Check your Slow Log to understand" in doctor, name
        assert raw(client, "LATENCY", "RESET", "command", "nosuch") == 1, name
        assert raw(client, "LATENCY", "HISTORY", "command") == [], name


def test_below_the_threshold_or_off_nothing_is_recorded(start_server):
    client = start_server(*DEBUG).client()
    client.execute_command("DEBUG", "SLEEP", "0.02")
    assert raw(client, "LATENCY", "LATEST") == []
    client.config_set("latency-monitor-threshold", 10000)
    client.execute_command("DEBUG", "SLEEP", "0.02")
    assert raw(client, "LATENCY", "LATEST") == []


def test_a_long_fast_command_and_a_big_expiry_are_events(both):
    for name, handle in both.items():
        client = handle.client()
        client.config_set("latency-monitor-threshold", 1)
        pipe = client.pipeline(transaction=False)
        for start in range(0, 300000, 100000):
            pipe.sadd("big", *range(start, start + 100000))
        pipe.execute()
        # SADD is flagged fast, and adding 100,000 members takes milliseconds.
        events = [entry[0] for entry in raw(client, "LATENCY", "LATEST")]
        assert b"fast-command" in events, (name, events)
        client.pexpire("big", 10)
        # Freeing 300,000 members takes milliseconds even on a fast machine.
        wait_until(lambda: b"expire-cycle" in [entry[0] for entry in
                                               raw(client, "LATENCY", "LATEST")],
                   10, message="%s: an expire-cycle event" % name)
        assert client.dbsize() == 0, name


def histogram_shape(reply):
    """[(command, calls)], after checking each histogram is cumulative and ends at its calls."""
    shape = []
    for command, fields in pairs(reply):
        assert fields[0] == b"calls" and fields[2] == b"histogram_usec"
        calls, buckets = fields[1], fields[3]
        bounds, counts = buckets[::2], buckets[1::2]
        assert bounds == sorted(set(bounds)) and counts == sorted(set(counts))
        assert counts[-1] == calls
        assert all(b in (1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908,
                         33816, 67633, 135266, 270532, 541065, 1082130) for b in bounds)
        shape.append((command, calls))
    return shape


def test_histograms_match_redis_in_shape(both):
    shapes = {}
    for name, handle in both.items():
        client = handle.client()
        client.config_resetstat()
        for _ in range(3):
            client.set("k", "v")
        client.get("k")
        client.config_get("port")
        reply = raw(client, "LATENCY", "HISTOGRAM", "set", "GET", "nosuch", "config",
                    "config|get")
        # Redis lists a container's subcommands in no set order.
        shapes[name] = histogram_shape(reply)[:2] + sorted(histogram_shape(reply)[2:])
        everything = dict(histogram_shape(raw(client, "LATENCY", "HISTOGRAM")))
        assert {b"set": 3, b"get": 1, b"config|get": 1}.items() <= everything.items(), name
    assert shapes["fkvs"] == shapes["redis"]
    assert shapes["fkvs"] == [(b"set", 3), (b"get", 1), (b"config|get", 1), (b"config|get", 1),
                              (b"config|resetstat", 1)]


def test_info_latencystats_lines(both):
    for name, handle in both.items():
        client = handle.client()
        client.config_resetstat()
        client.set("k", "v")
        lines = info_lines(client, "latencystats")
        assert any(re.fullmatch(r"latency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},"
                                r"p99\.9=\d+\.\d{3}", line) for line in lines), (name, lines)
        client.config_set("latency-tracking-info-percentiles", "0 99.99")
        lines = info_lines(client, "latencystats")
        assert any(re.fullmatch(r"latency_percentiles_usec_set:p0=\d+\.\d{3},p99\.99=\d+\.\d{3}",
                                line) for line in lines), (name, lines)
        client.config_set("latency-tracking", "no")
        client.config_resetstat()
        client.set("k", "v")
        assert not any(line.startswith("latency_percentiles_usec_set:")
                       for line in info_lines(client, "latencystats")), name
        assert raw(client, "LATENCY", "HISTOGRAM", "set") == [], name


def provoke_errors(client):
    client.config_resetstat()
    client.set("text", "abc")
    replies = [
        raw(client, "NOSUCHCOMMAND", "x"),  # no command: counted as ERR only
        raw(client, "SET", "k"),  # wrong arity: a rejected call
        raw(client, "INCR", "text"),  # ran and failed
        raw(client, "LPUSH", "text", "x"),  # WRONGTYPE
        raw(client, "OBJECT", "NOSUCH"),  # unknown subcommand: no command either
        raw(client, "EXEC"),
    ]
    pipe = client.pipeline(transaction=False)
    pipe.execute_command("MULTI")
    pipe.execute_command("GET")
    pipe.execute_command("EXEC")
    replies.append([str(reply) for reply in pipe.execute(raise_on_error=False)])
    return replies


def test_errorstats_and_failed_calls_match_redis(both):
    seen = {}
    for name, handle in both.items():
        client = handle.client()
        replies = provoke_errors(client)
        stats = [line for line in info_lines(client, "stats")
                 if line.startswith("total_error_replies")]
        commandstats = [re.sub(r"usec=\d+,usec_per_call=[\d.]+,", "", line)
                        for line in info_lines(client, "commandstats")
                        if re.match(r"cmdstat_(set|incr|lpush|get|exec|multi):", line)]
        seen[name] = (replies, info_lines(client, "errorstats"), stats, sorted(commandstats))
        client.config_resetstat()
        assert info_lines(client, "errorstats") == [], name
    assert seen["fkvs"] == seen["redis"]
    replies, errorstats, stats, commandstats = seen["fkvs"]
    assert errorstats == ["errorstat_ERR:count=6", "errorstat_EXECABORT:count=1",
                          "errorstat_WRONGTYPE:count=1"]
    assert stats == ["total_error_replies:8"]
    assert "cmdstat_set:calls=1,rejected_calls=1,failed_calls=0" in commandstats
    assert "cmdstat_incr:calls=1,rejected_calls=0,failed_calls=1" in commandstats
