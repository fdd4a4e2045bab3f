#include "server/info.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"
#include "server/server.h"

namespace {

using fkvs::build_info;
using fkvs::bytes_to_human;

// The section titles of an INFO text, in order.
std::vector<std::string> titles(const std::string& text) {
  std::vector<std::string> found;
  size_t at = 0;
  while ((at = text.find("# ", at)) != std::string::npos) {
    size_t end = text.find("\r\n", at);
    found.push_back(text.substr(at + 2, end - at - 2));
    at = end;
  }
  return found;
}

std::string info(fkvs::Server& server, std::vector<std::string_view> sections) {
  return build_info(server, sections);
}

}  // namespace

TEST_CASE("info: bytes_to_human prints Redis's units with two decimals") {
  CHECK(bytes_to_human(0) == "0B");
  CHECK(bytes_to_human(1023) == "1023B");
  CHECK(bytes_to_human(1024) == "1.00K");
  CHECK(bytes_to_human(916392) == "894.91K");
  CHECK(bytes_to_human(1024 * 1024 - 1) == "1024.00K");
  CHECK(bytes_to_human(6569984) == "6.27M");
  CHECK(bytes_to_human(25276063744ull) == "23.54G");
  CHECK(bytes_to_human(1ull << 40) == "1.00T");
  CHECK(bytes_to_human(3ull << 50) == "3.00P");
  // From 1024P on Redis gives up on units.
  CHECK(bytes_to_human(1ull << 60) == "1152921504606846976B");
}

TEST_CASE("info: used_memory grows with a live allocation and the peak keeps it") {
  uint64_t before = fkvs::used_memory();
  constexpr size_t kSize = 8 << 20;
  auto block = std::make_unique<char[]>(kSize);
  block[kSize - 1] = 1;
  uint64_t during = fkvs::used_memory();
  CHECK(during >= before + kSize);
  CHECK(fkvs::sample_memory_peak(fkvs::used_memory()) >= during);
  block.reset();
  CHECK(fkvs::used_memory() < during);
  CHECK(fkvs::sample_memory_peak(fkvs::used_memory()) >= during);
}

TEST_CASE("info: section selection follows Redis 7.0") {
  fkvs::Server server{fkvs::Config{}};
  const std::vector<std::string> kDefault = {"Server",     "Clients",     "Memory",  "Persistence",
                                             "Stats",      "Replication", "CPU",     "Modules",
                                             "Errorstats", "Cluster",     "Keyspace"};
  const std::vector<std::string> kAll = {
      "Server",  "Clients",      "Memory",     "Persistence",  "Stats",   "Replication", "CPU",
      "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"};

  CHECK(titles(info(server, {})) == kDefault);
  CHECK(titles(info(server, {"default"})) == kDefault);
  CHECK(titles(info(server, {"ALL"})) == kAll);
  CHECK(titles(info(server, {"everything"})) == kAll);
  CHECK(titles(info(server, {"default", "commandstats"})).size() == kDefault.size() + 1);
  // Printed in Redis's order whatever the order asked, unknown names skipped.
  CHECK(titles(info(server, {"keyspace", "nosuch", "Server"})) ==
        std::vector<std::string>{"Server", "Keyspace"});
  CHECK(info(server, {"nosuch"}).empty());
}

TEST_CASE("info: layout is field lines, sections split by one empty line") {
  fkvs::Server server{fkvs::Config{}};
  std::string text = info(server, {"server", "cluster"});
  CHECK(text.starts_with("# Server\r\nredis_version:7.0.15\r\nfkvs_version:"));
  CHECK(text.find("\r\nio_threads_active:0\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n") !=
        std::string::npos);
  CHECK(text.ends_with("cluster_enabled:0\r\n"));
  size_t run_id = text.find("\r\nrun_id:");
  REQUIRE(run_id != std::string::npos);
  CHECK(text.substr(run_id + 9, 42).find_first_not_of("0123456789abcdef") == 40);
  // The run id stays the same for the life of the process.
  CHECK(info(server, {"server"}).find(text.substr(run_id, 49)) != std::string::npos);
}

TEST_CASE("info: keyspace lists only databases holding keys") {
  fkvs::Server server{fkvs::Config{}};
  CHECK(info(server, {"keyspace"}) == "# Keyspace\r\n");
  server.db(0).find_or_insert("a");
  auto [entry, created] = server.db(3).find_or_insert("b");
  REQUIRE(created);
  server.db(3).find_or_insert("c");
  server.db(3).set_expire(entry, INT64_C(4102444800000));
  CHECK(info(server, {"keyspace"}) ==
        "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\ndb3:keys=2,expires=1,avg_ttl=0\r\n");
}
