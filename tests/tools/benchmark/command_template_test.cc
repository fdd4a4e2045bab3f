#include "tools/benchmark/command_template.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using fkvs::benchmark::CommandTemplate;
using fkvs::benchmark::KeyRandom;
using fkvs::benchmark::substitute_random;

TEST_CASE("benchmark template: multibulk bytes and placeholder offsets") {
  std::vector<std::string> args = {"SET", "key:__rand_int__", "VXK"};
  CommandTemplate command = CommandTemplate::from_args(args);
  CHECK(command.bytes == "*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$3\r\nVXK\r\n");
  REQUIRE(command.placeholders.size() == 1);
  CHECK(command.bytes.substr(command.placeholders[0], 12) == "__rand_int__");
}

TEST_CASE("benchmark template: every placeholder of every argument is found") {
  std::vector<std::string> args = {"MSET", "__rand_int____rand_int__", "v", "x__rand_int__y"};
  CommandTemplate command = CommandTemplate::from_args(args);
  CHECK(command.placeholders.size() == 3);
  for (size_t offset : command.placeholders) {
    CHECK(command.bytes.substr(offset, 12) == "__rand_int__");
  }
  CommandTemplate inline_ping = CommandTemplate::from_inline("PING");
  CHECK(inline_ping.bytes == "PING\r\n");
  CHECK(inline_ping.placeholders.empty());
}

TEST_CASE("benchmark template: a batch repeats the command and its placeholders") {
  std::vector<std::string> args = {"GET", "key:__rand_int__"};
  CommandTemplate command = CommandTemplate::from_args(args);
  CommandTemplate batch = command.repeated(3);
  CHECK(batch.bytes == command.bytes + command.bytes + command.bytes);
  REQUIRE(batch.placeholders.size() == 3);
  CHECK(batch.placeholders[1] == command.placeholders[0] + command.bytes.size());
  CHECK(batch.placeholders[2] == command.placeholders[0] + 2 * command.bytes.size());
}

TEST_CASE("benchmark template: substitution writes 12 zero-padded digits below keyspace") {
  std::vector<std::string> args = {"GET", "key:__rand_int__"};
  CommandTemplate batch = CommandTemplate::from_args(args).repeated(1000);
  std::string bytes = batch.bytes;
  KeyRandom random(7);
  substitute_random(bytes, batch.placeholders, bytes.size(), 50, random);
  std::set<std::string> keys;
  for (size_t offset : batch.placeholders) {
    std::string digits = bytes.substr(offset, 12);
    CHECK(digits.find_first_not_of("0123456789") == std::string::npos);
    CHECK(std::stoull(digits) < 50);
    CHECK(digits.starts_with("0000000000"));
    keys.insert(digits);
  }
  // 1000 draws from 50 keys leave none out, with overwhelming probability.
  CHECK(keys.size() == 50);
  // Everything but the digits is untouched.
  for (size_t i = 0; i < bytes.size(); ++i) {
    bool in_digits = false;
    for (size_t offset : batch.placeholders) in_digits |= i >= offset && i < offset + 12;
    if (!in_digits) CHECK(bytes[i] == batch.bytes[i]);
  }
}

TEST_CASE("benchmark template: substitution stops at the limit and is fresh each time") {
  std::vector<std::string> args = {"INCR", "counter:__rand_int__"};
  CommandTemplate command = CommandTemplate::from_args(args);
  CommandTemplate batch = command.repeated(2);
  std::string bytes = batch.bytes;
  KeyRandom random(1);
  substitute_random(bytes, batch.placeholders, command.bytes.size(), 1'000'000'000'000, random);
  CHECK(bytes.substr(batch.placeholders[0], 12) != "__rand_int__");
  CHECK(bytes.substr(batch.placeholders[1], 12) == "__rand_int__");
  std::string before = bytes.substr(batch.placeholders[0], 12);
  substitute_random(bytes, batch.placeholders, command.bytes.size(), 1'000'000'000'000, random);
  CHECK(bytes.substr(batch.placeholders[0], 12) != before);
}

TEST_CASE("benchmark template: below() stays in range and covers it") {
  KeyRandom random(42);
  std::set<uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    uint64_t value = random.below(10);
    CHECK(value < 10);
    seen.insert(value);
  }
  CHECK(seen.size() == 10);
  CHECK(random.below(1) == 0);
}

TEST_CASE("benchmark template: numbers of every width come out exact") {
  std::vector<std::string> args = {"GET", "__rand_int__"};
  CommandTemplate batch = CommandTemplate::from_args(args).repeated(200);
  for (uint64_t keyspace : {uint64_t{1}, uint64_t{7}, uint64_t{100}, uint64_t{1'234'567},
                            uint64_t{999'999'999'999}, uint64_t{1'000'000'000'000}}) {
    CAPTURE(keyspace);
    std::string bytes = batch.bytes;
    KeyRandom random(keyspace);
    substitute_random(bytes, batch.placeholders, bytes.size(), keyspace, random);
    uint64_t largest = 0;
    for (size_t offset : batch.placeholders) {
      std::string digits = bytes.substr(offset, 12);
      REQUIRE(digits.find_first_not_of("0123456789") == std::string::npos);
      uint64_t value = std::stoull(digits);
      CHECK(value < keyspace);
      largest = std::max(largest, value);
    }
    // 200 draws reach the top tenth of any keyspace of 10 or more.
    if (keyspace >= 10) CHECK(largest >= keyspace / 10 * 9);
  }
}
