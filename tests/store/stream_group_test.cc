#include "store/stream_group.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "store/stream_value.h"

namespace fkvs {
namespace {

struct PendingModel {
  std::string consumer;
  int64_t time = 0;
  uint64_t count = 0;
  bool operator==(const PendingModel&) const = default;
};

using PelModel = std::map<StreamId, PendingModel>;
using ConsumersModel = std::map<std::string, std::set<StreamId>>;

std::vector<std::tuple<StreamId, std::string, int64_t, uint64_t>> pending_of(
    const StreamGroup& group, StreamId start, StreamId end, const StreamConsumer* consumer,
    size_t limit = SIZE_MAX) {
  std::vector<std::tuple<StreamId, std::string, int64_t, uint64_t>> out;
  group.for_each_pending(start, end, consumer, [&](const PendingEntry& entry) {
    out.emplace_back(entry.id, std::string(entry.consumer->name()), entry.delivery_time_ms,
                     entry.delivery_count);
    return out.size() < limit;
  });
  return out;
}

std::vector<std::tuple<StreamId, std::string, int64_t, uint64_t>> model_pending(
    const PelModel& pel, StreamId start, StreamId end, const std::string* consumer,
    size_t limit = SIZE_MAX) {
  std::vector<std::tuple<StreamId, std::string, int64_t, uint64_t>> out;
  if (end < start) return out;
  for (auto it = pel.lower_bound(start); it != pel.end() && !(end < it->first); ++it) {
    if (out.size() >= limit) break;
    if (consumer != nullptr && it->second.consumer != *consumer) continue;
    out.emplace_back(it->first, it->second.consumer, it->second.time, it->second.count);
  }
  return out;
}

void check_group(const StreamGroup& group, const PelModel& pel, const ConsumersModel& consumers) {
  REQUIRE(group.pending_count() == pel.size());
  CHECK(pending_of(group, StreamId::min(), StreamId::max(), nullptr) ==
        model_pending(pel, StreamId::min(), StreamId::max(), nullptr));
  REQUIRE(group.consumer_count() == consumers.size());
  std::vector<std::string> names;
  group.for_each_consumer([&](const StreamConsumer& consumer) {
    names.emplace_back(consumer.name());
    const auto& ids = consumers.at(std::string(consumer.name()));
    CHECK(consumer.pending_count() == ids.size());
    CHECK(pending_of(group, StreamId::min(), StreamId::max(), &consumer).size() == ids.size());
  });
  std::vector<std::string> expected_names;
  for (const auto& [name, ids] : consumers) expected_names.push_back(name);
  CHECK(names == expected_names);
  if (pel.empty()) {
    CHECK(group.first_pending() == nullptr);
    CHECK(group.last_pending() == nullptr);
  } else {
    CHECK(group.first_pending()->id == pel.begin()->first);
    CHECK(group.last_pending()->id == pel.rbegin()->first);
  }
}

TEST_CASE("stream_group: deliver, redeliver to another consumer, claim, ack, delete consumer") {
  StreamValue stream;
  StreamGroup& group = *stream.create_group("g", {0, 0}, StreamGroup::kEntriesReadUnknown);
  CHECK(stream.create_group("g", {}, 0) == nullptr);
  StreamConsumer& alice = *group.create_consumer("alice", 100);
  StreamConsumer& bob = *group.create_consumer("bob", 200);
  CHECK(group.create_consumer("bob", 1) == nullptr);
  CHECK(group.find_consumer("alice") == &alice);
  CHECK(group.find_consumer("carol") == nullptr);

  group.deliver({1, 0}, alice, 1000);
  group.deliver({2, 0}, alice, 1000);
  PendingEntry& again = group.deliver({1, 0}, alice, 1500);
  again.delivery_count = 5;
  // Delivered again after XGROUP SETID went back: moves, count starts over.
  PendingEntry& moved = group.deliver({1, 0}, bob, 2000);
  CHECK(moved.consumer == &bob);
  CHECK(moved.delivery_count == 1);
  CHECK(moved.delivery_time_ms == 2000);
  CHECK(alice.pending_count() == 1);
  CHECK(bob.pending_count() == 1);

  group.claim(*group.find_pending({2, 0}), bob);
  CHECK(alice.pending_count() == 0);
  CHECK(bob.pending_count() == 2);
  CHECK(group.next_pending({1, 1}, &bob)->id == StreamId{2, 0});
  CHECK(group.next_pending({2, 1}) == nullptr);

  CHECK(group.acknowledge({1, 0}));
  CHECK_FALSE(group.acknowledge({1, 0}));
  CHECK(group.delete_consumer(bob) == 1);
  CHECK(group.pending_count() == 0);
  CHECK(group.consumer_count() == 1);
  CHECK(stream.destroy_group("g"));
  CHECK_FALSE(stream.destroy_group("g"));
  CHECK(stream.group_count() == 0);
}

TEST_CASE("stream_group: groups and consumers are listed in name byte order") {
  StreamValue stream;
  for (const char* name : {"b", "a", "B", "\xff", "ab"}) {
    StreamGroup* group = stream.create_group(name, {}, 0);
    for (const char* consumer : {"z", "Z", "m"}) group->create_consumer(consumer, 0);
  }
  std::vector<std::string> names;
  stream.for_each_group([&](const StreamGroup& group) {
    names.emplace_back(group.name());
    std::string consumers;
    group.for_each_consumer([&](const StreamConsumer& c) { consumers += c.name(); });
    CHECK(consumers == "Zmz");
  });
  CHECK(names == std::vector<std::string>{"B", "a", "ab", "b", "\xff"});
}

TEST_CASE("stream_group: randomized PEL against a map, and a clone") {
  const uint64_t seed = 22002;
  std::printf("stream_group randomized seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  StreamValue stream;
  StreamGroup& group = *stream.create_group("group", {}, 0);
  PelModel pel;
  ConsumersModel consumers;
  const auto random_id = [&] { return StreamId{random() % 400, random() % 3}; };
  const auto random_consumer = [&]() -> StreamConsumer* {
    const std::string name = "c" + std::to_string(random() % 6);
    if (StreamConsumer* found = group.find_consumer(name)) return found;
    consumers[name];
    return group.create_consumer(name, static_cast<int64_t>(random() % 1000));
  };
  for (int step = 0; step < 20000; ++step) {
    const unsigned op = random() % 100;
    const StreamId id = random_id();
    if (op < 40) {
      StreamConsumer* consumer = random_consumer();
      const auto now = static_cast<int64_t>(step);
      group.deliver(id, *consumer, now);
      if (auto old = pel.find(id); old != pel.end()) consumers[old->second.consumer].erase(id);
      pel[id] = {std::string(consumer->name()), now, 1};
      consumers[std::string(consumer->name())].insert(id);
    } else if (op < 65) {
      CHECK(group.acknowledge(id) == (pel.count(id) > 0));
      if (auto old = pel.find(id); old != pel.end()) {
        consumers[old->second.consumer].erase(id);
        pel.erase(old);
      }
    } else if (op < 80) {
      StreamConsumer* consumer = random_consumer();
      PendingEntry* entry = group.find_pending(id);
      REQUIRE((entry != nullptr) == (pel.count(id) > 0));
      if (entry != nullptr) {
        group.claim(*entry, *consumer);
        entry->delivery_count += 1;
        consumers[pel[id].consumer].erase(id);
        pel[id].consumer = consumer->name();
        pel[id].count += 1;
        consumers[pel[id].consumer].insert(id);
      }
    } else if (op < 83) {
      const std::string name = "c" + std::to_string(random() % 6);
      if (StreamConsumer* consumer = group.find_consumer(name)) {
        CHECK(group.delete_consumer(*consumer) == consumers[name].size());
        for (StreamId gone : consumers[name]) pel.erase(gone);
        consumers.erase(name);
      }
    } else {
      const StreamId end = random_id();
      const size_t limit = 1 + random() % 20;
      if (random() % 2 && !consumers.empty()) {
        auto named = consumers.begin();
        std::advance(named, random() % consumers.size());
        const StreamConsumer* consumer = group.find_consumer(named->first);
        std::vector<std::tuple<StreamId, std::string, int64_t, uint64_t>> expected;
        for (const auto& row : model_pending(pel, id, end, &named->first)) {
          if (expected.size() < limit) expected.push_back(row);
        }
        CHECK(pending_of(group, id, end, consumer, limit) == expected);
        const PendingEntry* next = group.next_pending(id, consumer);
        auto mine = named->second.lower_bound(id);
        CHECK((next ? next->id : StreamId::max()) ==
              (mine == named->second.end() ? StreamId::max() : *mine));
      } else {
        CHECK(pending_of(group, id, end, nullptr, limit) ==
              model_pending(pel, id, end, nullptr, limit));
        const PendingEntry* next = group.next_pending(id);
        auto expected = pel.lower_bound(id);
        CHECK((next ? next->id : StreamId::max()) ==
              (expected == pel.end() ? StreamId::max() : expected->first));
      }
    }
  }
  check_group(group, pel, consumers);
  auto copy = stream.clone();
  auto& twin = static_cast<StreamValue&>(*copy);
  const StreamGroup* twin_group = twin.find_group("group");
  REQUIRE(twin_group != nullptr);
  check_group(*twin_group, pel, consumers);
  twin_group->for_each_pending(
      StreamId::min(), StreamId::max(), nullptr, [&](const PendingEntry& entry) {
        CHECK(twin_group->find_consumer(entry.consumer->name()) == entry.consumer);
        return true;
      });
}

TEST_CASE("stream_value: entries-read and lag as Redis 7.0 tracks them") {
  StreamValue stream;
  for (uint64_t i = 1; i <= 5; ++i) {
    const std::string_view fields[] = {"f", "v"};
    REQUIRE(stream.append({i, 0}, fields, {}));
  }
  StreamGroup& group = *stream.create_group("g", {0, 0}, 0);
  CHECK(stream.group_lag(group) == 5);
  stream.record_group_delivery(group, {1, 0});
  stream.record_group_delivery(group, {2, 0});
  CHECK(group.entries_read() == 2);
  CHECK(group.last_delivered_id() == StreamId{2, 0});
  CHECK(stream.group_lag(group) == 3);
  // An older ID changes nothing.
  stream.record_group_delivery(group, {1, 0});
  CHECK(group.entries_read() == 2);

  // A deletion ahead of the group makes the counter unknowable.
  REQUIRE(stream.erase({4, 0}));
  CHECK(stream.range_has_tombstones({3, 0}));
  CHECK_FALSE(stream.range_has_tombstones({0, 0}, {3, 0}));
  CHECK(stream.group_lag(group) == std::nullopt);
  stream.record_group_delivery(group, {3, 0});
  CHECK(group.entries_read() == StreamGroup::kEntriesReadUnknown);
  stream.record_group_delivery(group, {5, 0});
  CHECK(group.entries_read() == 5);  // the last entry: entries_added
  CHECK(stream.group_lag(group) == 0);

  // Estimates: before the first entry, at it, past the last.
  StreamValue fresh;
  for (uint64_t i = 1; i <= 3; ++i) {
    const std::string_view fields[] = {"f", "v"};
    REQUIRE(fresh.append({i, 0}, fields, {}));
  }
  StreamTrim trim;
  trim.max_len = 2;
  REQUIRE(fresh.trim(trim) == 1);
  CHECK(fresh.estimate_entries_read({0, 0}) == 1);
  CHECK(fresh.estimate_entries_read({2, 0}) == 2);
  CHECK(fresh.estimate_entries_read({3, 0}) == 3);
  CHECK(fresh.estimate_entries_read({4, 0}) == StreamGroup::kEntriesReadUnknown);
  CHECK(fresh.estimate_entries_read({2, 5}) == StreamGroup::kEntriesReadUnknown);
  // An emptied stream: any ID up to the last counts everything added.
  REQUIRE(fresh.erase({2, 0}));
  REQUIRE(fresh.erase({3, 0}));
  CHECK(fresh.estimate_entries_read({0, 0}) == 3);
}

}  // namespace
}  // namespace fkvs
