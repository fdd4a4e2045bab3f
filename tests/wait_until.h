#pragma once

#include <chrono>
#include <thread>

namespace fkvs::testing {

// Polls condition() until it holds or `within` has passed; returns whether it
// held, so the caller can fail with a message saying what it waited for.
template <typename Condition>
bool wait_until(Condition condition, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace fkvs::testing
