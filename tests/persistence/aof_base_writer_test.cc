#include "persistence/aof_base_writer.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "../store/test_values.h"
#include "fixture_files.h"
#include "persistence/rdb_image.h"
#include "request_parser.h"
#include "server/dataset_digest.h"
#include "store/hash_value.h"
#include "store/list_value.h"
#include "store/set_value.h"
#include "store/zset_value.h"
#include "test_dataset.h"
#include "util/number.h"

namespace fkvs::persistence {
namespace {

using Command = std::vector<std::string>;

constexpr int64_t kNowMs = 1700000000000;
constexpr int64_t kYear2100Ms = 4102444800123;

// The RESP array a client sends for args.
std::string resp(const Command& args) {
  std::string bytes = std::string("*").append(std::to_string(args.size())).append("\r\n");
  for (const std::string& arg : args) {
    bytes.append("$").append(std::to_string(arg.size())).append("\r\n").append(arg).append("\r\n");
  }
  return bytes;
}

std::string resp(const std::vector<Command>& commands) {
  std::string bytes;
  for (const Command& command : commands) bytes += resp(command);
  return bytes;
}

// Each batch of a collection command: `name key` and up to 64 items of
// items_per_command bulks each.
std::vector<Command> batched(const std::string& name, const std::string& key,
                             const std::vector<std::string>& bulks, size_t bulks_per_item) {
  std::vector<Command> commands;
  const size_t bulks_per_command = 64 * bulks_per_item;
  for (size_t first = 0; first < bulks.size(); first += bulks_per_command) {
    Command command{name, key};
    for (size_t i = first; i < bulks.size() && i < first + bulks_per_command; ++i) {
      command.push_back(bulks[i]);
    }
    commands.push_back(std::move(command));
  }
  return commands;
}

std::vector<std::string> numbers(size_t count) {
  std::vector<std::string> texts;
  for (size_t i = 0; i < count; ++i) texts.push_back(std::to_string(i));
  return texts;
}

Value list_of(const std::vector<std::string>& items) {
  auto list = std::make_unique<ListValue>(-2, 0);
  for (const auto& item : items) list->list().push_back(item);
  return holding(std::move(list));
}

Value set_holding(const std::vector<std::string>& members) {
  auto set = SetValue::create_for(members.front());
  for (const auto& member : members) set->add(member, 512);
  return holding(std::move(set));
}

Value hash_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
  auto hash = std::make_unique<HashValue>();
  for (const auto& [field, text] : pairs) hash->set(field, text, {512, 64});
  return holding(std::move(hash));
}

Value zset_of(const std::vector<std::pair<std::string, double>>& members) {
  ZSetLimits limits;
  auto zset = std::make_unique<ZSetValue>(limits, members.size(), 8);
  for (const auto& [member, score] : members) zset->set(member, score, limits);
  return holding(std::move(zset));
}

std::vector<std::string> generated(const std::string& prefix, size_t count) {
  std::vector<std::string> texts;
  for (size_t i = 0; i < count; ++i) texts.push_back(prefix + std::to_string(i));
  return texts;
}

std::vector<std::pair<std::string, std::string>> fields(size_t count, size_t value_length) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < count; ++i) {
    pairs.emplace_back("field" + std::to_string(i), std::string(value_length, 'v'));
  }
  return pairs;
}

std::vector<std::pair<std::string, double>> scored(size_t count) {
  std::vector<std::pair<std::string, double>> members;
  for (size_t i = 0; i < count; ++i) {
    members.emplace_back(std::string("m").append(std::to_string(i)),
                         static_cast<double>(i) / 4 - 3);
  }
  return members;
}

