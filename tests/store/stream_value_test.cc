#include "store/stream_value.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace doctest {
template <>
struct StringMaker<fkvs::StreamId> {
  static String convert(const fkvs::StreamId& id) { return id.to_string().c_str(); }
};
}  // namespace doctest

namespace fkvs {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;
using StreamModel = std::map<StreamId, Fields>;

std::vector<std::string_view> flatten(const Fields& fields) {
  std::vector<std::string_view> out;
  for (const auto& [field, value] : fields) {
    out.push_back(field);
    out.push_back(value);
  }
  return out;
}

bool add(StreamValue& stream, StreamId id, const Fields& fields,
         const StreamNodeLimits& limits = {}) {
  const auto flat = flatten(fields);
  return stream.append(id, flat, limits);
}

Fields fields_of(const StreamValue::Iterator& it) {
  Fields fields;
  it.for_each_field([&](std::string_view field, std::string_view value) {
    fields.emplace_back(std::string(field), std::string(value));
  });
  return fields;
}

std::vector<std::pair<StreamId, Fields>> read_range(const StreamValue& stream, StreamId start,
                                                    StreamId end, bool reverse) {
  std::vector<std::pair<StreamId, Fields>> out;
  for (auto it = stream.range(start, end, reverse); it.next();) {
    Fields fields = fields_of(it);
    CHECK(fields.size() == it.field_count());
    out.emplace_back(it.id(), std::move(fields));
  }
  return out;
}

std::vector<std::pair<StreamId, Fields>> model_range(const StreamModel& model, StreamId start,
                                                     StreamId end, bool reverse) {
  std::vector<std::pair<StreamId, Fields>> out;
  if (end < start) return out;
  for (auto it = model.lower_bound(start); it != model.end() && !(end < it->first); ++it) {
    out.emplace_back(it->first, it->second);
  }
  if (reverse) std::reverse(out.begin(), out.end());
  return out;
}

void check_same(const StreamValue& stream, const StreamModel& model) {
  REQUIRE(stream.size() == model.size());
  CHECK(read_range(stream, StreamId::min(), StreamId::max(), false) ==
        model_range(model, StreamId::min(), StreamId::max(), false));
  CHECK(read_range(stream, StreamId::min(), StreamId::max(), true) ==
        model_range(model, StreamId::min(), StreamId::max(), true));
  if (model.empty()) {
    CHECK_FALSE(stream.first_entry_id());
    CHECK_FALSE(stream.last_entry_id());
    CHECK(stream.first_id() == StreamId::min());
  } else {
    CHECK(stream.first_entry_id() == model.begin()->first);
    CHECK(stream.last_entry_id() == model.rbegin()->first);
    CHECK(stream.first_id() == model.begin()->first);
  }
}

TEST_CASE("stream_id: order, next and prev saturate as streamIncrID / streamDecrID fail") {
  CHECK(StreamId{1, 5} < StreamId{2, 0});
  CHECK(StreamId{1, 5} < StreamId{1, 6});
  CHECK(StreamId{1, UINT64_MAX}.next() == StreamId{2, 0});
  CHECK(StreamId{2, 0}.prev() == StreamId{1, UINT64_MAX});
  CHECK_FALSE(StreamId::max().next());
  CHECK_FALSE(StreamId::min().prev());
  CHECK(StreamId::max().to_string() == "18446744073709551615-18446744073709551615");
  CHECK(StreamId{0, 0}.to_string() == "0-0");
  CHECK(StreamId{1700000000000, 12}.to_string() == "1700000000000-12");
}

TEST_CASE("stream_id: parse follows streamGenericParseIDOrReply and string2ull") {
  const auto parsed = [](std::string_view text, bool strict = false) {
    return StreamId::parse(text, 7, strict);
  };
  CHECK(parsed("5-3")->id == StreamId{5, 3});
  CHECK(parsed("5-3")->seq_given);
  CHECK(parsed("5")->id == StreamId{5, 7});
  CHECK_FALSE(parsed("5")->seq_given);
  CHECK(parsed("-")->id == StreamId::min());
  CHECK(parsed("+")->id == StreamId::max());
  CHECK_FALSE(parsed("-", true));
  CHECK_FALSE(parsed("+", true));
  CHECK(parsed("18446744073709551615-18446744073709551615")->id == StreamId::max());
  CHECK_FALSE(parsed("18446744073709551616-0"));
  CHECK_FALSE(parsed("-5"));
  CHECK_FALSE(parsed("5--1"));
  CHECK_FALSE(parsed(""));
  CHECK_FALSE(parsed("5-"));
  CHECK_FALSE(parsed("abc"));
  CHECK_FALSE(parsed("1-2-3"));
  CHECK_FALSE(parsed("*"));
  CHECK_FALSE(parsed(std::string(128, '1')));
  // strtoull's leniency past string2ll: a '+' sign, leading zeros.
  CHECK(parsed("+5-007")->id == StreamId{5, 7});
}

TEST_CASE("stream_value: an empty stream") {
  StreamValue stream;
  CHECK(stream.size() == 0);
  CHECK(stream.type() == ValueType::kStream);
  CHECK(std::string(Value::encoding_name(stream.encoding())) == "stream");
  CHECK(std::string(Value::type_name(stream.type())) == "stream");
  CHECK(stream.node_count() == 0);
  CHECK_FALSE(stream.erase({1, 1}));
  CHECK_FALSE(stream.contains({0, 0}));
  CHECK(stream.trim(StreamTrim{}) == 0);
  // A type-15 file's empty stream loads with the maximum ID as its first;
  // any trim puts 0-0 back, as Redis 7.0's does.
  stream.set_first_id(StreamId::max());
  CHECK(stream.trim(StreamTrim{}) == 0);
  CHECK(stream.first_id() == StreamId::min());
  CHECK(read_range(stream, StreamId::min(), StreamId::max(), false).empty());
  CHECK(read_range(stream, StreamId::min(), StreamId::max(), true).empty());
  CHECK(stream.estimate_entries_read({0, 0}) == 0);
  CHECK(stream.group_lag(*stream.create_group("g", {}, StreamGroup::kEntriesReadUnknown)) == 0);
}

TEST_CASE("stream_value: IDs 0-1 and the maximum ID, fields that are numbers or empty") {
  StreamValue stream;
  const Fields first{{"1", "-1"}, {"", ""}};
  const Fields last{{"x", std::string(5000, 'v')}, {"-9223372036854775808", "012"}};
  REQUIRE(add(stream, {0, 1}, first));
  REQUIRE(add(stream, StreamId::max(), last));
  CHECK(stream.last_id() == StreamId::max());
  CHECK(read_range(stream, StreamId::min(), StreamId::max(), false) ==
        std::vector<std::pair<StreamId, Fields>>{{{0, 1}, first}, {StreamId::max(), last}});
  CHECK(stream.contains(StreamId::max()));
  CHECK(stream.erase(StreamId::max()));
  CHECK(stream.max_deleted_id() == StreamId::max());
  CHECK(stream.last_id() == StreamId::max());
  CHECK(stream.size() == 1);
}

TEST_CASE("stream_value: nodes split at the entry and byte limits as Redis 7.0's") {
  StreamValue stream;
  const StreamNodeLimits ten{4096, 10};
  for (uint64_t i = 1; i <= 25; ++i) REQUIRE(add(stream, {i, 0}, {{"f", "v"}}, ten));
  CHECK(stream.node_count() == 3);  // 10, 10, 5

  // stream-node-max-bytes 40, no entry limit: two of these entries per node.
  StreamValue small;
  for (uint64_t i = 1; i <= 12; ++i) REQUIRE(add(small, {i, 0}, {{"f", "v"}}, {40, 0}));
  CHECK(small.node_count() == 6);
}

TEST_CASE("stream_value: a node past 65535 items keeps its item count unknown, as listpacks do") {
  StreamValue stream;
  const StreamNodeLimits unlimited{0, 0};
  for (uint64_t i = 1; i <= 20000; ++i) REQUIRE(add(stream, {i, 0}, {{"f", "v"}}, unlimited));
  REQUIRE(stream.node_count() == 1);
  stream.for_each_node([](StreamId master_id, const StreamNode& node) {
    const std::string_view block = node.block();
    CHECK(static_cast<unsigned char>(block[4]) == 0xFF);
    CHECK(static_cast<unsigned char>(block[5]) == 0xFF);
    CHECK(StreamNode::check_block(block, master_id));
  });
  CHECK(read_range(stream, {19999, 0}, StreamId::max(), true).size() == 2);
}

TEST_CASE("stream_value: a node whose entries are all deleted goes; first_id follows") {
  StreamValue stream;
  const StreamNodeLimits two{4096, 2};
  for (uint64_t i = 1; i <= 5; ++i) REQUIRE(add(stream, {i, 0}, {{"f", std::to_string(i)}}, two));
  CHECK(stream.node_count() == 3);
  CHECK(stream.first_id() == StreamId{1, 0});
  CHECK(stream.erase({1, 0}));
  CHECK(stream.first_id() == StreamId{2, 0});
  CHECK(stream.node_count() == 3);
  CHECK(stream.erase({2, 0}));
  CHECK(stream.node_count() == 2);
  CHECK(stream.first_id() == StreamId{3, 0});
  CHECK_FALSE(stream.erase({2, 0}));
  CHECK(stream.erase({4, 0}));
  CHECK(stream.max_deleted_id() == StreamId{4, 0});
  CHECK(stream.erase({3, 0}));
  CHECK(stream.max_deleted_id() == StreamId{4, 0});
  CHECK(stream.erase({5, 0}));
  CHECK(stream.size() == 0);
  CHECK(stream.node_count() == 0);
  CHECK(stream.first_id() == StreamId::min());
  CHECK(stream.last_id() == StreamId{5, 0});
  CHECK(stream.entries_added() == 5);
  // Appending into the emptied stream starts over from the new entry.
  REQUIRE(add(stream, {6, 0}, {{"f", "6"}}, two));
  CHECK(stream.first_id() == StreamId{6, 0});
}

TEST_CASE("stream_value: approximate trimming removes whole nodes within the limit") {
  StreamValue stream;
  const StreamNodeLimits one{4096, 1};
  for (uint64_t i = 1; i <= 300; ++i) REQUIRE(add(stream, {i, 0}, {{"f", "v"}}, one));
  StreamTrim trim;
  trim.approximate = true;
  trim.limit = StreamTrim::default_approximate_limit(1);
  CHECK(trim.limit == 100);
  CHECK(stream.trim(trim) == 100);
  trim.limit = 7;
  CHECK(stream.trim(trim) == 7);
  trim.limit = 0;
  CHECK(stream.trim(trim) == 193);
  CHECK(stream.first_id() == StreamId::min());
  CHECK(StreamTrim::default_approximate_limit(0) == 10000);
  CHECK(StreamTrim::default_approximate_limit(100) == 10000);
  CHECK(StreamTrim::default_approximate_limit(20000) == 1000000);
}

TEST_CASE("stream_value: exact MINID trimming keeps a node whose live entries all go") {
  StreamValue stream;
  for (uint64_t i = 1; i <= 3; ++i) REQUIRE(add(stream, {i, 0}, {{"f", "v"}}));
  REQUIRE(stream.erase({3, 0}));
  StreamTrim trim;
  trim.strategy = StreamTrim::Strategy::kMinId;
  trim.min_id = {3, 0};
  CHECK(stream.trim(trim) == 2);
  CHECK(stream.size() == 0);
  CHECK(stream.node_count() == 1);  // Redis keeps it: its last entry is not below MINID
  CHECK(read_range(stream, StreamId::min(), StreamId::max(), true).empty());
  REQUIRE(add(stream, {4, 0}, {{"f", "v"}}));
  CHECK(stream.first_id() == StreamId{4, 0});
  CHECK(read_range(stream, StreamId::min(), StreamId::max(), false).size() == 1);
}

Fields random_fields(std::mt19937_64& random) {
  static const Fields kMaster{{"temp", "0"}, {"name", "sensor"}, {"ok", ""}};
  Fields fields = kMaster;
  switch (random() % 6) {
    case 0:
      fields = {{"other", "x"}};
      break;
    case 1:
      fields.emplace_back("extra", std::string(random() % 300, 'e'));
      break;
    case 2:
      fields = {{"1", "2"}, {"name", std::to_string(static_cast<int64_t>(random()))}};
      break;
    default:
      break;
  }
  for (auto& [field, value] : fields) {
    if (value.empty() && random() % 2) value = std::to_string(random() % 100000);
  }
  return fields;
}

TEST_CASE("stream_value: randomized against a map: appends, deletes, trims, ranges, clone") {
  const uint64_t seed = 22001;
  std::printf("stream_value randomized seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  for (int round = 0; round < 30; ++round) {
    const StreamNodeLimits limits{static_cast<size_t>(random() % 3 == 0 ? 0 : random() % 600),
                                  static_cast<int64_t>(random() % 12)};
    StreamValue stream;
    StreamModel model;
    StreamId last{random() % 3, 0};
    stream.set_last_id(last);
    uint64_t added = 0;
    StreamId max_deleted;
    for (int step = 0; step < 800; ++step) {
      const unsigned op = random() % 100;
      if (op < 60) {
        StreamId id =
            random() % 4 == 0 ? StreamId{last.ms + random() % 1000, random() % 5} : *last.next();
        if (!(last < id)) id = *last.next();
        const Fields fields = random_fields(random);
        REQUIRE(add(stream, id, fields, limits));
        model[id] = fields;
        last = id;
        ++added;
      } else if (op < 80 && !model.empty()) {
        auto victim = model.begin();
        std::advance(victim, random() % model.size());
        const StreamId id = random() % 8 == 0 ? StreamId{victim->first.ms, 999999} : victim->first;
        const bool present = model.count(id) > 0;
        CHECK(stream.erase(id) == present);
        if (present) {
          model.erase(id);
          if (max_deleted < id) max_deleted = id;
        }
      } else if (op < 88) {
        StreamTrim trim;
        trim.approximate = random() % 2;
        if (trim.approximate && random() % 2) trim.limit = static_cast<int64_t>(random() % 20);
        size_t exact_removal = 0;
        if (random() % 2) {
          trim.strategy = StreamTrim::Strategy::kMaxLen;
          trim.max_len = random() % (model.size() + 3);
          exact_removal = model.size() > trim.max_len ? model.size() - trim.max_len : 0;
        } else {
          trim.strategy = StreamTrim::Strategy::kMinId;
          trim.min_id = {random() % (last.ms + 2), random() % 3};
          exact_removal = std::distance(model.begin(), model.lower_bound(trim.min_id));
        }
        const size_t removed = stream.trim(trim);
        if (trim.approximate) {
          CHECK(removed <= exact_removal);
          if (trim.limit > 0) CHECK(removed <= static_cast<size_t>(trim.limit));
        } else {
          CHECK(removed == exact_removal);
        }
        // Trimming always takes the oldest entries.
        for (size_t i = 0; i < removed; ++i) model.erase(model.begin());
      } else if (!model.empty() || op >= 95) {
        const StreamId a{random() % (last.ms + 2), random() % 4};
        const StreamId b{random() % (last.ms + 2), random() % 4};
        const bool reverse = random() % 2;
        CHECK(read_range(stream, a, b, reverse) == model_range(model, a, b, reverse));
        CHECK(stream.contains(a) == (model.count(a) > 0));
      }
      CHECK(stream.last_id() == last);
      CHECK(stream.entries_added() == added);
      CHECK(stream.max_deleted_id() == max_deleted);
    }
    check_same(stream, model);
    // Every node is one a loader would accept.
    size_t live = 0;
    stream.for_each_node([&](StreamId master_id, const StreamNode& node) {
      const auto summary = StreamNode::check_block(node.block(), master_id);
      REQUIRE(summary);
      CHECK(summary->live == node.live_count());
      live += static_cast<size_t>(summary->live);
    });
    CHECK(live == stream.size());
    const auto copy = stream.clone();
    const auto& twin = static_cast<const StreamValue&>(*copy);
    check_same(twin, model);
    CHECK(twin.node_count() == stream.node_count());
    CHECK(twin.heap_bytes() > 0);
  }
}

}  // namespace
}  // namespace fkvs
