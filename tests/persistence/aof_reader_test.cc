#include "persistence/aof_reader.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "persistence/format_error.h"

namespace fkvs::persistence {
namespace {

std::string command(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view arg : args) {
    out += "$" + std::to_string(arg.size()) + "\r\n";
    out += arg;
    out += "\r\n";
  }
  return out;
}

// The commands read, each as its arguments joined by spaces, up to the step
// that ended the reading.
std::vector<std::string> read_all(AofReader& reader, AofReader::Step& last) {
  std::vector<std::string> commands;
  while ((last = reader.next()) == AofReader::Step::kCommand) {
    std::string joined;
    for (std::string_view arg : reader.args())
      joined += (joined.empty() ? "" : " ") + std::string(arg);
    commands.push_back(joined);
  }
  return commands;
}

TEST_CASE("aof_reader: commands and timestamp annotations, from an offset") {
  const std::string preamble = "REDIS-preamble";
  const std::string bytes =
      preamble + command({"SELECT", "0"}) + "#TS:1733500000\r\n" + command({"SET", "k", "v"});
  AofReader reader(bytes, preamble.size());
  AofReader::Step last;
  CHECK(read_all(reader, last) == std::vector<std::string>{"SELECT 0", "SET k v"});
  CHECK(last == AofReader::Step::kEnd);
  CHECK(reader.whole_end() == bytes.size());
  CHECK_FALSE(reader.in_transaction());
}

TEST_CASE("aof_reader: a file cut inside a command or a transaction ends where the last unit did") {
  const std::string whole = command({"SET", "a", "1"});
  SUBCASE("inside a command") {
    const std::string bytes = whole + command({"SET", "b", "2"}).substr(0, 9);
    AofReader reader(bytes, 0);
    AofReader::Step last;
    CHECK(read_all(reader, last).size() == 1);
    CHECK(last == AofReader::Step::kTruncated);
    CHECK(reader.whole_end() == whole.size());
  }
  SUBCASE("inside a transaction") {
    const std::string bytes = whole + command({"MULTI"}) + command({"INCR", "n"});
    AofReader reader(bytes, 0);
    AofReader::Step last;
    CHECK(read_all(reader, last).size() == 3);
    CHECK(last == AofReader::Step::kEnd);
    CHECK(reader.in_transaction());
    CHECK(reader.whole_end() == whole.size());
  }
  SUBCASE("a closed transaction is whole") {
    const std::string bytes =
        whole + command({"multi"}) + command({"INCR", "n"}) + command({"exec"});
    AofReader reader(bytes, 0);
    AofReader::Step last;
    CHECK(read_all(reader, last).size() == 4);
    CHECK_FALSE(reader.in_transaction());
    CHECK(reader.whole_end() == bytes.size());
  }
  SUBCASE("inside an annotation, which is read as one (as Redis does)") {
    const std::string bytes = whole + "#TS:17335";
    AofReader reader(bytes, 0);
    AofReader::Step last;
    CHECK(read_all(reader, last).size() == 1);
    CHECK(last == AofReader::Step::kEnd);
    CHECK(reader.whole_end() == bytes.size());
  }
}

TEST_CASE("aof_reader: bytes that are not commands are refused at their offset") {
  const std::string whole = command({"SET", "a", "1"});
  const std::string bytes = whole + "SET b 2\r\n";
  AofReader reader(bytes, 0);
  CHECK(reader.next() == AofReader::Step::kCommand);
  CHECK_THROWS_WITH_AS(reader.next(), "a command must start with '*'", FormatError);
  CHECK(reader.offset() == whole.size());
  AofReader bad_length("*1\r\n$x\r\n", 0);
  CHECK_THROWS_AS(bad_length.next(), FormatError);
  // Not an empty request followed by an inline one, as from a client.
  AofReader no_arguments("*0\r\nSET a 1\r\n", 0);
  CHECK_THROWS_WITH_AS(no_arguments.next(), "a command with no arguments", FormatError);
}

}  // namespace
}  // namespace fkvs::persistence
