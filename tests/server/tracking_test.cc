#include "server/tracking.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "server/client.h"
#include "test_clients.h"

namespace fkvs {
namespace {

// The server's side of Tracking: clients by id, and what each was sent.
struct Delivery final : Tracking::Clients {
  TestClients made;
  Client& add(resp::Protocol protocol = resp::Protocol::kResp3) {
    Client& client = made.add();
    client.protocol = protocol;
    return client;
  }
  Client* client_by_id(uint64_t id) override {
    for (auto& client : made.clients) {
      if (client && client->id() == id) return client.get();
    }
    return nullptr;
  }
  void send_to_client(Client& target, std::string_view frame, bool as_push) override {
    std::string& out = sent[target.id()];
    if (as_push && target.protocol == resp::Protocol::kResp3) {
      out += '>';
      out += frame.substr(1);
    } else {
      out += frame;
    }
  }
  std::string take(const Client& client) { return std::exchange(sent[client.id()], {}); }
  std::map<uint64_t, std::string> sent;
};

std::string invalidate_push(std::string_view keys) {
  return ">2\r\n$10\r\ninvalidate\r\n" + std::string(keys);
}

Tracking::Options default_mode() { return {}; }

TEST_CASE("tracking: a change to a key read sends one invalidation, then forgets the reader") {
  Delivery clients;
  Tracking tracking(clients);
  Client& reader = clients.add();
  Client& other = clients.add();
  CHECK_FALSE(tracking.in_use());
  tracking.enable(reader, default_mode(), {});
  CHECK(tracking.in_use());
  CHECK(reader.tracking.remembers_reads());
  tracking.remember(reader, "k");
  tracking.remember(reader, "k");  // once is enough
  tracking.remember(reader, "j");
  CHECK(tracking.total_keys() == 2);
  CHECK(tracking.total_items() == 2);

  tracking.key_changed("k", &other);
  CHECK(clients.take(reader) == invalidate_push("*1\r\n$1\r\nk\r\n"));
  CHECK(tracking.total_keys() == 1);
  tracking.key_changed("k", &other);
  CHECK(clients.take(reader).empty());
  CHECK(clients.take(other).empty());
}

TEST_CASE(
    "tracking: the running client's own invalidations wait for its reply; NOLOOP drops them") {
  Delivery clients;
  Tracking tracking(clients);
  Client& reader = clients.add();
  Client& quiet = clients.add();
  tracking.enable(reader, default_mode(), {});
  Tracking::Options noloop;
  noloop.noloop = true;
  tracking.enable(quiet, noloop, {});
  tracking.remember(reader, "k");
  tracking.remember(quiet, "q");

  tracking.set_running(&reader);
  tracking.key_changed("k", &reader);
  CHECK(clients.take(reader).empty());
  CHECK(tracking.has_pending());
  tracking.set_running(nullptr);
  tracking.flush_pending();
  CHECK(clients.take(reader) == invalidate_push("*1\r\n$1\r\nk\r\n"));

  tracking.set_running(&quiet);
  tracking.key_changed("q", &quiet);
  tracking.set_running(nullptr);
  tracking.flush_pending();
  CHECK(clients.take(quiet).empty());
  CHECK(tracking.total_keys() == 0);
}

TEST_CASE("tracking: RESP2 clients are told only through a subscribed redirect target") {
  Delivery clients;
  Tracking tracking(clients);
  Client& alone = clients.add(resp::Protocol::kResp2);
  Client& redirecting = clients.add(resp::Protocol::kResp2);
  Client& target = clients.add(resp::Protocol::kResp2);
  tracking.enable(alone, default_mode(), {});
  Tracking::Options to_target;
  to_target.redirect = target.id();
  tracking.enable(redirecting, to_target, {});
  tracking.remember(alone, "k");
  tracking.remember(redirecting, "k");

  tracking.key_changed("k", nullptr);
  CHECK(clients.take(alone).empty());
  CHECK(clients.take(target).empty());  // not subscribed

  target.subscriptions.channels.emplace("__redis__:invalidate");
  tracking.remember(redirecting, "k");
  tracking.key_changed("k", nullptr);
  CHECK(clients.take(target) ==
        "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");

  // A flush: the null of the tracking client's protocol.
  tracking.flushed();
  CHECK(clients.take(target) == "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
  // Once per command, however many databases were emptied.
  tracking.flushed();
  CHECK(clients.take(target).empty());
  tracking.command_started();
  tracking.flushed();
  CHECK_FALSE(clients.take(target).empty());
}

TEST_CASE("tracking: a redirect target that went away is reported to a RESP3 client") {
  Delivery clients;
  Tracking tracking(clients);
  Client& reader = clients.add();
  Client& target = clients.add();
  Tracking::Options to_target;
  to_target.redirect = target.id();
  tracking.enable(reader, to_target, {});
  tracking.remember(reader, "k");
  clients.made.clients[1].reset();
  tracking.key_changed("k", nullptr);
  CHECK(reader.tracking.broken_redirect);
  CHECK(clients.take(reader) == ">2\r\n$21\r\ntracking-redir-broken\r\n:2\r\n");
}

TEST_CASE("tracking: BCAST gathers the keys under each prefix and sends them per prefix") {
  Delivery clients;
  Tracking tracking(clients);
  Client& all = clients.add();
  Client& quiet = clients.add();
  Tracking::Options bcast;
  bcast.bcast = true;
  const std::string_view prefixes[] = {"a:", "b:"};
  tracking.enable(all, bcast, prefixes);
  bcast.noloop = true;
  tracking.enable(quiet, bcast, {});
  CHECK(tracking.total_prefixes() == 3);
  CHECK(quiet.tracking.prefixes == std::vector<std::string>{""});

  tracking.key_changed("b:2", &quiet);
  tracking.key_changed("a:1", &quiet);
  tracking.key_changed("b:1", nullptr);
  tracking.key_changed("c", &quiet);
  tracking.broadcast();
  CHECK(clients.take(all) == invalidate_push("*1\r\n$3\r\na:1\r\n") +
                                 invalidate_push("*2\r\n$3\r\nb:1\r\n$3\r\nb:2\r\n"));
  // NOLOOP: only b:1 was changed by someone else.
  CHECK(clients.take(quiet) == invalidate_push("*1\r\n$3\r\nb:1\r\n"));
  tracking.broadcast();
  CHECK(clients.take(all).empty());

  tracking.disable(all);
  CHECK(tracking.total_prefixes() == 1);
  CHECK(all.tracking.prefixes.empty());
  tracking.disable(quiet);
  CHECK(tracking.total_prefixes() == 0);
  CHECK_FALSE(tracking.in_use());
}

TEST_CASE("tracking: with more prefixes than key bytes, each beginning of the key is looked up") {
  Delivery clients;
  Tracking tracking(clients);
  Client& client = clients.add();
  Tracking::Options bcast;
  bcast.bcast = true;
  const std::string_view prefixes[] = {"a", "bb", "bcd", "c", "d", "e", "f"};
  tracking.enable(client, bcast, prefixes);
  tracking.key_changed("bcd1", nullptr);
  tracking.key_changed("bc", nullptr);  // shorter than the prefix bcd
  tracking.key_changed("b", nullptr);
  tracking.key_changed("f", nullptr);
  tracking.broadcast();
  CHECK(clients.take(client) ==
        invalidate_push("*1\r\n$4\r\nbcd1\r\n") + invalidate_push("*1\r\n$1\r\nf\r\n"));
}

TEST_CASE("tracking: over tracking-table-max-keys, keys are invalidated until it fits") {
  Delivery clients;
  Tracking tracking(clients);
  Client& reader = clients.add();
  tracking.enable(reader, default_mode(), {});
  for (int i = 0; i < 250; ++i) tracking.remember(reader, "key" + std::to_string(i));
  tracking.enforce_limit(0);  // no limit
  CHECK(tracking.total_keys() == 250);
  tracking.enforce_limit(1);  // a hundred at first
  CHECK(tracking.total_keys() == 150);
  tracking.enforce_limit(1);  // then two hundred
  CHECK(tracking.total_keys() == 1);
  CHECK(tracking.total_items() == 1);
  const std::string sent = clients.take(reader);
  size_t messages = 0;
  for (size_t at = sent.find(">2"); at != std::string::npos; at = sent.find(">2", at + 1)) {
    ++messages;
  }
  CHECK(messages == 249);
}

TEST_CASE("tracking: a client that stopped tracking is skipped and its entries dropped") {
  Delivery clients;
  Tracking tracking(clients);
  Client& reader = clients.add();
  tracking.enable(reader, default_mode(), {});
  tracking.remember(reader, "k");
  tracking.disable(reader);
  CHECK_FALSE(reader.tracking.on);
  CHECK(tracking.total_items() == 1);  // not cleaned, as in Redis
  tracking.key_changed("k", nullptr);
  CHECK(clients.take(reader).empty());
  CHECK(tracking.total_items() == 0);
}

TEST_CASE("tracking: OPTIN remembers after CACHING YES only, OPTOUT unless CACHING NO") {
  ClientTracking state;
  state.on = true;
  CHECK(state.remembers_reads());
  state.optin = true;
  CHECK_FALSE(state.remembers_reads());
  state.caching = true;
  CHECK(state.remembers_reads());
  state.optin = false;
  state.optout = true;
  CHECK_FALSE(state.remembers_reads());
  state.caching = false;
  CHECK(state.remembers_reads());
  state.bcast = true;
  CHECK_FALSE(state.remembers_reads());
}

}  // namespace
}  // namespace fkvs
