// ioredis's defineCommand against the server on 127.0.0.1:<port> (argv[2]):
// custom commands send EVALSHA and, on NOSCRIPT, EVAL; a pipeline of custom
// and plain commands; plain commands. Run by integration/test_node_clients.py;
// exits non-zero, saying what differed, on any mismatch.
"use strict";

const assert = require("node:assert/strict");
const Redis = require("ioredis");

// Calls and failed calls of each command since the last CONFIG RESETSTAT
// (INFO commandstats), as "calls/failed".
async function commandCalls(redis) {
  const calls = {};
  for (const line of (await redis.info("commandstats")).split("\r\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+),.*failed_calls=(\d+)/.exec(line);
    if (match) calls[match[1]] = `${match[2]}/${match[3]}`;
  }
  return calls;
}

async function checkDefineCommand(redis) {
  redis.defineCommand("incrTwice", {
    numberOfKeys: 1,
    lua: "redis.call('INCRBY', KEYS[1], ARGV[1]) return redis.call('INCRBY', KEYS[1], ARGV[1])",
  });
  redis.defineCommand("pairUp", {
    numberOfKeys: 2,
    lua: "return {KEYS[1], KEYS[2], ARGV[1]}",
  });
  // No numberOfKeys: the caller passes it first.
  redis.defineCommand("echoArgs", { lua: "return {#KEYS, unpack(ARGV)}" });

  await redis.script("FLUSH");
  await redis.config("RESETSTAT");
  // ioredis sends a script's first call on a connection as EVAL...
  assert.equal(await redis.incrTwice("counter", 5), 10);
  let calls = await commandCalls(redis);
  assert.equal(calls.eval, "1/0", "the first call is an EVAL");
  assert.equal(calls.evalsha, undefined);
  // ...and the next ones as EVALSHA.
  assert.equal(await redis.incrTwice("counter", 1), 12);
  calls = await commandCalls(redis);
  assert.equal(calls.evalsha, "1/0", "the next call is an EVALSHA");
  // Flushed behind its back: EVALSHA gets NOSCRIPT, and ioredis sends EVAL.
  await redis.script("FLUSH");
  assert.equal(await redis.incrTwice("counter", 2), 16);
  calls = await commandCalls(redis);
  assert.equal(calls.evalsha, "2/1", "EVALSHA refused with NOSCRIPT");
  assert.equal(calls.eval, "2/0", "then EVAL");

  assert.deepEqual(await redis.pairUp("k1", "k2", "v"), ["k1", "k2", "v"]);
  assert.deepEqual(await redis.echoArgs(1, "key", "a", "b"), [1, "a", "b"]);
  const buffers = await redis.pairUpBuffer("k1", "k2", Buffer.from([0xff, 0x00]));
  assert.deepEqual(buffers[2], Buffer.from([0xff, 0x00]));

  // A script's error comes back as a rejected promise with Redis's message.
  redis.defineCommand("fails", { numberOfKeys: 0, lua: "return redis.error_reply('MY failure')" });
  await assert.rejects(redis.fails(), { message: "MY failure" });
}

async function checkPipeline(redis) {
  // The scripts ran on this connection: the pipeline sends EVALSHA, in order.
  let results = await redis
    .pipeline()
    .set("counter", 1)
    .incrTwice("counter", 3)
    .pairUp("a", "b", "c")
    .get("counter")
    .fails()
    .exec();
  assert.deepEqual(results.slice(0, 4), [
    [null, "OK"],
    [null, 7],
    [null, ["a", "b", "c"]],
    [null, "7"],
  ]);
  assert.equal(results[4][0].message, "MY failure");

  // Flushed: each EVALSHA gets NOSCRIPT and ioredis sends it again as EVAL
  // (after the pipeline, so nothing else is in it).
  await redis.script("FLUSH");
  await redis.config("RESETSTAT");
  results = await redis.pipeline().incrTwice("counter", 1).pairUp("x", "y", "z").exec();
  assert.deepEqual(results, [
    [null, 9],
    [null, ["x", "y", "z"]],
  ]);
  const calls = await commandCalls(redis);
  assert.equal(calls.evalsha, "2/2", "both scripts refused with NOSCRIPT");
  assert.equal(calls.eval, "2/0", "then sent as EVAL");
}

async function checkPlainCommands(redis) {
  assert.equal(await redis.set("plain", "value", "EX", 100), "OK");
  assert.equal(await redis.get("plain"), "value");
  assert.ok((await redis.ttl("plain")) > 0);
  assert.equal(await redis.hset("hash", { f1: "1", f2: "2" }), 2);
  assert.deepEqual(await redis.hgetall("hash"), { f1: "1", f2: "2" });
  assert.equal(await redis.rpush("list", "a", "b", "c"), 3);
  assert.deepEqual(await redis.lrange("list", 0, -1), ["a", "b", "c"]);
  assert.equal(await redis.del("plain", "hash", "list"), 3);
}

async function main() {
  const port = Number(process.argv[2]);
  const redis = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    // Fail at once rather than retry for ever: the test has its own deadline.
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  await redis.connect();
  try {
    await redis.flushall();
    await checkDefineCommand(redis);
    await checkPipeline(redis);
    await checkPlainCommands(redis);
  } finally {
    redis.disconnect();
  }
  console.log("ioredis defineCommand: ok");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
