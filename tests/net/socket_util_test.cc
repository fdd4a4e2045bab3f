#include "net/socket_util.h"

#include <doctest/doctest.h>

namespace fkvs::net {
namespace {

TEST_CASE("socket_util: loopback addresses, as peer_address_of prints them") {
  CHECK(is_loopback_address("127.0.0.1:5000"));
  CHECK(is_loopback_address("127.5.6.7:1"));
  CHECK(is_loopback_address("[::1]:6379"));
  CHECK(is_loopback_address("[::ffff:127.0.0.1]:6379"));
  CHECK_FALSE(is_loopback_address("192.0.2.2:5000"));
  CHECK_FALSE(is_loopback_address("1.127.0.0:5000"));
  CHECK_FALSE(is_loopback_address("[::2]:6379"));
  CHECK_FALSE(is_loopback_address("[::ffff:10.0.0.1]:6379"));
  CHECK_FALSE(is_loopback_address("?:0"));
}

}  // namespace
}  // namespace fkvs::net
