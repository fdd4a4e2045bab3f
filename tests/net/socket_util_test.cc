#include "net/socket_util.h"

#include <doctest/doctest.h>

namespace fkvs::net {
namespace {

TEST_CASE("socket_util: local addresses are Redis's: 127.0.0.1 and ::1 only") {
  CHECK(is_local_host_address("127.0.0.1:5000"));
  CHECK(is_local_host_address("[::1]:6379"));
  CHECK_FALSE(is_local_host_address("127.0.0.2:5000"));
  CHECK_FALSE(is_local_host_address("127.0.0.10:5000"));
  CHECK_FALSE(is_local_host_address("[::ffff:127.0.0.1]:6379"));
  CHECK_FALSE(is_local_host_address("192.0.2.2:5000"));
  CHECK_FALSE(is_local_host_address("1.127.0.0:5000"));
  CHECK_FALSE(is_local_host_address("[::2]:6379"));
  CHECK_FALSE(is_local_host_address("?:0"));
}

}  // namespace
}  // namespace fkvs::net