// Every type in every encoding, some keys with TTLs, in databases 0, 3 and 15.
void fill_for_aof(Dataset& data) {
  Db& db0 = data.db(0);
  db0.insert("str:int", string_value("12345"));
  db0.insert("str:int64", string_value("-9223372036854775808"));
  db0.insert("str:short", string_value("hi"));
  db0.insert("str:empty", Value());
  db0.insert("str:long", string_value(std::string(5000, 'x')));
  db0.insert("str:binary", string_value(std::string("\0\xff\r\n*$", 6)));
  db0.insert(std::string("key\r\n\0", 6), string_value("odd key"));
  db0.insert("list:small", list_of({"a", "1", "-7", ""}));
  db0.insert("list:long", list_of(generated("item-", 1000)));
  db0.insert("hash:listpack", hash_of(fields(10, 5)));
  db0.insert("hash:table", hash_of(fields(600, 5)));
  db0.insert("hash:long-value", hash_of(fields(3, 100)));
  db0.insert("set:intset", set_holding({"3", "-70000", "1099511627776"}));
  db0.insert("set:table", set_holding({"a", "b", "", std::string("\0x", 2)}));
  db0.insert("set:big-intset", set_holding(numbers(300)));
  db0.insert("zset:listpack", zset_of(scored(20)));
  db0.insert("zset:skiplist", zset_of(scored(300)));
  db0.insert("zset:odd-scores", zset_of({{"tiny", 1e-300},
                                         {"third", 1.0 / 3},
                                         {"big", 1e17},
                                         {"neg", -2.5},
                                         {"up", HUGE_VAL},
                                         {"down", -HUGE_VAL}}));
  db0.set_expire(db0.insert("ttl:str", string_value("soon")), kYear2100Ms);
  Db& db3 = data.db(3);
  db3.set_expire(db3.insert("ttl:list", list_of(generated("x", 70))), kYear2100Ms + 1);
  db3.set_expire(db3.insert("ttl:zset", zset_of(scored(5))), kYear2100Ms + 2);
  data.db(15).insert("db15", string_value("fifteen"));
}

// The commands in bytes, read back by the server's own request parser.
std::vector<Command> parse_commands(std::string_view bytes) {
  resp::RequestParser parser;
  std::vector<Command> commands;
  while (!bytes.empty()) {
    REQUIRE(parser.parse(bytes) == resp::ParseStatus::kRequest);
    commands.emplace_back(parser.args().begin(), parser.args().end());
    bytes.remove_prefix(parser.consumed());
  }
  return commands;
}

// Runs the commands on data with the store's own operations, as loading the
// AOF would.
void replay(const std::vector<Command>& commands, Dataset& data) {
  Db* db = nullptr;
  for (const Command& args : commands) {
    REQUIRE(args.size() >= 2);
    const std::string& name = args[0];
    const std::string& key = args[1];
    if (name == "SELECT") {
      REQUIRE(args.size() == 2);
      db = &data.db(std::stoi(key));
      continue;
    }
    REQUIRE(db != nullptr);
    Entry* entry = db->find(key);
    if (name == "SET") {
      REQUIRE(args.size() == 3);
      db->insert(key, string_value(args[2]));
    } else if (name == "PEXPIREAT") {
      REQUIRE(args.size() == 3);
      REQUIRE(entry != nullptr);
      db->set_expire(entry, *parse_int64(args[2]));
    } else if (name == "RPUSH") {
      if (entry == nullptr) entry = db->insert(key, list_of({}));
      auto& list = static_cast<ListValue*>(entry->value().collection())->list();
      for (size_t i = 2; i < args.size(); ++i) list.push_back(args[i]);
    } else if (name == "SADD") {
      if (entry == nullptr) entry = db->insert(key, holding(SetValue::create_for(args[2])));
      auto& set = *static_cast<SetValue*>(entry->value().collection());
      for (size_t i = 2; i < args.size(); ++i) set.add(args[i], 512);
    } else if (name == "ZADD") {
      REQUIRE(args.size() % 2 == 0);
      if (entry == nullptr) entry = db->insert(key, zset_of({}));
      auto& zset = *static_cast<ZSetValue*>(entry->value().collection());
      for (size_t i = 2; i < args.size(); i += 2) {
        const auto score = parse_double(args[i]);
        REQUIRE(score.has_value());
        zset.set(args[i + 1], *score, ZSetLimits{});
      }
    } else if (name == "HMSET") {
      REQUIRE(args.size() % 2 == 0);
      if (entry == nullptr) entry = db->insert(key, hash_of({}));
      auto& hash = *static_cast<HashValue*>(entry->value().collection());
      for (size_t i = 2; i < args.size(); i += 2) hash.set(args[i], args[i + 1], {512, 64});
    } else {
      FAIL("unexpected command " << name);
    }
  }
}

