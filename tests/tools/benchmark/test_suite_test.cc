#include "tools/benchmark/test_suite.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using fkvs::benchmark::BenchmarkOptions;
using fkvs::benchmark::select_tests;

namespace {

std::vector<std::string> titles(const BenchmarkOptions& options) {
  std::vector<std::string> out;
  for (const auto& test : select_tests(options)) out.push_back(test.title);
  return out;
}

std::vector<std::string> titles_for(const std::string& tests) {
  BenchmarkOptions options;
  options.tests = tests;
  return titles(options);
}

}  // namespace

TEST_CASE("benchmark suite: redis-benchmark 7.0's tests in its order") {
  CHECK(titles_for("") == std::vector<std::string>{
                              "PING_INLINE",
                              "PING_MBULK",
                              "SET",
                              "GET",
                              "INCR",
                              "LPUSH",
                              "RPUSH",
                              "LPOP",
                              "RPOP",
                              "SADD",
                              "HSET",
                              "SPOP",
                              "ZADD",
                              "ZPOPMIN",
                              "LPUSH (needed to benchmark LRANGE)",
                              "LRANGE_100 (first 100 elements)",
                              "LRANGE_300 (first 300 elements)",
                              "LRANGE_500 (first 500 elements)",
                              "LRANGE_600 (first 600 elements)",
                              "MSET (10 keys)",
                          });
}

TEST_CASE("benchmark suite: -t selects by name, in the suite's order") {
  CHECK(titles_for("get,set") == std::vector<std::string>{"SET", "GET"});
  CHECK(titles_for("ping") == std::vector<std::string>{"PING_INLINE", "PING_MBULK"});
  CHECK(titles_for("ping_mbulk") == std::vector<std::string>{"PING_MBULK"});
  CHECK(titles_for("lrange_300") == std::vector<std::string>{"LPUSH (needed to benchmark LRANGE)",
                                                             "LRANGE_300 (first 300 elements)"});
  CHECK(titles_for("lrange").size() == 5);
  CHECK(titles_for("lpush") == std::vector<std::string>{"LPUSH"});
  CHECK(titles_for("mset") == std::vector<std::string>{"MSET (10 keys)"});
  // Whole items only: "se" is no test, nor is "sets".
  CHECK(titles_for("se,sets").empty());
}

TEST_CASE("benchmark suite: commands as redis-benchmark sends them") {
  BenchmarkOptions options;
  options.tests = "ping,set,zadd,mset";
  options.data_size = 5;
  auto tests = select_tests(options);
  REQUIRE(tests.size() == 5);
  CHECK(tests[0].command.bytes == "PING\r\n");
  CHECK(tests[1].command.bytes == "*1\r\n$4\r\nPING\r\n");
  CHECK(tests[2].command.bytes.starts_with("*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$5\r\n"));
  // Without -r the score is 0, since __rand_int__ is not a float.
  CHECK(tests[3].command.bytes.find("$1\r\n0\r\n$20\r\nelement:__rand_int__") != std::string::npos);
  CHECK(tests[4].command.bytes.starts_with("*21\r\n$4\r\nMSET\r\n"));
  CHECK(tests[4].command.placeholders.size() == 10);
  options.keyspace = 100;
  CHECK(select_tests(options)[3].command.placeholders.size() == 2);
}

TEST_CASE("benchmark suite: a custom command replaces the suite and -t") {
  BenchmarkOptions options;
  options.tests = "set";
  options.command = {"LPUSH", "mylist", "__rand_int__"};
  auto tests = select_tests(options);
  REQUIRE(tests.size() == 1);
  CHECK(tests[0].title == "LPUSH mylist __rand_int__");
  CHECK(tests[0].command.placeholders.size() == 1);
}

TEST_CASE("benchmark suite: the payload has the requested size") {
  CHECK(fkvs::benchmark::payload(3).size() == 3);
  CHECK(fkvs::benchmark::payload(1000).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
        std::string::npos);
}
