#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fkvs::hll {

// PFSELFTEST: the dense register packing keeps random values, and the estimate of n
// distinct elements (n = 1, 10, ... 1,000,000) stays within six standard errors, sparse
// and dense agreeing. nullopt when all holds, else the failure as a TESTFAILED error.
std::optional<std::string> self_test(size_t sparse_max_bytes, uint64_t seed);

}  // namespace fkvs::hll