TEST_CASE("aof_base: a string key is SELECT then SET, byte for byte") {
  Dataset data;
  data.db(0).insert("k", string_value("v"));
  CHECK(aof_base_bytes(data.dbs, kNowMs) ==
        "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
}

TEST_CASE("aof_base: a TTL follows its key as PEXPIREAT with the absolute time") {
  Dataset data;
  Db& db = data.db(1);
  db.set_expire(db.insert("n", string_value("12345")), kYear2100Ms);
  CHECK(aof_base_bytes(data.dbs, kNowMs) ==
        "*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n"
        "*3\r\n$3\r\nSET\r\n$1\r\nn\r\n$5\r\n12345\r\n"
        "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nn\r\n$13\r\n4102444800123\r\n");
}

TEST_CASE("aof_base: collections go 64 items to a command") {
  for (size_t count : {1, 63, 64, 65, 128, 130}) {
    CAPTURE(count);
    SUBCASE("list") {
      Dataset data;
      data.db(2).insert("l", list_of(numbers(count)));
      std::vector<Command> expected{{"SELECT", "2"}};
      for (auto& command : batched("RPUSH", "l", numbers(count), 1)) expected.push_back(command);
      CHECK(aof_base_bytes(data.dbs, kNowMs) == resp(expected));
    }
    SUBCASE("intset, in ascending order") {
      Dataset data;
      data.db(0).insert("s", set_holding(numbers(count)));
      std::vector<Command> expected{{"SELECT", "0"}};
      for (auto& command : batched("SADD", "s", numbers(count), 1)) expected.push_back(command);
      CHECK(aof_base_bytes(data.dbs, kNowMs) == resp(expected));
    }
    SUBCASE("listpack hash, in insertion order") {
      Dataset data;
      data.db(0).insert("h", hash_of(fields(count, 2)));
      std::vector<std::string> bulks;
      for (const auto& [field, text] : fields(count, 2)) {
        bulks.push_back(field);
        bulks.push_back(text);
      }
      std::vector<Command> expected{{"SELECT", "0"}};
      for (auto& command : batched("HMSET", "h", bulks, 2)) expected.push_back(command);
      CHECK(aof_base_bytes(data.dbs, kNowMs) == resp(expected));
    }
  }
}

TEST_CASE("aof_base: scores are written as Redis 7.0 replies them, score before member") {
  Dataset data;
  data.db(0).insert(
      "z",
      zset_of({{"e", HUGE_VAL}, {"c", 1.5}, {"a", -HUGE_VAL}, {"b", 0.1}, {"d", 3}, {"f", 1e17}}));
  CHECK(aof_base_bytes(data.dbs, kNowMs) ==
        resp({{"SELECT", "0"},
              {"ZADD", "z", "-inf", "a", "0.10000000000000001", "b", "1.5", "c", "3", "d", "1e+17",
               "f", "inf", "e"}}));
}

TEST_CASE("aof_base: every type and encoding comes back the same through the parser") {
  Dataset original;
  fill_for_aof(original);
  const std::string bytes = aof_base_bytes(original.dbs, kNowMs);
  const std::vector<Command> commands = parse_commands(bytes);

  std::vector<std::string> selected;
  std::map<std::string, std::vector<Command>> by_key;  // each key's commands, in order
  for (const Command& command : commands) {
    if (command[0] == "SELECT") {
      selected.push_back(command[1]);
    } else {
      by_key[selected.back() + "/" + command[1]].push_back(command);
    }
  }
  CHECK(selected == std::vector<std::string>{"0", "3", "15"});
  CHECK(by_key.size() == 22);

  const auto names = [&](const std::string& key) {
    std::vector<std::string> result;
    for (const Command& command : by_key[key]) result.push_back(command[0]);
    return result;
  };
  using Names = std::vector<std::string>;
  CHECK(names("0/str:int") == Names{"SET"});
  CHECK(by_key["0/str:int64"][0][2] == "-9223372036854775808");
  CHECK(by_key["0/str:binary"][0][2] == std::string("\0\xff\r\n*$", 6));
  CHECK(names(std::string("0/key\r\n\0", 8)) == Names{"SET"});
  CHECK(names("0/list:long") == Names(16, "RPUSH"));  // 15 x 64 + 40
  CHECK(by_key["0/list:long"].back().size() == 2 + 40);
  CHECK(names("0/hash:table") == Names(10, "HMSET"));  // 9 x 64 + 24
  CHECK(names("0/set:big-intset") == Names(5, "SADD"));
  CHECK(names("0/zset:skiplist") == Names(5, "ZADD"));
  CHECK(names("0/ttl:str") == Names{"SET", "PEXPIREAT"});
  CHECK(by_key["0/ttl:str"][1][2] == std::to_string(kYear2100Ms));
  CHECK(names("3/ttl:list") == Names{"RPUSH", "RPUSH", "PEXPIREAT"});
  CHECK(names("3/ttl:zset") == Names{"ZADD", "PEXPIREAT"});
  for (const Command& command : commands) {
    CHECK(command.size() <= 2 + 2 * kAofItemsPerCommand);
  }

  Dataset replayed;
  replay(commands, replayed);
  CHECK(dataset_digest(replayed.dbs) == dataset_digest(original.dbs));
  CHECK(dataset_digest(replayed.dbs) != std::string(40, '0'));
}

TEST_CASE("aof_base: keys whose TTL has passed are left out") {
  Dataset data;
  Db& db = data.db(0);
  db.insert("kept", string_value("1"));
  db.set_expire(db.insert("gone", string_value("2")), kNowMs - 1);
  db.set_expire(db.insert("long-gone", list_of({"a", "b"})), 1000);
  // Redis expires a key once the clock is past its time, not at it.
  db.set_expire(db.insert("expiring-now", string_value("3")), kNowMs);
  // A database holding only expired keys still has its SELECT, as in Redis.
  Db& stale = data.db(4);
  stale.set_expire(stale.insert("gone-too", string_value("4")), kNowMs - 1);

  const std::vector<Command> commands = parse_commands(aof_base_bytes(data.dbs, kNowMs));
  std::map<std::string, std::vector<std::string>> by_key;
  for (const Command& command : commands) {
    if (command[0] != "SELECT") by_key[command[1]].push_back(command[0]);
  }
  CHECK(by_key.size() == 2);
  CHECK(by_key["kept"] == std::vector<std::string>{"SET"});
  CHECK(by_key["expiring-now"] == std::vector<std::string>{"SET", "PEXPIREAT"});
  CHECK(commands.back() == Command{"SELECT", "4"});
}

TEST_CASE("aof_base: empty databases write nothing, not even SELECT") {
  Dataset data;
  CHECK(aof_base_bytes(data.dbs, kNowMs).empty());
  data.db(5).insert("only", string_value("here"));
  CHECK(parse_commands(aof_base_bytes(data.dbs, kNowMs)) ==
        std::vector<Command>{{"SELECT", "5"}, {"SET", "only", "here"}});
}

std::string file_contents(int fd) {
  std::string contents;
  char chunk[65536];
  REQUIRE(::lseek(fd, 0, SEEK_SET) == 0);
  for (ssize_t n; (n = ::read(fd, chunk, sizeof(chunk))) > 0;) contents.append(chunk, n);
  return contents;
}

TEST_CASE("aof_base: a file gets the same bytes, written in chunks") {
  Dataset data;
  fill_for_aof(data);
  // Past the 64 KiB buffer, and past the 4 MiB between incremental syncs.
  data.db(7).insert("huge", string_value(std::string(5 * 1024 * 1024, 'h')));
  data.db(7).insert("many", list_of(generated("element-", 20000)));
  const std::string expected = aof_base_bytes(data.dbs, kNowMs);
  for (bool incremental_fsync : {false, true}) {
    CAPTURE(incremental_fsync);
    const int fd = ::memfd_create("aof-base", 0);
    REQUIRE(fd >= 0);
    size_t keys = 0;
    const uint64_t written =
        write_aof_base(fd, data.dbs, kNowMs, incremental_fsync, [&] { ++keys; });
    CHECK(written == expected.size());
    CHECK(keys == 24);
    CHECK(file_contents(fd) == expected);
    ::close(fd);
  }
}

TEST_CASE("aof_base: a failed write throws") {
  Dataset data;
  data.db(0).insert("k", string_value("v"));
  const int read_only = ::open("/dev/null", O_RDONLY);
  REQUIRE(read_only >= 0);
  CHECK_THROWS_AS(write_aof_base(read_only, data.dbs, kNowMs, false), std::system_error);
  ::close(read_only);
}

// Commands grouped by database and key, each key's in the order written:
// Redis writes its keys in hash-table order, which is not ours.
std::map<std::pair<std::string, std::string>, std::vector<Command>> by_key(
    const std::vector<Command>& commands) {
  std::map<std::pair<std::string, std::string>, std::vector<Command>> keys;
  std::string db;
  for (const Command& command : commands) {
    if (command[0] == "SELECT") {
      db = command[1];
      continue;
    }
    const std::string& key = command[0] == "XGROUP" ? command[2] : command[1];
    keys[{db, key}].push_back(command);
  }
  return keys;
}

TEST_CASE("aof_base: streams are written as redis-server 7.0 rewrites them") {
  Dataset data;
  RdbLoadOptions options;
  options.now_ms = kNowMs;
  load_rdb_image(test::read_rdb_fixture("7.0.15/streams.rdb"), data.dbs, options);
  const auto ours = by_key(parse_commands(aof_base_bytes(data.dbs, kNowMs)));
  const auto redis = by_key(parse_commands(test::read_rdb_fixture("7.0.15/streams-rewrite.aof")));
  CHECK(ours.size() == 6);
  CHECK(ours == redis);
}

}  // namespace
}  // namespace fkvs::persistence
