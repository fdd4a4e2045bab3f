#include "persistence/rdb_image.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "../store/test_values.h"
#include "persistence/crc64.h"
#include "persistence/dump_payload.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "server/dataset_digest.h"
#include "store/hash_value.h"
#include "store/list_value.h"
#include "store/set_value.h"
#include "store/zset_value.h"
#include "test_bytes.h"
#include "test_dataset.h"

namespace fkvs::persistence {
namespace {

Value list_of(size_t count, int64_t fill) {
  auto list = std::make_unique<ListValue>(fill, 0);
  for (size_t i = 0; i < count; ++i) {
    list->list().push_back(i % 3 == 0 ? std::to_string(i) : "item-" + std::to_string(i));
  }
  return holding(std::move(list));
}

Value hash_of(size_t count, size_t value_length) {
  auto hash = std::make_unique<HashValue>();
  for (size_t i = 0; i < count; ++i) {
    hash->set("field" + std::to_string(i), std::string(value_length, 'v') + std::to_string(i),
              {512, 64});
  }
  return holding(std::move(hash));
}

Value set_of(const std::vector<std::string>& members) {
  auto set = SetValue::create_for(members.front());
  for (const auto& member : members) set->add(member, 512);
  return holding(std::move(set));
}

Value zset_of(size_t count, size_t member_length) {
  ZSetLimits limits;
  auto zset = std::make_unique<ZSetValue>(limits, count, member_length);
  for (size_t i = 0; i < count; ++i) {
    zset->set(std::string(member_length, 'm') + std::to_string(i), static_cast<double>(i) / 4 - 3,
              limits);
  }
  return holding(std::move(zset));
}

// One key of every type and encoding fkvs has, some with TTLs, in three databases.
void fill(Dataset& data) {
  Db& db0 = data.db(0);
  db0.insert("str:int", [] {
    Value v;
    v.set_string("12345");
    return v;
  }());
  db0.insert("str:int64", [] {
    Value v;
    v.set_string("-9223372036854775808");
    return v;
  }());
  db0.insert("str:short", [] {
    Value v;
    v.set_string("hi");
    return v;
  }());
  db0.insert("str:empty", Value());
  db0.insert("str:long", [] {
    Value v;
    v.set_string(std::string(5000, 'x') + "end");
    return v;
  }());
  db0.insert("str:binary", [] {
    Value v;
    v.set_string(std::string("\0\xff\r\n", 4));
    return v;
  }());
  db0.insert("list:small", list_of(5, -2));
  db0.insert("list:nodes", list_of(1000, 16));
  db0.insert("hash:listpack", hash_of(10, 5));
  db0.insert("hash:table", hash_of(600, 5));
  db0.insert("set:intset", set_of({"3", "-70000", "1099511627776"}));
  db0.insert("set:table", set_of({"a", "b", "", std::string("\0x", 2)}));
  db0.insert("zset:listpack", zset_of(20, 3));
  db0.insert("zset:skiplist", zset_of(300, 3));
  Entry* expiring = db0.insert("ttl:str", [] {
    Value v;
    v.set_string("soon");
    return v;
  }());
  db0.set_expire(expiring, 4102444800123);
  Entry* expiring_list = data.db(3).insert("ttl:list", list_of(3, -2));
  data.db(3).set_expire(expiring_list, 4102444800000);
  data.db(15).insert("db15", [] {
    Value v;
    v.set_string("fifteen");
    return v;
  }());
}

std::string image_of(Dataset& data, bool compress, bool checksum) {
  RdbWriter writer(compress);
  write_rdb_image(writer, data.dbs, SnapshotAux{"7.0.15", 1700000000, 1024, false, {}}, checksum);
  return writer.take();
}

RdbLoadOptions options_now() {
  RdbLoadOptions options;
  options.now_ms = 1700000000000;
  return options;
}

TEST_CASE("rdb_image: every type and encoding survives a write and a load") {
  for (bool compress : {false, true}) {
    for (bool checksum : {false, true}) {
      Dataset original;
      fill(original);
      const std::string image = image_of(original, compress, checksum);
      CHECK(image.substr(0, 9) == "REDIS0010");
      Dataset loaded;
      const RdbLoadSummary summary = load_rdb_image(image, loaded.dbs, options_now());
      CHECK(summary.version == 10);
      CHECK(summary.keys_loaded == 17);
      CHECK(summary.checksum_checked == checksum);
      CHECK(summary.end_offset == image.size());
      CHECK(loaded.digest() == original.digest());
      CHECK(loaded.digest() != std::string(40, '0'));
      for (int index : {0, 3, 15}) {
        original.db(index).for_each_held([&](const Entry& entry) {
          Entry* twin = loaded.db(index).find(entry.key());
          REQUIRE_MESSAGE(twin != nullptr, entry.key());
          CHECK_MESSAGE(twin->value().encoding() == entry.value().encoding(), entry.key());
          CHECK(loaded.db(index).expire_at(twin) == original.db(index).expire_at(&entry));
        });
      }
    }
  }
}

TEST_CASE("rdb_image: compression shrinks long repetitive strings") {
  Dataset data;
  fill(data);
  CHECK(image_of(data, true, true).size() + 4000 < image_of(data, false, true).size());
}

TEST_CASE("rdb_image: the aux fields are those Redis 7.0 writes") {
  Dataset data;
  const RdbLoadSummary summary =
      load_rdb_image(image_of(data, true, true), Dataset().dbs, options_now());
  std::vector<std::string> names;
  for (const auto& [name, value] : summary.aux) names.push_back(name);
  CHECK(names ==
        std::vector<std::string>{"redis-ver", "redis-bits", "ctime", "used-mem", "aof-base"});
  CHECK(summary.aux[0].second == "7.0.15");
  CHECK(summary.aux[2].second == "1700000000");
}

TEST_CASE("rdb_image: keys whose TTL has passed are dropped on load, unless asked to keep them") {
  Dataset data;
  Entry* gone = data.db(0).insert("gone", Value());
  data.db(0).set_expire(gone, 1000);
  data.db(0).insert("kept", Value());
  const std::string image = image_of(data, true, true);
  Dataset loaded;
  RdbLoadSummary summary = load_rdb_image(image, loaded.dbs, options_now());
  CHECK(summary.keys_loaded == 1);
  CHECK(summary.expired_skipped == 1);
  CHECK(loaded.db(0).holds("kept"));
  CHECK_FALSE(loaded.db(0).holds("gone"));

  RdbLoadOptions keep = options_now();
  keep.drop_expired = false;
  Dataset all;
  CHECK(load_rdb_image(image, all.dbs, keep).keys_loaded == 2);
}

TEST_CASE("rdb_image: a key loaded twice is an error unless merging") {
  Dataset data;
  data.db(0).insert("k", Value());
  const std::string image = image_of(data, true, true);
  Dataset target;
  target.db(0).insert("k", Value());
  CHECK_THROWS_AS(load_rdb_image(image, target.dbs, options_now()), RdbLoadError);
  RdbLoadOptions merge = options_now();
  merge.replace_existing = true;
  CHECK(load_rdb_image(image, target.dbs, merge).keys_loaded == 1);
}

// Keys go into the table a few at a time (KeyInserter): a key repeated
// within that window, or far after it, is still found, and every key before
// the end is in.
TEST_CASE("rdb_image: a key the image holds twice is refused, wherever the second is") {
  for (int gap : {0, 1, 7, 8, 9, 100}) {
    CAPTURE(gap);
    RdbWriter writer(false);
    writer.write_header();
    writer.write_select_db(2);
    writer.write_entry("twice", string_value("first"), -1);
    for (int n = 0; n < gap; ++n)
      writer.write_entry("k" + std::to_string(n), string_value("v"), -1);
    writer.write_entry("twice", string_value("second"), -1);
    writer.write_end(true);
    const std::string image = writer.take();
    Dataset target;
    try {
      load_rdb_image(image, target.dbs, options_now());
      FAIL("loaded");
    } catch (const RdbLoadError& error) {
      CHECK(std::string(error.what()).find("the key 'twice' appears twice in database 2") !=
            std::string::npos);
      CHECK(error.offset() > 9);
    }
    CHECK(target.db(2).size() == static_cast<size_t>(gap) + 1);
    RdbLoadOptions merge = options_now();
    merge.replace_existing = true;
    Dataset merged;
    CHECK(load_rdb_image(image, merged.dbs, merge).keys_loaded == static_cast<uint64_t>(gap) + 2);
    IntScratch scratch;
    CHECK(merged.db(2).find("twice")->value().string_bytes(scratch) == "second");
  }
}

std::string load_error(std::string_view image, RdbLoadOptions options = options_now()) {
  Dataset target;
  try {
    load_rdb_image(image, target.dbs, options);
  } catch (const RdbLoadError& error) {
    return error.what();
  }
  return "loaded";
}

// Recomputes the trailing CRC-64 after a deliberate change.
std::string with_checksum(std::string image) {
  const uint64_t crc = crc64(0, image.data(), image.size() - 8);
  for (int i = 0; i < 8; ++i) image[image.size() - 8 + i] = static_cast<char>(crc >> (8 * i));
  return image;
}

TEST_CASE("rdb_image: defects are refused with where and why") {
  Dataset data;
  fill(data);
  const std::string image = image_of(data, true, true);

  // A changed byte inside a value: the file still parses, the CRC-64 does not match.
  std::string flipped = image;
  flipped[image.find("fifteen")] = 'F';
  CHECK(load_error(flipped).find("wrong RDB checksum") != std::string::npos);

  std::string version = image;
  version.replace(5, 4, "0099");
  CHECK(load_error(with_checksum(version)) == "at offset 9: can't handle RDB format version 99");
  CHECK(load_error("RADIS0010") == "at offset 9: not an RDB file (no REDIS signature)");

  // The first key follows the aux fields and the SELECTDB and RESIZEDB records.
  Dataset one;
  one.db(0).insert("key", Value());
  std::string typed = image_of(one, true, true);
  const size_t type_at = typed.find("\x03key") - 1;
  REQUIRE(typed[type_at] == 0);
  typed[type_at] = 99;
  CHECK(load_error(with_checksum(typed)).find("unknown value type 99") != std::string::npos);
  // A string's bytes read as a stream (type 19) do not pass for one.
  typed[type_at] = 19;
  CHECK(load_error(with_checksum(typed)).find("reading key 'key'") != std::string::npos);

  RdbLoadOptions unchecked = options_now();
  unchecked.verify_checksum = false;
  CHECK(load_error(flipped, unchecked) == "loaded");
}

TEST_CASE("rdb_image: every truncation is refused, never half-loaded silently") {
  Dataset data;
  fill(data);
  data.db(0).erase("list:nodes");
  data.db(0).erase("hash:table");
  data.db(0).erase("zset:skiplist");
  const std::string image = image_of(data, true, true);
  for (size_t length = 0; length < image.size(); ++length) {
    Dataset target;
    CHECK_THROWS_AS(
        load_rdb_image(std::string_view(image).substr(0, length), target.dbs, options_now()),
        RdbLoadError);
  }
}

TEST_CASE("dump_payload: byte for byte what redis-server 7.0 dumps") {
  Value text;
  text.set_string("hello");
  CHECK(make_dump_payload(text, true) == from_hex("000568656c6c6f0a006372df766534200a"));
  Value number;
  number.set_string("12");
  CHECK(make_dump_payload(number, true) == from_hex("00c00c0a003c2af8515c04bcd5"));
  auto list = std::make_unique<ListValue>(-2, 0);
  list->list().push_back("a");
  list->list().push_back("1");
  CHECK(make_dump_payload(holding(std::move(list)), true) ==
        from_hex("1201020c0c00000002008161020101ff0a0094962b23ac17aa85"));
  CHECK(make_dump_payload(set_of({"5", "3"}), true) ==
        from_hex("0b0c0200000002000000030005000a0003504e83ab990e19"));
  ZSetLimits limits;
  auto zset = std::make_unique<ZSetValue>(limits, 1, 1);
  zset->set("m", 1.5, limits);
  CHECK(make_dump_payload(holding(std::move(zset)), true) ==
        from_hex("110f0f0000000200816d0283312e3504ff0a0049d9876078254e8a"));
  auto hash = std::make_unique<HashValue>();
  hash->set("f", "v", {512, 64});
  CHECK(make_dump_payload(holding(std::move(hash)), true) ==
        from_hex("100d0d0000000200816602817602ff0a0020f13d442354089d"));
}

TEST_CASE("dump_payload: the trailer guards the version and the checksum") {
  Value text;
  text.set_string("hello");
  std::string payload = make_dump_payload(text, true);
  CHECK(dump_trailer_valid(payload));
  Value read = read_dump_payload(payload, EncodingLimits());
  IntScratch scratch;
  CHECK(read.string_bytes(scratch) == "hello");

  std::string changed = payload;
  changed[2] = 'H';
  CHECK_FALSE(dump_trailer_valid(changed));
  std::string newer = payload;
  newer[newer.size() - 10] = 11;  // RDB version 11: from a newer Redis
  CHECK_FALSE(dump_trailer_valid(newer));
  CHECK_FALSE(dump_trailer_valid("short"));
  CHECK_THROWS_AS(read_dump_payload("", EncodingLimits()), FormatError);
}

TEST_CASE("dump_payload: a malformed or empty value is refused") {
  // An empty list: Redis never writes one, and refuses to restore it.
  CHECK_THROWS_AS(read_dump_payload(from_hex("1200") + std::string(10, '\0'), EncodingLimits()),
                  FormatError);
  // Bytes after the value.
  Value text;
  text.set_string("hello");
  std::string payload = make_dump_payload(text, true);
  payload.insert(7, "x");
  CHECK_THROWS_AS(read_dump_payload(payload, EncodingLimits()), FormatError);
}

}  // namespace
}  // namespace fkvs::persistence
