#include "tools/cli/command_line.h"

#include <doctest/doctest.h>

using fkvs::cli::split_command_line;
using Args = std::vector<std::string>;

TEST_CASE("cli split: spaces separate, runs of blanks count once") {
  CHECK(split_command_line("SET a b") == Args{"SET", "a", "b"});
  CHECK(split_command_line("  GET\t key \r\n") == Args{"GET", "key"});
  CHECK(split_command_line("") == Args{});
  CHECK(split_command_line(" \t\v\f ") == Args{});
}

TEST_CASE("cli split: double quotes take escapes") {
  CHECK(split_command_line(R"(SET k "a b")") == Args{"SET", "k", "a b"});
  CHECK(split_command_line(R"("\n\r\t\b\a\\\"")") == Args{"\n\r\t\b\a\\\""});
  CHECK(split_command_line(R"("\x41\x6a\xFF")") == Args{"Aj\xff"});
  CHECK(split_command_line(R"("\x4")") == Args{"x4"});
  CHECK(split_command_line(R"("\q")") == Args{"q"});
  CHECK(split_command_line(R"("")") == Args{""});
  CHECK(split_command_line(std::string_view("\"a\0b\"", 5)) == Args{std::string("a\0b", 3)});
}

TEST_CASE("cli split: single quotes take only \\'") {
  CHECK(split_command_line(R"('a\'b')") == Args{"a'b"});
  CHECK(split_command_line(R"('a\nb "c"')") == Args{R"(a\nb "c")"});
  CHECK(split_command_line("''") == Args{""});
}

TEST_CASE("cli split: quotes may open inside a word") {
  CHECK(split_command_line(R"(a"b c" d)") == Args{"ab c", "d"});
  CHECK(split_command_line(R"(x'y z')") == Args{"xy z"});
  CHECK(split_command_line(R"(a"b")") == Args{"ab"});
}

TEST_CASE("cli split: unbalanced or glued quotes are invalid") {
  CHECK_FALSE(split_command_line(R"(GET "a)"));
  CHECK_FALSE(split_command_line("GET 'a"));
  CHECK_FALSE(split_command_line(R"("a"b)"));
  CHECK_FALSE(split_command_line("'a'b"));
  CHECK_FALSE(split_command_line(R"("a\")"));
  CHECK_FALSE(split_command_line(R"("a\)"));
  CHECK(split_command_line("\"a\"\t'b'\n") == Args{"a", "b"});
}

TEST_CASE("cli split: only blanks end a bare word") {
  CHECK(split_command_line("a\vb") == Args{"a\vb"});
  CHECK(split_command_line(R"(a\nb)") == Args{R"(a\nb)"});
}
