#include "store/hyperloglog_self_test.h"

#include <cmath>
#include <random>
#include <string_view>

#include "store/hyperloglog.h"

namespace fkvs::hll {
namespace {

std::optional<std::string> check_register_packing(std::mt19937_64& random) {
  constexpr int kRounds = 100;
  std::string dense(kDenseSize, '\0');
  const std::span<uint8_t> bytes(reinterpret_cast<uint8_t*>(dense.data()), dense.size());
  Registers expected;
  for (int round = 0; round < kRounds; ++round) {
    for (size_t i = 0; i < kRegisterCount; ++i) {
      expected[i] = random() & 63;
      set_dense_register(bytes, i, expected[i]);
    }
    for (size_t i = 0; i < kRegisterCount; ++i) {
      if (dense_register(bytes, i) != expected[i]) {
        return "TESTFAILED Register error at " + std::to_string(i);
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_estimates(size_t sparse_max_bytes, uint64_t seed) {
  constexpr uint64_t kLastCheckpoint = 1'000'000;
  const double relative_error = 1.04 / std::sqrt(static_cast<double>(kRegisterCount));
  std::string dense_bytes = empty_sparse();
  StringBuffer dense(dense_bytes);
  convert_to_dense(dense);
  std::string sparse_bytes = empty_sparse();
  StringBuffer sparse(sparse_bytes);
  uint64_t checkpoint = 1;
  for (uint64_t n = 1; n <= kLastCheckpoint; ++n) {
    const uint64_t element = n ^ seed;
    const std::string_view bytes(reinterpret_cast<const char*>(&element), sizeof(element));
    add(dense, bytes, sparse_max_bytes);
    add(sparse, bytes, sparse_max_bytes);
    if (n != checkpoint) continue;
    checkpoint *= 10;
    if (n < sparse_max_bytes / 2 && encoding_of(sparse.bytes()) != Encoding::kSparse) {
      return std::string("TESTFAILED sparse encoding not used");
    }
    const uint64_t estimated = *estimate(dense.bytes());
    if (estimate(sparse.bytes()) != estimated)
      return std::string("TESTFAILED dense/sparse disagree");
    // At 10 one collision is likely enough now and then: allow it.
    const auto allowed =
        n == 10 ? 1 : static_cast<uint64_t>(std::ceil(relative_error * 6 * static_cast<double>(n)));
    const uint64_t error = estimated > n ? estimated - n : n - estimated;
    if (error > allowed) {
      return "TESTFAILED Too big error. card:" + std::to_string(n) +
             " abserr:" + std::to_string(error);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> self_test(size_t sparse_max_bytes, uint64_t seed) {
  std::mt19937_64 random(seed);
  if (auto failure = check_register_packing(random)) return failure;
  return check_estimates(sparse_max_bytes, seed);
}

}  // namespace fkvs::hll
