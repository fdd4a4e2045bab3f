#include "server/error_stats.h"

#include <doctest/doctest.h>

#include <string>

#include "byte_buffer.h"
#include "reply_writer.h"

namespace fkvs {
namespace {

TEST_CASE("error_stats: an error counts under its first word, as Redis keys errorstats") {
  CHECK(ErrorStats::code_of("ERR syntax error") == "ERR");
  CHECK(ErrorStats::code_of("WRONGTYPE Operation against a key") == "WRONGTYPE");
  CHECK(ErrorStats::code_of("NOAUTH Authentication required.") == "NOAUTH");
  // No space within Redis's first 32 bytes (its '-' included), or none at all: ERR.
  CHECK(ErrorStats::code_of("ABCDEFGHIJKLMNOPQRSTUVWXYZABCD x") ==
        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCD");
  CHECK(ErrorStats::code_of("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDE x") == "ERR");
  CHECK(ErrorStats::code_of("NOSPACE") == "ERR");
}

TEST_CASE("error_stats: every error a listening ReplyWriter sends is counted, by code") {
  ErrorStats stats;
  resp::ByteBuffer out;
  resp::ReplyWriter reply(out, &stats);
  reply.error("ERR syntax error");
  reply.error("WRONGTYPE Operation against a key holding the wrong kind of value");
  reply.error("ERR no such key");
  reply.ok();
  CHECK(reply.errors_written() == 3);
  CHECK(stats.total() == 3);
  CHECK(stats.by_code().at("ERR") == 2);
  CHECK(stats.by_code().at("WRONGTYPE") == 1);
  stats.reset();
  CHECK(stats.total() == 0);
  CHECK(stats.by_code().empty());
}

}  // namespace
}  // namespace fkvs
