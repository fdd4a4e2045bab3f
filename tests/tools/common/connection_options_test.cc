#include "tools/common/connection_options.h"

#include <doctest/doctest.h>

using fkvs::tools::apply_uri;
using fkvs::tools::ConnectionOptions;
using fkvs::tools::looks_like_uri;

TEST_CASE("uri: host, port, user, password and db") {
  ConnectionOptions options;
  CHECK_FALSE(apply_uri("redis://alice:s3cret@example.org:7000/4", options));
  CHECK(options.host == "example.org");
  CHECK(options.port == 7000);
  CHECK(options.user == "alice");
  CHECK(options.password == "s3cret");
  CHECK(options.db == 4);
  CHECK(options.endpoint() == "example.org:7000");
}

TEST_CASE("uri: parts left out keep their defaults") {
  ConnectionOptions options;
  CHECK_FALSE(apply_uri("redis://", options));
  CHECK(options.host == "127.0.0.1");
  CHECK(options.port == 6379);
  CHECK_FALSE(options.password);
  CHECK(options.db == 0);

  CHECK_FALSE(apply_uri("redis://:pw@host", options));
  CHECK(options.user.empty());
  CHECK(options.password == "pw");
  CHECK(options.host == "host");
  CHECK(options.port == 6379);
}

TEST_CASE("uri: percent-encoded credentials and an '@' inside the password") {
  ConnectionOptions options;
  CHECK_FALSE(apply_uri("redis://us%3Aer:p@ss%2Fw@localhost:6380", options));
  CHECK(options.user == "us:er");
  CHECK(options.password == "p@ss/w");
  CHECK(options.host == "localhost");
  CHECK(options.port == 6380);
}

TEST_CASE("uri: IPv6 addresses") {
  ConnectionOptions options;
  CHECK_FALSE(apply_uri("redis://[::1]:6390/2", options));
  CHECK(options.host == "::1");
  CHECK(options.port == 6390);
  CHECK(options.db == 2);

  ConnectionOptions bare;
  CHECK_FALSE(apply_uri("redis://[fe80::1]", bare));
  CHECK(bare.host == "fe80::1");
  CHECK(bare.port == 6379);
}

TEST_CASE("uri: malformed input is an error, not a guess") {
  ConnectionOptions options;
  CHECK(apply_uri("http://host", options) == "Invalid URI scheme");
  CHECK(apply_uri("rediss://host", options));
  CHECK(apply_uri("redis://host:notaport", options) == "Invalid port in URI");
  CHECK(apply_uri("redis://host:70000", options) == "Invalid port in URI");
  CHECK(apply_uri("redis://host/x", options) == "Invalid database number in URI");
  CHECK(apply_uri("redis://a:%zz@host", options));
  CHECK(apply_uri("redis://a:%4@host", options));
}

TEST_CASE("uri: -u tells a URI from a socket path") {
  CHECK(looks_like_uri("redis://localhost"));
  CHECK(looks_like_uri("rediss://localhost"));
  CHECK_FALSE(looks_like_uri("/tmp/fkvs.sock"));
  CHECK_FALSE(looks_like_uri("redis.sock"));
}

TEST_CASE("endpoint: a socket path names the server") {
  ConnectionOptions options;
  options.socket_path = "/run/fkvs.sock";
  CHECK(options.endpoint() == "/run/fkvs.sock");
}
