#include "server/durable_replies.h"

#include <doctest/doctest.h>

#include <vector>

#include "test_clients.h"

namespace fkvs {
namespace {

void queue_reply(Client& client, std::string_view reply) { client.conn().output().append(reply); }

TEST_CASE("durable_replies: a read waits for the newest unsynced batch that wrote its key") {
  DurableReplies replies;
  CHECK(replies.batch_of_key(0, "k") == 0);
  CHECK(replies.newest_unsynced() == 0);
  replies.key_written(0, "k", 3);
  replies.key_written(0, "k", 4);
  replies.key_written(1, "other-db", 5);
  CHECK(replies.batch_of_key(0, "k") == 4);
  CHECK(replies.batch_of_key(1, "k") == 0);  // the same name in another db
  CHECK(replies.batch_of_key(0, "other-db") == 0);
  CHECK(replies.newest_unsynced() == 5);

  std::vector<Client*> flushed;
  replies.synced(4, [&](Client& client) { flushed.push_back(&client); });
  CHECK(replies.batch_of_key(0, "k") == 0);
  CHECK(replies.batch_of_key(1, "other-db") == 5);
  CHECK(flushed.empty());

  // FLUSHALL: every key read waits for its batch.
  replies.everything_written(6);
  CHECK(replies.batch_of_key(0, "never-written") == 6);
  CHECK(replies.batch_of_key(1, "other-db") == 6);
  replies.synced(6, [](Client&) {});
  CHECK(replies.batch_of_key(0, "never-written") == 0);
  CHECK(replies.newest_unsynced() == 0);
}

TEST_CASE("durable_replies: held replies go out in order as their batches are synced") {
  TestClients made;
  Client& client = made.add();
  net::Connection& conn = client.conn();
  DurableReplies replies;

  queue_reply(client, "+PONG\r\n");  // depends on nothing
  uint64_t start = conn.queued_output_end();
  queue_reply(client, ":1\r\n");  // a write of batch 1
  replies.hold(client, start, 1);
  queue_reply(client, "+PONG\r\n");  // behind it, so held too
  start = conn.queued_output_end();
  queue_reply(client, ":2\r\n");  // a write of batch 2
  replies.hold(client, start, 2);
  start = conn.queued_output_end();
  queue_reply(client, "$1\r\n2\r\n");  // a read of batch 1's key: covered by batch 2's hold
  replies.hold(client, start, 1);
  CHECK(replies.waits_for(2));
  CHECK_FALSE(replies.waits_for(3));
  CHECK(conn.sendable_output() == 7);

  int flushes = 0;
  replies.synced(1, [&](Client& flushed) {
    CHECK(&flushed == &client);
    ++flushes;
  });
  CHECK(flushes == 1);
  CHECK(conn.sendable_output() == 7 + 4 + 7);

  // What was sent so far no longer counts in the positions.
  conn.output().consume(7);
  conn.bytes_sent += 7;
  CHECK(conn.sendable_output() == 4 + 7);
  replies.synced(2, [&](Client&) { ++flushes; });
  CHECK(flushes == 2);
  CHECK_FALSE(conn.output_held());
  CHECK(conn.sendable_output() == conn.output().size());
  CHECK_FALSE(replies.waits_for(1));
  replies.synced(3, [&](Client&) { ++flushes; });
  CHECK(flushes == 2);
}

TEST_CASE("durable_replies: a closing client's held replies are forgotten") {
  TestClients made;
  Client& gone = made.add();
  Client& kept = made.add();
  DurableReplies replies;
  queue_reply(gone, ":1\r\n");
  replies.hold(gone, 0, 1);
  queue_reply(kept, ":1\r\n");
  replies.hold(kept, 0, 1);
  replies.forget(gone);
  std::vector<Client*> flushed;
  replies.synced(1, [&](Client& client) { flushed.push_back(&client); });
  CHECK(flushed == std::vector<Client*>{&kept});
  CHECK_FALSE(replies.waits_for(1));
}

}  // namespace
}  // namespace fkvs
