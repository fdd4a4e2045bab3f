#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fixture_files.h"
#include "json_value.h"
#include "persistence/dump_payload.h"
#include "persistence/format_error.h"
#include "persistence/rdb_image.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "store/stream_value.h"
#include "test_bytes.h"
#include "test_dataset.h"

namespace fkvs::persistence {
namespace {

using test::JsonValue;

std::string as_hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (const char c : bytes) {
    hex += kDigits[static_cast<unsigned char>(c) >> 4];
    hex += kDigits[static_cast<unsigned char>(c) & 15];
  }
  return hex;
}

StreamId id_of(const JsonValue& text) { return StreamId::parse(text.text(), 0, true)->id; }

const StreamValue& stream_at(Dataset& data, int db, std::string_view key) {
  const Entry* entry = data.db(db).lookup_read_no_touch(key);
  REQUIRE_MESSAGE(entry != nullptr, "missing key " << std::string(key));
  REQUIRE(entry->value().type() == ValueType::kStream);
  return *static_cast<const StreamValue*>(entry->value().collection());
}

// Every entry, group, consumer and pending entry of stream against the
// fixture's JSON. Files from before 7.0 have no first ID, max deleted ID,
// entries added, entries-read (or, in 5.0, times): those are checked as
// redis-server 7.0.15 derives them when it loads such a file.
void check_stream(const StreamValue& stream, const JsonValue& expected) {
  CHECK(stream.size() == expected["length"].unsigned_integer());
  CHECK(stream.last_id() == id_of(expected["last_generated_id"]));
  CHECK(stream.node_count() == expected["listpack_nodes"].unsigned_integer());
  if (expected["entries_added"].is_null()) {
    CHECK(stream.entries_added() == stream.size());
    CHECK(stream.max_deleted_id() == StreamId::min());
    CHECK(stream.first_id() == stream.first_entry_id().value_or(StreamId::max()));
  } else {
    CHECK(stream.entries_added() == expected["entries_added"].unsigned_integer());
    CHECK(stream.max_deleted_id() == id_of(expected["max_deleted_entry_id"]));
    CHECK(stream.first_id() == id_of(expected["recorded_first_entry_id"]));
  }

  std::vector<std::string> entries;
  for (auto it = stream.range(StreamId::min(), StreamId::max()); it.next();) {
    std::string row = it.id().to_string();
    it.for_each_field([&](std::string_view field, std::string_view value) {
      row += " " + as_hex(field) + "=" + as_hex(value);
    });
    entries.push_back(row);
  }
  std::vector<std::string> expected_entries;
  for (const JsonValue& entry : expected["entries"].items()) {
    std::string row = entry[0].text();
    for (const JsonValue& pair : entry[1].items()) {
      row += " " + pair[0].text() + "=" + pair[1].text();
    }
    expected_entries.push_back(row);
  }
  CHECK(entries == expected_entries);
  size_t backwards = 0;
  for (auto it = stream.range(StreamId::min(), StreamId::max(), true); it.next(); ++backwards) {
    CHECK(it.id().to_string() ==
          expected_entries[expected_entries.size() - 1 - backwards].substr(
              0, expected_entries[expected_entries.size() - 1 - backwards].find(' ')));
  }
  CHECK(backwards == expected_entries.size());

  const auto& groups = expected["groups"].items();
  REQUIRE(stream.group_count() == groups.size());
  size_t index = 0;
  stream.for_each_group([&](const StreamGroup& group) {
    const JsonValue& want = groups[index++];
    CHECK(as_hex(group.name()) == want["name"].text());
    CHECK(group.last_delivered_id() == id_of(want["last_delivered_id"]));
    if (want["entries_read"].is_null()) {
      CHECK(group.entries_read() == stream.estimate_entries_read(group.last_delivered_id()));
    } else {
      CHECK(group.entries_read() == want["entries_read"].integer());
    }
    const auto& pending = want["pending"].items();
    REQUIRE(group.pending_count() == pending.size());
    size_t p = 0;
    group.for_each_pending(
        StreamId::min(), StreamId::max(), nullptr, [&](const PendingEntry& entry) {
          const JsonValue& nack = pending[p++];
          CHECK(entry.id == id_of(nack["id"]));
          CHECK(as_hex(entry.consumer->name()) == nack["consumer"].text());
          CHECK(entry.delivery_count == nack["delivery_count"].unsigned_integer());
          if (!nack["delivery_time_ms"].is_null()) {
            CHECK(entry.delivery_time_ms == nack["delivery_time_ms"].integer());
          }
          return true;
        });
    const auto& consumers = want["consumers"].items();
    REQUIRE(group.consumer_count() == consumers.size());
    size_t c = 0;
    group.for_each_consumer([&](const StreamConsumer& consumer) {
      const JsonValue& who = consumers[c++];
      CHECK(as_hex(consumer.name()) == who["name"].text());
      if (!who["seen_time_ms"].is_null()) {
        CHECK(consumer.seen_time_ms() == who["seen_time_ms"].integer());
      }
      std::vector<std::string> ids;
      group.for_each_pending(StreamId::min(), StreamId::max(), &consumer,
                             [&](const PendingEntry& entry) {
                               ids.push_back(entry.id.to_string());
                               return true;
                             });
      std::vector<std::string> expected_ids;
      for (const JsonValue& id : who["pending"].items()) expected_ids.push_back(id.text());
      CHECK(ids == expected_ids);
    });
  });
}

struct LoadedFixture {
  Dataset data;
  JsonValue expected;
  std::string file;
};

void load_fixture(const std::string& version, LoadedFixture& out) {
  out.file = test::read_rdb_fixture(version + "/streams.rdb");
  out.expected = JsonValue::parse(test::read_rdb_fixture(version + "/streams-expected.json"));
  RdbLoadOptions options;
  options.now_ms = 1700000000000;
  load_rdb_image(out.file, out.data.dbs, options);
}

TEST_CASE("rdb_stream: the streams.rdb of Redis 5.0, 6.2 and 7.0 load with their contents") {
  for (const std::string version : {"5.0.14", "6.2.14", "7.0.15"}) {
    CAPTURE(version);
    LoadedFixture fixture;
    load_fixture(version, fixture);
    for (const auto& [db, keys] : fixture.expected["databases"].members()) {
      for (const auto& [key_hex, entry] : keys.members()) {
        CAPTURE(entry["key_text"].text());
        const int index = std::stoi(db);
        const StreamValue& stream = stream_at(fixture.data, index, from_hex(key_hex));
        check_stream(stream, entry["value"]);
        const Entry* held = fixture.data.db(index).lookup_read_no_touch(from_hex(key_hex));
        const int64_t expire = fixture.data.db(index).expire_at(held);
        CHECK(expire == (entry["expire_ms"].is_null() ? -1 : entry["expire_ms"].integer()));
      }
    }
    CHECK(fixture.data.digest() == fixture.expected["debug_digest_after_load_by_7_0_15"].text());
  }
}

TEST_CASE("rdb_stream: a 7.0 stream is written back byte for byte as Redis wrote it") {
  LoadedFixture fixture;
  load_fixture("7.0.15", fixture);
  for (const auto& [db, keys] : fixture.expected["databases"].members()) {
    for (const auto& [key_hex, entry] : keys.members()) {
      CAPTURE(entry["key_text"].text());
      const std::string key = from_hex(key_hex);
      const Entry* held = fixture.data.db(std::stoi(db)).lookup_read_no_touch(key);
      RdbWriter writer(true);
      writer.write_entry(key, held->value(), -1);
      const std::string written = writer.take();
      CHECK(fixture.file.find(written) != std::string::npos);
    }
  }
}

TEST_CASE("rdb_stream: a stream appended as XADD would builds the nodes Redis built") {
  LoadedFixture fixture;
  load_fixture("7.0.15", fixture);
  const StreamValue& original = stream_at(fixture.data, 0, "stream:small");
  StreamValue rebuilt;
  for (auto it = original.range(StreamId::min(), StreamId::max()); it.next();) {
    std::vector<std::string> strings;
    it.for_each_field([&](std::string_view field, std::string_view value) {
      strings.emplace_back(field);
      strings.emplace_back(value);
    });
    const std::vector<std::string_view> views(strings.begin(), strings.end());
    REQUIRE(rebuilt.append(it.id(), views, {}));
  }
  std::vector<std::string> original_blocks;
  std::vector<std::string> rebuilt_blocks;
  original.for_each_node(
      [&](StreamId, const StreamNode& node) { original_blocks.emplace_back(node.block()); });
  rebuilt.for_each_node(
      [&](StreamId, const StreamNode& node) { rebuilt_blocks.emplace_back(node.block()); });
  CHECK(as_hex(original_blocks.at(0)) == as_hex(rebuilt_blocks.at(0)));
}

TEST_CASE("rdb_stream: DUMP payloads of streams restore with everything") {
  for (const std::string version : {"5.0.14", "7.0.15"}) {
    LoadedFixture fixture;
    load_fixture(version, fixture);
    for (const auto& [db, keys] : fixture.expected["databases"].members()) {
      for (const auto& [key_hex, entry] : keys.members()) {
        CAPTURE(entry["key_text"].text());
        const StreamValue& stream = stream_at(fixture.data, std::stoi(db), from_hex(key_hex));
        Value value;
        value.set_collection(stream.clone());
        for (bool compress : {false, true}) {
          const std::string payload = make_dump_payload(value, compress);
          CHECK(dump_trailer_valid(payload));
          const Value restored = read_dump_payload(payload, EncodingLimits{});
          REQUIRE(restored.type() == ValueType::kStream);
          const auto& copy = *static_cast<const StreamValue*>(restored.collection());
          CHECK(make_dump_payload(restored, compress) == payload);
          if (version == "7.0.15") check_stream(copy, entry["value"]);
        }
      }
    }
  }
}

TEST_CASE("rdb_stream: damaged stream payloads are refused") {
  LoadedFixture fixture;
  load_fixture("7.0.15", fixture);
  const Entry* held = fixture.data.db(0).lookup_read_no_touch("stream:main");
  const std::string payload = make_dump_payload(held->value(), false);
  // Every single-byte change of the value either still loads or is refused
  // with FormatError: nothing reads out of bounds (the sanitizers watch).
  size_t refused = 0;
  const size_t value_bytes = payload.size() - 10;
  for (size_t i = 1; i < value_bytes; i += 3) {
    std::string damaged = payload.substr(0, value_bytes);
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
    try {
      RdbReader reader(damaged);
      const uint8_t type = reader.read_byte();
      Value out;
      reader.read_value(type, EncodingLimits{}, out);
      // What passed the checks is safe to walk either way.
      const auto& loaded = *static_cast<const StreamValue*>(out.collection());
      size_t bytes = 0;
      for (bool reverse : {false, true}) {
        for (auto it = loaded.range(StreamId::min(), StreamId::max(), reverse); it.next();) {
          it.for_each_field([&](std::string_view field, std::string_view value) {
            bytes += field.size() + value.size();
          });
        }
      }
      CHECK(bytes > 0);
    } catch (const FormatError&) {
      ++refused;
    }
  }
  CHECK(refused > 0);
}

}  // namespace
}  // namespace fkvs::persistence
