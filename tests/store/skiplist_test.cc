#include "store/skiplist.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace fkvs {
namespace {

using Model = std::set<std::pair<double, std::string>>;

// Walks the list both ways and by rank and checks it against the model.
void check_matches(const Skiplist& list, const Model& model) {
  REQUIRE(list.size() == model.size());
  std::vector<std::pair<double, std::string>> forward;
  for (const Skiplist::Node* node = list.first(); node != nullptr; node = node->next()) {
    forward.emplace_back(node->score(), std::string(node->member()));
  }
  CHECK(forward == std::vector<std::pair<double, std::string>>(model.begin(), model.end()));
  std::vector<std::pair<double, std::string>> backward;
  for (const Skiplist::Node* node = list.last(); node != nullptr; node = node->prev()) {
    backward.emplace_back(node->score(), std::string(node->member()));
  }
  CHECK(backward == std::vector<std::pair<double, std::string>>(model.rbegin(), model.rend()));
  size_t rank = 0;
  for (const auto& [score, member] : model) {
    const Skiplist::Node* node = list.at(rank);
    REQUIRE(node != nullptr);
    CHECK(node->score() == score);
    CHECK(node->member() == member);
    CHECK(list.rank(node) == rank);
    ++rank;
  }
  CHECK(list.at(model.size()) == nullptr);
}

TEST_CASE("skiplist: empty list") {
  Skiplist list;
  CHECK(list.size() == 0);
  CHECK(list.first() == nullptr);
  CHECK(list.last() == nullptr);
  CHECK(list.at(0) == nullptr);
  CHECK(list.count_while([](const Skiplist::Node&) { return true; }) == 0);
}

TEST_CASE("skiplist: orders by score, then member bytes") {
  Skiplist list;
  Model model;
  for (auto [score, member] :
       std::vector<std::pair<double, std::string>>{{2, "b"},
                                                   {1, "z"},
                                                   {2, "a"},
                                                   {-1, ""},
                                                   {2, "\xff"},
                                                   {2, std::string("a\0", 2)},
                                                   {1e300, "x"}}) {
    list.insert(score, member);
    model.emplace(score, member);
  }
  check_matches(list, model);
  CHECK(list.first()->member() == "");
  CHECK(list.at(2)->member() == "a");
}

TEST_CASE("skiplist: rank, count_while and at") {
  Skiplist list;
  for (int i = 0; i < 1000; ++i) list.insert(i, "m" + std::to_string(i));
  CHECK(list.count_while([](const Skiplist::Node& n) { return n.score() < 500; }) == 500);
  CHECK(list.count_while([](const Skiplist::Node& n) { return n.score() <= 999; }) == 1000);
  CHECK(list.count_while([](const Skiplist::Node& n) { return n.score() < -1; }) == 0);
  CHECK(list.at(737)->score() == 737);
  CHECK(list.rank(list.at(737)) == 737);
}

TEST_CASE("skiplist: erase and update keep ranks") {
  Skiplist list;
  Model model;
  for (int i = 0; i < 100; ++i) {
    list.insert(i % 10, "m" + std::to_string(i));
    model.emplace(i % 10, "m" + std::to_string(i));
  }
  list.erase(list.first());
  model.erase(model.begin());
  list.erase(list.last());
  model.erase(std::prev(model.end()));
  check_matches(list, model);
  // An update that keeps its place, one that moves, and one past the end.
  const Skiplist::Node* node = list.at(50);
  const std::string member(node->member());
  const double score = node->score();
  list.update_score(node, score);
  list.update_score(node, -5);
  CHECK(list.first() == node);
  model.erase({score, member});
  model.emplace(-5, member);
  check_matches(list, model);
  list.update_score(node, 100);
  CHECK(list.last() == node);
  model.erase({-5, member});
  model.emplace(100, member);
  check_matches(list, model);
}

TEST_CASE("skiplist: a forward walk seeks like a lower bound, randomized") {
  const uint64_t seed = 20260601;
  std::printf("skiplist forward walk seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  for (int round = 0; round < 40; ++round) {
    Skiplist list;
    Model model;
    const int size = static_cast<int>(random() % 3000);
    // Few distinct scores in some rounds, so that runs of equal scores appear.
    const uint64_t scores = round % 2 == 0 ? 20 : 100000;
    for (int i = 0; i < size; ++i) {
      const double score = static_cast<double>(random() % scores) - 7;
      const std::string member = "m" + std::to_string(i);
      list.insert(score, member);
      model.emplace(score, member);
    }
    Skiplist::ForwardWalk walk(list);
    auto expected = model.begin();
    double target = -10;
    while (true) {
      const Skiplist::Node* node = walk.node();
      if (expected == model.end()) {
        CHECK(node == nullptr);
        break;
      }
      REQUIRE(node != nullptr);
      CHECK(node->score() == expected->first);
      CHECK(node->member() == expected->second);
      if (random() % 3 == 0) {
        walk.next();
        ++expected;
        continue;
      }
      target += static_cast<double>(random() % static_cast<uint64_t>(scores / 10 + 2));
      walk.seek(target);
      // Never backwards: the first at or after the current one not below target.
      while (expected != model.end() && expected->first < target) ++expected;
    }
  }
}

TEST_CASE("skiplist: randomized against std::set") {
  const uint64_t seed = 20261202;
  std::printf("skiplist randomized seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  Skiplist list;
  Model model;
  std::map<std::string, double> scores;
  for (int step = 0; step < 20000; ++step) {
    const std::string member = "k" + std::to_string(random() % 600);
    const double score = static_cast<double>(random() % 50) / 4;
    auto found = scores.find(member);
    const int action = static_cast<int>(random() % 3);
    if (found == scores.end()) {
      list.insert(score, member);
      model.emplace(score, member);
      scores[member] = score;
      continue;
    }
    const std::pair<double, std::string> key{found->second, member};
    const auto rank = static_cast<size_t>(std::distance(model.begin(), model.find(key)));
    const Skiplist::Node* node = list.at(rank);
    REQUIRE(node->member() == member);
    if (action == 0) {
      list.erase(node);
      model.erase(key);
      scores.erase(found);
    } else {
      list.update_score(node, score);
      model.erase(key);
      model.emplace(score, member);
      found->second = score;
    }
    if (step % 1000 == 0) check_matches(list, model);
  }
  check_matches(list, model);
  for (double bound = -1; bound < 14; bound += 0.5) {
    const auto expected = static_cast<size_t>(
        std::distance(model.begin(), model.lower_bound({bound, std::string()})));
    CHECK(list.count_while([&](const Skiplist::Node& n) { return n.score() < bound; }) == expected);
  }
}

}  // namespace
}  // namespace fkvs
