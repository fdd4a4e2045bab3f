#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>

// The quicksort of Bentley and McIlroy ("Engineering a Sort Function", 1993)
// as the BSD libcs implement it, which Redis's pqsort extends to sort only
// the positions [first, last] (GEOSEARCH ... COUNT, SORT ... LIMIT): the rest
// ends up partitioned around them, in no particular order. It is not stable;
// following the same steps (median-of-three and ninther pivots, the
// three-way partition, insertion sort below seven elements; unlike the BSD
// sorts, no switch to insertion sort after a pass that swapped nothing)
// puts equal elements in the order Redis 7.0 replies them.
namespace fkvs {

namespace partial_quicksort_detail {

// compare(a, b) is negative, zero or positive, as a C comparator.
template <typename T, typename Compare>
size_t median_of_three(std::span<T> items, size_t a, size_t b, size_t c, Compare& compare) {
  if (compare(items[a], items[b]) < 0) {
    if (compare(items[b], items[c]) < 0) return b;
    return compare(items[a], items[c]) < 0 ? c : a;
  }
  if (compare(items[b], items[c]) > 0) return b;
  return compare(items[a], items[c]) < 0 ? a : c;
}

template <typename T, typename Compare>
void insertion_sort(std::span<T> items, size_t start, size_t count, Compare& compare) {
  for (size_t next = start + 1; next < start + count; ++next) {
    for (size_t at = next; at > start && compare(items[at - 1], items[at]) > 0; --at) {
      std::swap(items[at], items[at - 1]);
    }
  }
}

template <typename T>
void swap_runs(std::span<T> items, size_t a, size_t b, size_t count) {
  for (size_t i = 0; i < count; ++i) std::swap(items[a + i], items[b + i]);
}

// Sorts items[start, start + count) enough that [first, last] is in order.
template <typename T, typename Compare>
void sort_run(std::span<T> items, size_t start, size_t count, size_t first, size_t last,
              Compare& compare) {
  // A run entirely before or after [first, last] needs no order.
  const auto needed = [&](size_t run_start, size_t run_count) {
    return !(last < run_start || first >= run_start + run_count);
  };
  for (;;) {
    if (count < 7) return insertion_sort(items, start, count, compare);
    size_t pivot = start + count / 2;
    if (count > 7) {
      size_t low = start;
      size_t high = start + count - 1;
      if (count > 40) {
        const size_t step = count / 8;
        low = median_of_three(items, low, low + step, low + 2 * step, compare);
        pivot = median_of_three(items, pivot - step, pivot, pivot + step, compare);
        high = median_of_three(items, high - 2 * step, high - step, high, compare);
      }
      pivot = median_of_three(items, low, pivot, high, compare);
    }
    std::swap(items[start], items[pivot]);
    // Three-way partition: elements equal to the pivot gather at both ends
    // ([start, equal_low) and (equal_high, end)), then move to the middle.
    size_t equal_low = start + 1;
    size_t below = start + 1;
    size_t above = start + count - 1;
    size_t equal_high = start + count - 1;
    for (;;) {
      int order = 0;
      while (below <= above && (order = compare(items[below], items[start])) <= 0) {
        if (order == 0) std::swap(items[equal_low++], items[below]);
        ++below;
      }
      while (below <= above && (order = compare(items[above], items[start])) >= 0) {
        if (order == 0) std::swap(items[above], items[equal_high--]);
        --above;
      }
      if (below > above) break;
      std::swap(items[below++], items[above--]);
    }

    const size_t end = start + count;
    size_t moved = std::min(equal_low - start, below - equal_low);
    swap_runs(items, start, below - moved, moved);
    moved = std::min(equal_high - above, end - equal_high - 1);
    swap_runs(items, below, end - moved, moved);

    const size_t smaller = below - equal_low;
    if (smaller > 1 && needed(start, smaller))
      sort_run(items, start, smaller, first, last, compare);
    const size_t larger = equal_high - above;
    if (larger <= 1) return;
    start = end - larger;
    count = larger;
    if (!needed(start, count)) return;
  }
}

}  // namespace partial_quicksort_detail

// Puts the elements that belong at positions [first, last] (first <= last <
// items.size()) there, in order.
template <typename T, typename Compare>
void partial_quicksort(std::span<T> items, size_t first, size_t last, Compare compare) {
  partial_quicksort_detail::sort_run(items, 0, items.size(), first, last, compare);
}

}  // namespace fkvs
