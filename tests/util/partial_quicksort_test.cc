#include "util/partial_quicksort.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <utility>
#include <vector>

namespace fkvs {
namespace {

int compare_keys(const std::pair<int, int>& a, const std::pair<int, int>& b) {
  return a.first < b.first ? -1 : (a.first == b.first ? 0 : 1);
}

TEST_CASE("partial_quicksort: the asked positions hold what a full sort puts there") {
  const unsigned seed = 20240502;
  std::printf("partial_quicksort seed %u\n", seed);
  std::mt19937 random(seed);
  for (int round = 0; round < 3000; ++round) {
    const size_t size = 1 + random() % 300;
    std::vector<std::pair<int, int>> items(size);
    const int spread = 1 + static_cast<int>(random() % 50);
    for (size_t i = 0; i < size; ++i) items[i] = {static_cast<int>(random() % spread), int(i)};
    size_t first = random() % size;
    size_t last = random() % size;
    if (first > last) std::swap(first, last);
    if (round % 3 == 0) first = 0;
    std::vector<std::pair<int, int>> sorted = items;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    partial_quicksort(std::span(items), first, last, compare_keys);
    for (size_t i = first; i <= last; ++i) CHECK(items[i].first == sorted[i].first);
    // Nothing is lost or duplicated.
    std::vector<int> ids;
    for (const auto& item : items) ids.push_back(item.second);
    std::sort(ids.begin(), ids.end());
    for (size_t i = 0; i < size; ++i) CHECK(ids[i] == static_cast<int>(i));
  }
}

TEST_CASE("partial_quicksort: small runs sort by insertion, keeping equal elements in order") {
  std::vector<std::pair<int, int>> items{{2, 0}, {1, 1}, {2, 2}, {1, 3}, {0, 4}};
  partial_quicksort(std::span(items), 0, 4, compare_keys);
  const std::vector<std::pair<int, int>> expected{{0, 4}, {1, 1}, {1, 3}, {2, 0}, {2, 2}};
  CHECK(items == expected);
}

}  // namespace
}  // namespace fkvs
