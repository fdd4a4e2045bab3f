#include "persistence/aof_manifest.h"

#include <doctest/doctest.h>

#include <string>

#include "persistence/format_error.h"

namespace fkvs::persistence {
namespace {

using File = AofManifest::File;
using FileType = AofManifest::FileType;

// appendonlydir/appendonly.aof.manifest of the rdb-fixtures 7.0.15 set, as
// redis-server 7.0.15 wrote it after one BGREWRITEAOF.
constexpr std::string_view kRedis7015Manifest =
    "file appendonly.aof.2.base.rdb seq 2 type b\n"
    "file appendonly.aof.2.incr.aof seq 2 type i\n";

// The message parse throws for text; fails the test when it does not throw.
std::string error_of(std::string_view text) {
  try {
    AofManifest::parse(text);
  } catch (const FormatError& error) {
    return error.what();
  }
  FAIL("parse accepted: " << text);
  return {};
}

std::string line_of(std::string_view name) {
  AofManifest manifest;
  manifest.base = File{std::string(name), 1, FileType::kBase};
  return manifest.format();
}

TEST_CASE("aof_manifest: the redis 7.0.15 manifest parses and formats byte for byte") {
  AofManifest manifest = AofManifest::parse(kRedis7015Manifest);
  REQUIRE(manifest.base);
  CHECK(*manifest.base == File{"appendonly.aof.2.base.rdb", 2, FileType::kBase});
  REQUIRE(manifest.incrementals.size() == 1);
  CHECK(manifest.incrementals[0] == File{"appendonly.aof.2.incr.aof", 2, FileType::kIncremental});
  CHECK(manifest.history.empty());
  CHECK(manifest.format() == kRedis7015Manifest);
  CHECK(manifest.next_base_seq() == 3);
  CHECK(manifest.next_incremental_seq() == 3);
}

TEST_CASE("aof_manifest: format writes the base, then history, then incrementals") {
  AofManifest manifest;
  manifest.incrementals = {{"appendonly.aof.4.incr.aof", 4, FileType::kIncremental},
                           {"appendonly.aof.5.incr.aof", 5, FileType::kIncremental}};
  manifest.history = {{"appendonly.aof.1.base.rdb", 1, FileType::kHistory},
                      {"appendonly.aof.3.incr.aof", 3, FileType::kHistory}};
  manifest.base = File{"appendonly.aof.2.base.rdb", 2, FileType::kBase};
  const std::string text = manifest.format();
  CHECK(text ==
        "file appendonly.aof.2.base.rdb seq 2 type b\n"
        "file appendonly.aof.1.base.rdb seq 1 type h\n"
        "file appendonly.aof.3.incr.aof seq 3 type h\n"
        "file appendonly.aof.4.incr.aof seq 4 type i\n"
        "file appendonly.aof.5.incr.aof seq 5 type i\n");
  CHECK(AofManifest::parse(text).base == manifest.base);
  CHECK(AofManifest::parse(text).history == manifest.history);
  CHECK(AofManifest::parse(text).incrementals == manifest.incrementals);
}

TEST_CASE("aof_manifest: an empty manifest formats to nothing") {
  CHECK(AofManifest().format().empty());
}

TEST_CASE("aof_manifest: names of printable bytes are written bare") {
  CHECK(line_of("appendonly.aof.1.base.rdb") == "file appendonly.aof.1.base.rdb seq 1 type b\n");
  CHECK(line_of("a-b_c.d~!$%&()*+,:;<=>?@[]^{|}`#") ==
        "file a-b_c.d~!$%&()*+,:;<=>?@[]^{|}`# seq 1 type b\n");
}

TEST_CASE("aof_manifest: names with blanks, quotes or unprintable bytes are quoted as Redis does") {
  CHECK(line_of("my file") == "file \"my file\" seq 1 type b\n");
  CHECK(line_of("say \"hi\"") == "file \"say \\\"hi\\\"\" seq 1 type b\n");
  CHECK(line_of("back\\slash") == "file \"back\\\\slash\" seq 1 type b\n");
  CHECK(line_of("a\nb\rc\td\ae\bf") == "file \"a\\nb\\rc\\td\\ae\\bf\" seq 1 type b\n");
  CHECK(line_of("\x01\x7f\x0b") == "file \"\\x01\\x7f\\x0b\" seq 1 type b\n");
  // Redis never sets LC_CTYPE: UTF-8 is bytes it cannot print.
  CHECK(line_of("caf\xc3\xa9") == "file \"caf\\xc3\\xa9\" seq 1 type b\n");
  // Redis 7.0 writes a single quote bare and then cannot read it back.
  CHECK(line_of("it's") == "file \"it's\" seq 1 type b\n");
}

TEST_CASE("aof_manifest: names needing quotes round trip") {
  // A backslash would make the name a path, which parse refuses.
  const std::string names[] = {"my file",
                               "say \"hi\"",
                               "it's",
                               "new\nline",
                               "cr\rtab\t\a\b",
                               "caf\xc3\xa9",
                               "\xff\x80\x01",
                               " lead",
                               "trail ",
                               "\"",
                               "'",
                               std::string("\x7f", 1),
                               "\xe6\x97\xa5.aof",
                               "x41 \x41"};
  for (const std::string& name : names) {
    CAPTURE(name);
    AofManifest manifest;
    manifest.base = File{name, 7, FileType::kBase};
    manifest.history = {File{name + "h", 3, FileType::kHistory}};
    manifest.incrementals = {File{name, 8, FileType::kIncremental},
                             File{"x" + name, 9, FileType::kIncremental}};
    const std::string text = manifest.format();
    AofManifest parsed = AofManifest::parse(text);
    CHECK(parsed.base == manifest.base);
    CHECK(parsed.history == manifest.history);
    CHECK(parsed.incrementals == manifest.incrementals);
    CHECK(parsed.format() == text);
  }
}

TEST_CASE("aof_manifest: parse splits words as sdssplitargs does") {
  auto name = [](std::string_view line) { return AofManifest::parse(line).base->name; };
  CHECK(name("file 'a b' seq 1 type b\n") == "a b");
  CHECK(name("file 'it\\'s' seq 1 type b\n") == "it's");
  CHECK(name("file 'say \"hi\"' seq 1 type b\n") == "say \"hi\"");
  CHECK(name("file \"\\x41\\x6a\\n\\q\" seq 1 type b\n") == "Aj\nq");
  // \x without two hex digits is an escaped x.
  CHECK(name("file \"\\xZZ\" seq 1 type b\n") == "xZZ");
  // A quote opens mid-word.
  CHECK(name("file ab\"c d\" seq 1 type b\n") == "abc d");
  CHECK(name("file a'b c' seq 1 type b\n") == "ab c");
  // Runs of blanks separate words.
  CHECK(name("file \t x  seq\t1   type  b\n") == "x");
}

TEST_CASE("aof_manifest: keys match in any case and any order, unknown keys are ignored") {
  AofManifest manifest = AofManifest::parse(
      "TYPE i Seq 4 File a.aof\n"
      "file b.rdb seq 1 type b size 100 future yes\n");
  CHECK(*manifest.base == File{"b.rdb", 1, FileType::kBase});
  REQUIRE(manifest.incrementals.size() == 1);
  CHECK(manifest.incrementals[0] == File{"a.aof", 4, FileType::kIncremental});
}

TEST_CASE("aof_manifest: a repeated key's last value counts") {
  AofManifest manifest = AofManifest::parse("file a seq x type i file b seq 5 type b\n");
  CHECK(*manifest.base == File{"b", 5, FileType::kBase});
  CHECK(manifest.incrementals.empty());
}

TEST_CASE("aof_manifest: the type is its first byte") {
  AofManifest manifest = AofManifest::parse(
      "file a seq 1 type base\n"
      "file b seq 1 type history\n"
      "file c seq 1 type incr\n");
  CHECK(manifest.base->name == "a");
  CHECK(manifest.history.at(0) == File{"b", 1, FileType::kHistory});
  CHECK(manifest.incrementals.at(0) == File{"c", 1, FileType::kIncremental});
}

TEST_CASE("aof_manifest: comments, CRLF and surrounding blanks") {
  AofManifest manifest = AofManifest::parse(
      "# written by hand\n"
      "  file a seq 1 type b \t\r\n"
      "#\n"
      "file b seq 2 type i\r\n"
      "# a last comment with no newline");
  CHECK(*manifest.base == File{"a", 1, FileType::kBase});
  CHECK(manifest.incrementals.at(0) == File{"b", 2, FileType::kIncremental});
  // Only comments: no files, and not an error (Redis tests the byte count).
  AofManifest none = AofManifest::parse("# nothing\n");
  CHECK(!none.base);
  CHECK(none.incrementals.empty());
  CHECK(none.history.empty());
  // A '#' after blanks is no comment.
  CHECK(error_of("  # note\n") ==
        "AOF manifest line 1: Invalid AOF manifest file format (expected \"file <name> seq <n> "
        "type <b|h|i>\")");
}

TEST_CASE("aof_manifest: history files keep their order and need not rise") {
  AofManifest manifest = AofManifest::parse(
      "file h5 seq 5 type h\n"
      "file h1 seq 1 type h\n"
      "file i3 seq 3 type i\n"
      "file b2 seq 2 type b\n");
  REQUIRE(manifest.history.size() == 2);
  CHECK(manifest.history[0].name == "h5");
  CHECK(manifest.history[1].name == "h1");
  CHECK(manifest.base->seq == 2);
  CHECK(manifest.format() ==
        "file b2 seq 2 type b\n"
        "file h5 seq 5 type h\n"
        "file h1 seq 1 type h\n"
        "file i3 seq 3 type i\n");
}

TEST_CASE("aof_manifest: seq is a positive decimal up to 2^63-1") {
  auto seq = [](std::string_view value) {
    return AofManifest::parse("file a seq " + std::string(value) + " type b\n").base->seq;
  };
  CHECK(seq("1") == 1);
  CHECK(seq("007") == 7);
  CHECK(seq("9223372036854775807") == 9223372036854775807ULL);
  const std::string refused =
      "AOF manifest line 1: Invalid AOF manifest file format (seq must be "
      "a positive integer)";
  // Redis's atoll reads 0 and "" as no seq, takes "-1", "+5" and "12abc", and
  // clamps overflow; fkvs refuses all of those.
  for (std::string_view value :
       {"0", "-1", "+5", "12abc", "\"\"", "\" 5\"", "1.5", "0x10", "9223372036854775808",
        "18446744073709551616", "99999999999999999999999"}) {
    CAPTURE(value);
    CHECK(error_of("file a seq " + std::string(value) + " type b\n") == refused);
  }
}

TEST_CASE("aof_manifest: incrementals must rise") {
  CHECK(error_of("file a seq 2 type i\nfile b seq 2 type i\n") ==
        "AOF manifest line 2: Found a non-monotonic sequence number");
  CHECK(error_of("file a seq 3 type i\nfile b seq 4 type i\nfile c seq 1 type i\n") ==
        "AOF manifest line 3: Found a non-monotonic sequence number");
  // The base and history files do not take part.
  CHECK_NOTHROW(
      AofManifest::parse("file a seq 9 type b\nfile h seq 9 type h\nfile i seq 1 type i\n"));
}

TEST_CASE("aof_manifest: a second base is refused") {
  CHECK(error_of("file a seq 1 type b\nfile c seq 1 type i\nfile b seq 2 type b\n") ==
        "AOF manifest line 3: Found duplicate base file information");
}

TEST_CASE("aof_manifest: an unknown or missing type is refused") {
  CHECK(error_of("file a seq 1 type x\n") == "AOF manifest line 1: Unknown AOF file type");
  CHECK(error_of("file a seq 1 type B\n") == "AOF manifest line 1: Unknown AOF file type");
  CHECK(error_of("file a seq 1 type \"\"\n") ==
        "AOF manifest line 1: Invalid AOF manifest file format (no type)");
  CHECK(error_of("file a seq 1 kind b\n") ==
        "AOF manifest line 1: Invalid AOF manifest file format (no type)");
}

TEST_CASE("aof_manifest: a missing name or seq is refused") {
  CHECK(error_of("name a seq 1 type b\n") ==
        "AOF manifest line 1: Invalid AOF manifest file format (no file name)");
  CHECK(error_of("file a sequence 1 type b\n") ==
        "AOF manifest line 1: Invalid AOF manifest file format (no seq)");
  CHECK(error_of("file \"\" seq 1 type b\n") ==
        "AOF manifest line 1: Invalid AOF manifest file format (the file name is empty)");
  CHECK(error_of("file \"a\\x00b\" seq 1 type b\n") ==
        "AOF manifest line 1: Invalid AOF manifest file format (the file name holds a NUL byte)");
}

TEST_CASE("aof_manifest: a path for a name is refused") {
  for (std::string_view name : {"dir/a.aof", "/a.aof", "..\\\\a.aof", "'a\\b'", "\"a\\x2fb\""}) {
    CAPTURE(name);
    CHECK(error_of("file " + std::string(name) + " seq 1 type b\n") ==
          "AOF manifest line 1: File can't be a path, just a filename");
  }
}

TEST_CASE("aof_manifest: a line that is not pairs of at least six words is refused") {
  const std::string refused =
      "AOF manifest line 2: Invalid AOF manifest file format (expected \"file <name> seq <n> "
      "type <b|h|i>\")";
  for (std::string_view line : {"file a seq 1\n", "file a seq 1 type\n", "file a seq 1 type b x\n",
                                "a\n", "file  seq 1 type b\n"}) {
    CAPTURE(line);
    CHECK(error_of("file z seq 1 type b\n" + std::string(line)) == refused);
  }
}

TEST_CASE("aof_manifest: unbalanced or misplaced quotes are refused") {
  const std::string refused =
      "AOF manifest line 1: Invalid AOF manifest file format (a quote is not closed or not "
      "followed by a space)";
  for (std::string_view line :
       {"file \"a seq 1 type b\n", "file 'a seq 1 type b\n", "file \"a\"b seq 1 type b\n",
        "file 'a'b seq 1 type b\n", "file it's seq 1 type b\n", "file a seq 1 type \"b\\\"\n"}) {
    CAPTURE(line);
    CHECK(error_of(line) == refused);
  }
}

TEST_CASE("aof_manifest: blank lines and empty text are refused") {
  CHECK(error_of("") == "AOF manifest: Found an empty AOF manifest");
  CHECK(error_of("\n") == "AOF manifest line 1: Invalid AOF manifest file format (a blank line)");
  CHECK(error_of("file a seq 1 type b\n \t\r\n") ==
        "AOF manifest line 2: Invalid AOF manifest file format (a blank line)");
  CHECK(error_of("file a seq 1 type b\n\nfile b seq 1 type i\n") ==
        "AOF manifest line 2: Invalid AOF manifest file format (a blank line)");
}

TEST_CASE("aof_manifest: the last line needs its newline") {
  CHECK(error_of("file a seq 1 type b\nfile b seq 1 type i") ==
        "AOF manifest line 2: The AOF manifest file contains too long line (the last line has "
        "no newline)");
}

TEST_CASE("aof_manifest: a line of 1024 bytes or more before its newline is refused") {
  // 1023 bytes and the newline fill Redis's fgets buffer exactly.
  std::string fits = "file a seq 1 type b";
  fits += std::string(1023 - fits.size(), ' ');
  CHECK(AofManifest::parse(fits + "\n").base->name == "a");
  const std::string refused =
      "AOF manifest line 2: The AOF manifest file contains too long line (1024 bytes or more "
      "before the newline)";
  CHECK(error_of("# c\n" + fits + " \n") == refused);
  CHECK(error_of("# c\nfile " + std::string(2000, 'n') + " seq 1 type b\n") == refused);
}

TEST_CASE("aof_manifest: a long comment is read in 1024-byte pieces, as Redis reads it") {
  // The piece after the first 1024 bytes is a line of its own.
  CHECK(error_of("#" + std::string(1023, 'c') + "tail\n") ==
        "AOF manifest line 1: Invalid AOF manifest file format (expected \"file <name> seq <n> "
        "type <b|h|i>\")");
  AofManifest manifest =
      AofManifest::parse("#" + std::string(1023, 'c') + "#more\nfile a seq 1 type b\n");
  CHECK(manifest.base->name == "a");
  CHECK(!AofManifest::parse("#" + std::string(1022, 'c') + "\n").base);
  // Even a comment of exactly 1024 bytes leaves its newline as a blank line.
  CHECK(error_of("#" + std::string(1023, 'c') + "\n") ==
        "AOF manifest line 1: Invalid AOF manifest file format (a blank line)");
  // A piece that happens to be a whole file line is read as one.
  AofManifest read = AofManifest::parse("#" + std::string(1023, 'c') + "file x seq 1 type i\n");
  CHECK(read.incrementals.at(0).name == "x");
}

TEST_CASE("aof_manifest: a NUL byte outside a comment is refused") {
  CHECK(error_of(std::string("file a\0 seq 1 type b\n", 21)) ==
        "AOF manifest line 1: The AOF manifest file contains too long line (a NUL byte)");
  CHECK(AofManifest::parse(std::string("#\0\nfile a seq 1 type b\n", 23)).base->name == "a");
}

TEST_CASE("aof_manifest: errors name the text line, comments counted") {
  CHECK(error_of("# one\nfile a seq 1 type b\n# three\nfile b seq 1 type z\n") ==
        "AOF manifest line 4: Unknown AOF file type");
}

TEST_CASE("aof_manifest: file names follow appendfilename") {
  CHECK(AofManifest::base_name("appendonly.aof", 2, true) == "appendonly.aof.2.base.rdb");
  CHECK(AofManifest::base_name("appendonly.aof", 1, false) == "appendonly.aof.1.base.aof");
  CHECK(AofManifest::incremental_name("appendonly.aof", 12) == "appendonly.aof.12.incr.aof");
  CHECK(AofManifest::manifest_name("appendonly.aof") == "appendonly.aof.manifest");
  CHECK(AofManifest::manifest_name("my aof") == "my aof.manifest");
}

TEST_CASE("aof_manifest: next seq numbers") {
  AofManifest manifest;
  CHECK(manifest.next_base_seq() == 1);
  CHECK(manifest.next_incremental_seq() == 1);
  // History files do not count, as Redis keeps curr_incr_file_seq from incrementals only.
  manifest.history = {{"h", 40, FileType::kHistory}};
  CHECK(manifest.next_base_seq() == 1);
  CHECK(manifest.next_incremental_seq() == 1);
  manifest = AofManifest::parse(
      "file b seq 6 type b\nfile h seq 9 type h\nfile i seq 3 type i\nfile j seq 8 type i\n");
  CHECK(manifest.next_base_seq() == 7);
  CHECK(manifest.next_incremental_seq() == 9);
}

}  // namespace
}  // namespace fkvs::persistence
