#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace fkvs::test {

// A file of integration/fixtures/rdb (written by real redis-server
// versions; its README says how), read whole.
inline std::string read_rdb_fixture(const std::string& relative) {
  const std::string path = std::string(FKVS_SOURCE_ROOT) + "/integration/fixtures/rdb/" + relative;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace fkvs::test
