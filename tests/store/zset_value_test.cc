#include "store/zset_value.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "util/number.h"

namespace fkvs {
namespace {

using Model = std::set<std::pair<double, std::string>>;

std::vector<std::pair<double, std::string>> walk(const ZSetValue& set) {
  std::vector<std::pair<double, std::string>> out;
  for (auto cursor = set.at_rank(0); cursor.valid(); cursor.next()) {
    out.emplace_back(cursor.score(), std::string(cursor.member()));
  }
  return out;
}

void check_matches(const ZSetValue& set, const Model& model) {
  REQUIRE(set.size() == model.size());
  CHECK(walk(set) == std::vector<std::pair<double, std::string>>(model.begin(), model.end()));
  std::vector<std::pair<double, std::string>> backward;
  if (set.size() > 0) {
    for (auto cursor = set.at_rank(set.size() - 1); cursor.valid(); cursor.prev()) {
      backward.emplace_back(cursor.score(), std::string(cursor.member()));
    }
  }
  CHECK(backward == std::vector<std::pair<double, std::string>>(model.rbegin(), model.rend()));
  size_t rank = 0;
  for (const auto& [score, member] : model) {
    CHECK(set.score(member) == score);
    CHECK(set.rank(member) == rank);
    ++rank;
  }
  CHECK_FALSE(set.at_rank(model.size()).valid());
}

constexpr ZSetLimits kSmall{4, 8};

TEST_CASE("zset_value: a new set picks its encoding as Redis's ZADD does") {
  CHECK(ZSetValue(kSmall, 1, 8).encoding() == Encoding::kListpack);
  CHECK(ZSetValue(kSmall, 1, 9).encoding() == Encoding::kSkiplist);
  CHECK(ZSetValue(kSmall, 5, 1).encoding() == Encoding::kSkiplist);
  CHECK(ZSetValue(ZSetLimits{0, 64}, 0, 0).encoding() == Encoding::kSkiplist);
}

TEST_CASE("zset_value: converts when a new member passes the entry limit, not before") {
  ZSetValue set(kSmall, 1, 1);
  for (int i = 0; i < 4; ++i) CHECK(set.set("m" + std::to_string(i), i, kSmall));
  CHECK(set.encoding() == Encoding::kListpack);
  // Updating an existing member never converts.
  CHECK_FALSE(set.set("m0", 10, kSmall));
  CHECK(set.encoding() == Encoding::kListpack);
  CHECK(set.set("m4", 4, kSmall));
  CHECK(set.encoding() == Encoding::kSkiplist);
  Model model{{1, "m1"}, {2, "m2"}, {3, "m3"}, {4, "m4"}, {10, "m0"}};
  check_matches(set, model);
  // Shrinking does not convert back on its own.
  set.erase("m0");
  set.erase("m1");
  CHECK(set.encoding() == Encoding::kSkiplist);
}

TEST_CASE("zset_value: converts for a member longer than the value limit") {
  ZSetValue set(kSmall, 1, 1);
  set.set("12345678", 1, kSmall);
  CHECK(set.encoding() == Encoding::kListpack);
  set.set("123456789", 2, kSmall);
  CHECK(set.encoding() == Encoding::kSkiplist);
  check_matches(set, {{1, "12345678"}, {2, "123456789"}});
}

TEST_CASE("zset_value: shrink_if_fits converts back exactly at the limits") {
  ZSetValue set(ZSetLimits{0, 0}, 0, 0);
  for (int i = 0; i < 4; ++i) set.set(std::to_string(i * 100), -i, kSmall);
  set.shrink_if_fits(kSmall);
  CHECK(set.encoding() == Encoding::kListpack);
  check_matches(set, {{-3, "300"}, {-2, "200"}, {-1, "100"}, {0, "0"}});

  ZSetValue five(ZSetLimits{0, 0}, 0, 0);
  for (int i = 0; i < 5; ++i) five.set(std::to_string(i), i, kSmall);
  five.shrink_if_fits(kSmall);
  CHECK(five.encoding() == Encoding::kSkiplist);

  ZSetValue long_member(ZSetLimits{0, 0}, 0, 0);
  long_member.set("123456789", 1, kSmall);
  long_member.shrink_if_fits(kSmall);
  CHECK(long_member.encoding() == Encoding::kSkiplist);
}

TEST_CASE("zset_value: listpack keeps -0 as 0, a skiplist keeps it") {
  ZSetValue small(kSmall, 1, 1);
  small.set("a", -0.0, kSmall);
  CHECK(std::signbit(*small.score("a")) == false);
  ZSetValue large(ZSetLimits{0, 0}, 0, 0);
  large.set("a", -0.0, kSmall);
  CHECK(std::signbit(*large.score("a")));
}

TEST_CASE("zset_value: scores read back exactly from a listpack") {
  ZSetValue set(ZSetLimits{128, 64}, 1, 1);
  const std::vector<double> scores{0.1,
                                   1.1,
                                   1e17,
                                   5e-324,
                                   -3.25,
                                   1e308,
                                   HUGE_VAL,
                                   -HUGE_VAL,
                                   4611686018427387904.0,
                                   123456789012345678.0,
                                   -7};
  for (size_t i = 0; i < scores.size(); ++i) set.set("m" + std::to_string(i), scores[i], {});
  for (size_t i = 0; i < scores.size(); ++i) CHECK(set.score("m" + std::to_string(i)) == scores[i]);
}

TEST_CASE("zset_value: listpack_score_text writes what Redis's d2string writes") {
  char out[kDoubleTextMax];
  CHECK(ZSetValue::listpack_score_text(1e17, out) == "100000000000000000");
  CHECK(ZSetValue::listpack_score_text(-0.0, out) == "0");
  CHECK(ZSetValue::listpack_score_text(3, out) == "3");
  CHECK(ZSetValue::listpack_score_text(4611686018427387904.0, out) == "4611686018427387904");
  CHECK(ZSetValue::listpack_score_text(9223372036854775807.0, out) == "9.2233720368547758e+18");
  CHECK(ZSetValue::listpack_score_text(0.1, out) == "0.10000000000000001");
  CHECK(ZSetValue::listpack_score_text(-HUGE_VAL, out) == "-inf");
}

TEST_CASE("zset_value: rank spans and erase_ranks in both encodings") {
  for (ZSetLimits limits : {ZSetLimits{128, 64}, ZSetLimits{0, 0}}) {
    CAPTURE(limits.max_listpack_entries);
    ZSetValue set(limits, 1, 1);
    Model model;
    for (int i = 0; i < 20; ++i) {
      const std::string member(1, static_cast<char>('a' + i));
      set.set(member, i / 2, limits);
      model.emplace(i / 2, member);
    }
    check_matches(set, model);
    auto score = parse_score_range("(2", "5");
    CHECK(set.rank_span(*score) == std::pair<size_t, size_t>{6, 12});
    auto reversed = parse_score_range("5", "2");
    auto span = set.rank_span(*reversed);
    CHECK(span.first >= span.second);
    auto lex = parse_lex_range("[c", "(f");
    CHECK(set.rank_span(*lex) == std::pair<size_t, size_t>{2, 5});
    set.erase_ranks(6, 6);
    for (int i = 0; i < 6; ++i) model.erase(std::next(model.begin(), 6));
    check_matches(set, model);
    auto copy = set.clone();
    CHECK(copy->encoding() == set.encoding());
    check_matches(static_cast<const ZSetValue&>(*copy), model);
    set.erase_ranks(0, set.size());
    CHECK(set.size() == 0);
    CHECK(set.heap_bytes() > 0);
  }
}

TEST_CASE("zset_value: integer members read back as text") {
  ZSetValue set(kSmall, 1, 1);
  set.set("12", 1, kSmall);
  set.set("-7", 1, kSmall);
  set.set("007", 1, kSmall);
  check_matches(set, {{1, "-7"}, {1, "007"}, {1, "12"}});
  CHECK(set.erase("12"));
  CHECK_FALSE(set.erase("12"));
}

TEST_CASE("zset_value: a listpack cursor steps back across groups and turns either way") {
  const ZSetLimits limits{128, 64};
  ZSetValue set(limits, 1, 1);
  // Members of 1 to 5 bytes, so pairs straddle the index's groups.
  for (int i = 0; i < 128; ++i) set.set(std::string(1 + i % 5, 'a') + std::to_string(i), i, limits);
  REQUIRE(set.encoding() == Encoding::kListpack);
  std::mt19937_64 random(11);
  auto cursor = set.at_rank(127);
  auto rank = static_cast<int64_t>(127);
  while (cursor.valid()) {
    CHECK(cursor.score() == static_cast<double>(rank));
    CHECK(cursor.member() == std::string(1 + rank % 5, 'a') + std::to_string(rank));
    if (random() % 4 == 0 && rank < 127) {
      cursor.next();
      ++rank;
    } else {
      cursor.prev();
      --rank;
    }
  }
  CHECK(rank == -1);
}

TEST_CASE("zset_value: randomized against std::set, through the conversion") {
  const uint64_t seed = 7001;
  std::printf("zset_value randomized seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  const ZSetLimits limits{64, 16};
  ZSetValue set(limits, 1, 1);
  Model model;
  std::map<std::string, double> scores;
  bool converted = false;
  for (int step = 0; step < 6000; ++step) {
    // Members of up to 17 bytes, some of them integers.
    std::string member =
        random() % 4 == 0 ? std::to_string(random() % 50) : "m" + std::to_string(random() % 90);
    if (random() % 400 == 0) member.append(16, 'x');
    const double score = static_cast<double>(static_cast<int>(random() % 40) - 20) / 2;
    auto found = scores.find(member);
    if (found != scores.end() && random() % 3 == 0) {
      CHECK(set.erase(member));
      model.erase({found->second, member});
      scores.erase(found);
    } else {
      const bool was_listpack = set.encoding() == Encoding::kListpack;
      const bool added = set.set(member, score, limits);
      CHECK(added == (found == scores.end()));
      if (found != scores.end()) model.erase({found->second, member});
      model.emplace(score, member);
      scores[member] = score;
      if (was_listpack && set.encoding() == Encoding::kSkiplist) {
        // Only a new member past the limits converts.
        CHECK(added);
        CHECK((model.size() > limits.max_listpack_entries ||
               member.size() > limits.max_listpack_value));
        converted = true;
      }
    }
    if (step % 500 == 0) check_matches(set, model);
  }
  CHECK(converted);
  check_matches(set, model);
}

}  // namespace
}  // namespace fkvs

namespace fkvs {
namespace {

TEST_CASE("zset_value: a score walk seeks and steps up the scores in both encodings") {
  for (const ZSetLimits limits : {ZSetLimits{128, 64}, ZSetLimits{0, 0}}) {
    ZSetValue set(limits, 0, 0);
    for (int i = 0; i < 50; ++i) set.set("m" + std::to_string(i), i * 2, limits);
    set.set("77", 3, limits);  // a listpack keeps it as an integer
    ZSetValue::ScoreWalk walk(set);
    REQUIRE(walk.valid());
    CHECK(walk.score() == 0);
    CHECK(walk.member() == "m0");
    walk.seek(2.5);
    CHECK(walk.score() == 3);
    CHECK(walk.member() == "77");
    CHECK(walk.member_in_place() == (limits.max_listpack_entries == 0));
    walk.next();
    CHECK(walk.member() == "m2");
    CHECK(walk.member_in_place());
    walk.seek(7);
    CHECK(walk.member() == "m4");
    walk.seek(1);  // never backwards
    CHECK(walk.member() == "m4");
    walk.seek(98);
    CHECK(walk.member() == "m49");
    walk.next();
    CHECK_FALSE(walk.valid());
    ZSetValue::ScoreWalk past(set);
    past.seek(98.5);
    CHECK_FALSE(past.valid());
  }
}

}  // namespace
}  // namespace fkvs
