#include "persistence/listpack_codec.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "persistence/format_error.h"
#include "test_bytes.h"

namespace fkvs::persistence {
namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

std::string u32_le(uint64_t value) {
  std::string bytes;
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>(value >> (8 * i)));
  return bytes;
}

std::string u16_le(uint64_t value) { return u32_le(value).substr(0, 2); }

std::vector<std::string> listpack_entries(std::string_view blob) {
  std::vector<std::string> entries;
  for_each_listpack_entry(blob, [&](std::string_view entry) { entries.emplace_back(entry); });
  return entries;
}

std::vector<std::string> ziplist_entries(std::string_view blob) {
  std::vector<std::string> entries;
  for_each_ziplist_entry(blob, [&](std::string_view entry) { entries.emplace_back(entry); });
  return entries;
}

std::vector<int64_t> intset_members(std::string_view blob) {
  std::vector<int64_t> members;
  for_each_intset_member(blob, [&](int64_t member) { members.push_back(member); });
  return members;
}

// A listpack of the given entries, each already encoded with its backlen.
std::string listpack_of(const std::vector<std::string>& entries) {
  std::string body;
  for (const std::string& entry : entries) body += entry;
  return u32_le(6 + body.size() + 1) + u16_le(entries.size()) + body + "\xff";
}

std::string one_integer_listpack(int64_t value) {
  ListpackBuilder builder;
  builder.append_integer(value);
  return builder.finish();
}

std::string one_string_listpack(std::string_view text) {
  ListpackBuilder builder;
  builder.append(text);
  return builder.finish();
}

// A ziplist of entries given as encoding + data; the previous-entry lengths,
// tail offset and header are filled in. Entries in large_prevlen get the
// 5-byte previous length even when it is small, as Redis sometimes leaves it.
std::string ziplist_of(const std::vector<std::string>& encoded,
                       const std::vector<size_t>& large_prevlen = {}) {
  std::string body;
  size_t previous_size = 0;
  size_t tail = 10;
  for (size_t i = 0; i < encoded.size(); ++i) {
    std::string entry;
    const bool large = previous_size >= 254 || std::find(large_prevlen.begin(), large_prevlen.end(),
                                                         i) != large_prevlen.end();
    if (large) {
      entry = "\xfe" + u32_le(previous_size);
    } else {
      entry.push_back(static_cast<char>(previous_size));
    }
    entry += encoded[i];
    tail = 10 + body.size();
    body += entry;
    previous_size = entry.size();
  }
  return u32_le(10 + body.size() + 1) + u32_le(tail) + u16_le(encoded.size()) + body + "\xff";
}

// Every reader must either accept a blob or throw FormatError; nothing else,
// and (under the sanitizers) no stray read.
template <typename Read>
void check_parses_or_rejects(const std::string& blob, Read read) {
  try {
    read(blob);
  } catch (const FormatError&) {
  }
}

// Each prefix of blob is rejected, both as it is and with its size field
// patched to the new length and its last byte made a terminator.
template <typename Read>
void check_truncations_rejected(const std::string& blob, Read read) {
  for (size_t size = 0; size < blob.size(); ++size) {
    CAPTURE(size);
    const std::string prefix = blob.substr(0, size);
    CHECK_THROWS_AS(read(prefix), FormatError);
    if (size >= 4) {
      std::string patched = u32_le(size) + prefix.substr(4);
      patched.back() = '\xff';
      CHECK_THROWS_AS(read(patched), FormatError);
    }
  }
}

template <typename Read>
void check_bit_flips_never_crash(const std::string& blob, Read read, uint64_t seed) {
  for (size_t byte = 0; byte < blob.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = blob;
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      check_parses_or_rejects(flipped, read);
    }
  }
  MESSAGE("seed " << seed);
  std::mt19937_64 random(seed);
  for (int round = 0; round < 300; ++round) {
    std::string mutated = blob;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) {
      mutated[random() % mutated.size()] = static_cast<char>(random());
    }
    check_parses_or_rejects(mutated, read);
  }
}

// The list `list:small` of the fixture dataset: every integer width and the
// string length classes.
const std::vector<std::string> kSmallList = [] {
  std::vector<std::string> list;
  std::istringstream words(
      "1 two -3 0 12 127 128 -128 4095 4096 -4096 32767 32768 8388607 8388608 2147483647 "
      "2147483648 1099511627776 9223372036854775807 -9223372036854775808");
  for (std::string word; words >> word;) list.push_back(word);
  list.insert(list.end(), {"", std::string("\x00\xff\x01\x62in\r\n", 8), "3.14", "007",
                           std::string(63, 'x'), std::string(64, 'y')});
  return list;
}();

// That list's only quicklist node as redis-server 7.0.15 saved it.
const std::string kRedis70SmallListListpack = from_hex(
    "040100001a0001018374776f04dffd0200010c017f01c08002df8002cfff02f1001003d00002f1ff7f03f200"
    "800004f2ffff7f04f30000800005f3ffffff7f05f4000000800000000009f4000000000001000009f4ffffff"
    "ffffffff7f09f400000000000000800980018800ff0162696e0d0a0984332e3134058330303704bf78787878"
    "7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "78787878787878787878787878787840e0407979797979797979797979797979797979797979797979797979"
    "797979797979797979797979797979797979797979797979797979797979797979797979797942ff");

// The same list's quicklist node as redis-server 6.2.14 saved it: a ziplist.
const std::string kRedis62SmallListZiplist = from_hex(
    "0c010000c80000001a0000f2020374776f05fefd03f102fd02fe7f03c0800004fe8003c0ff0f04c0001004c0"
    "00f004c0ff7f04f000800005f0ffff7f05d00000800006d0ffffff7f06e000000080000000000ae000000000"
    "000100000ae0ffffffffffffff7f0ae000000000000000800a00020800ff0162696e0d0a0a04332e31340603"
    "303037053f787878787878787878787878787878787878787878787878787878787878787878787878787878"
    "7878787878787878787878787878787878787878787878784140407979797979797979797979797979797979"
    "7979797979797979797979797979797979797979797979797979797979797979797979797979797979797979"
    "797979ff");

// --- listpack writer ---

TEST_CASE("listpack_codec: an empty listpack is 7 bytes") {
  ListpackBuilder builder;
  CHECK(builder.entries() == 0);
  const std::string empty = builder.finish();
  CHECK(empty == from_hex("07000000 0000 ff"));
  CHECK(listpack_entries(empty).empty());
}

TEST_CASE("listpack_codec: integers take the narrowest encoding at every width boundary") {
  struct Case {
    int64_t value;
    const char* entry;  // encoding, data and backlen
  };
  const Case cases[] = {
      {0, "00 01"},
      {1, "01 01"},
      {127, "7f 01"},
      {128, "c0 80 02"},
      {-1, "df ff 02"},
      {-128, "df 80 02"},
      {4095, "cf ff 02"},
      {-4096, "d0 00 02"},
      {4096, "f1 00 10 03"},
      {-4097, "f1 ff ef 03"},
      {32767, "f1 ff 7f 03"},
      {-32768, "f1 00 80 03"},
      {32768, "f2 00 80 00 04"},
      {-32769, "f2 ff 7f ff 04"},
      {(1 << 23) - 1, "f2 ff ff 7f 04"},
      {-(1 << 23), "f2 00 00 80 04"},
      {1 << 23, "f3 00 00 80 00 05"},
      {-(1 << 23) - 1, "f3 ff ff 7f ff 05"},
      {kInt32Max, "f3 ff ff ff 7f 05"},
      {kInt32Min, "f3 00 00 00 80 05"},
      {int64_t{1} << 31, "f4 00 00 00 80 00 00 00 00 09"},
      {-(int64_t{1} << 31) - 1, "f4 ff ff ff 7f ff ff ff ff 09"},
      {kInt64Max, "f4 ff ff ff ff ff ff ff 7f 09"},
      {kInt64Min, "f4 00 00 00 00 00 00 00 80 09"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    const std::string expected = listpack_of({from_hex(c.entry)});
    CHECK(one_integer_listpack(c.value) == expected);
    // Canonical text is stored the same way, and reads back as the same text.
    CHECK(one_string_listpack(std::to_string(c.value)) == expected);
    CHECK(listpack_entries(expected) == std::vector<std::string>{std::to_string(c.value)});
  }
}

TEST_CASE("listpack_codec: strings take a 1, 2 or 5 byte header by length") {
  struct Case {
    size_t length;
    const char* header;
    const char* backlen;
  };
  const Case cases[] = {
      {0, "80", "01"},
      {1, "81", "02"},
      {63, "bf", "40"},
      {64, "e0 40", "42"},
      {4095, "ef ff", "20 81"},           // entry of 4097 bytes
      {4096, "f0 00 10 00 00", "20 85"},  // entry of 4101 bytes
  };
  for (const Case& c : cases) {
    CAPTURE(c.length);
    const std::string text(c.length, 's');
    const std::string expected = listpack_of({from_hex(c.header) + text + from_hex(c.backlen)});
    CHECK(one_string_listpack(text) == expected);
    CHECK(listpack_entries(expected) == std::vector<std::string>{text});
  }
}

TEST_CASE("listpack_codec: back lengths grow a byte at Redis's thresholds") {
  // Entry sizes either side of 127, 16383 and 2097151 (a 2- or 5-byte header
  // plus the text); the bytes match what redis-server 7.0.15 writes.
  struct Case {
    size_t length;
    const char* backlen;
  };
  const Case cases[] = {
      {125, "7f"},               // 127
      {126, "01 80"},            // 128
      {16377, "7f fe"},          // 16382
      {16378, "00 ff ff"},       // 16383
      {2097145, "7f ff fe"},     // 2097150
      {2097146, "00 ff ff ff"},  // 2097151
      {2097147, "01 80 80 80"},  // 2097152
  };
  for (const Case& c : cases) {
    CAPTURE(c.length);
    const std::string text(c.length, 'b');
    const std::string lp = one_string_listpack(text);
    const std::string backlen = from_hex(c.backlen);
    REQUIRE(lp.size() > backlen.size() + 1);
    CHECK(lp.substr(lp.size() - 1 - backlen.size(), backlen.size()) == backlen);
    CHECK(lp.size() == 6 + (c.length < 4096 ? 2 : 5) + c.length + backlen.size() + 1);
    const std::vector<std::string> entries = listpack_entries(lp);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0] == text);
  }
}

TEST_CASE("listpack_codec: only canonical integer text becomes an integer entry") {
  for (const char* text : {"0", "12", "-7", "9223372036854775807", "-9223372036854775808"}) {
    CAPTURE(text);
    const std::string lp = one_string_listpack(text);
    CHECK((static_cast<unsigned char>(lp[6]) & 0xC0) != 0x80);  // not a 6-bit string
    CHECK(listpack_entries(lp) == std::vector<std::string>{text});
  }
  for (const char* text : {"", "012", "+1", "-0", "00", " 1", "1 ", "1.0", "-", "0x10", "1e3",
                           "9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
    CAPTURE(text);
    const std::string lp = one_string_listpack(text);
    CHECK(static_cast<unsigned char>(lp[6]) == (0x80 | std::string_view(text).size()));
    CHECK(listpack_entries(lp) == std::vector<std::string>{text});
  }
}

TEST_CASE("listpack_codec: the header's entry count stops at 65535") {
  for (const size_t count : {65534, 65535, 65536, 70000}) {
    CAPTURE(count);
    ListpackBuilder builder;
    for (size_t i = 0; i < count; ++i) builder.append_integer(static_cast<int64_t>(i % 100));
    CHECK(builder.entries() == count);
    const std::string lp = builder.finish();
    CHECK(lp.substr(4, 2) == u16_le(count < 65535 ? count : 65535));
    size_t walked = 0;
    for_each_listpack_entry(lp, [&](std::string_view) { ++walked; });
    CHECK(walked == count);
  }
}

TEST_CASE("listpack_codec: finish leaves the builder empty") {
  ListpackBuilder builder;
  builder.append("a");
  builder.append_integer(5);
  CHECK(builder.entries() == 2);
  CHECK(listpack_entries(builder.finish()) == std::vector<std::string>{"a", "5"});
  CHECK(builder.entries() == 0);
  CHECK(builder.finish() == from_hex("07000000 0000 ff"));
  builder.append("b");
  CHECK(listpack_entries(builder.finish()) == std::vector<std::string>{"b"});
}

TEST_CASE(
    "listpack_codec: a listpack written by redis-server 7.0 reads back and is rebuilt "
    "byte for byte") {
  CHECK(listpack_entries(kRedis70SmallListListpack) == kSmallList);
  ListpackBuilder builder;
  for (const std::string& entry : kSmallList) builder.append(entry);
  CHECK(builder.finish() == kRedis70SmallListListpack);

  // The fixture's db1:hash {a: 1, b: 2} and db15:zset {a: -inf, b: 0, c: inf}.
  const std::string hash = from_hex("11000000040081610201018162020201ff");
  CHECK(listpack_entries(hash) == std::vector<std::string>{"a", "1", "b", "2"});
  const std::string zset = from_hex("1d0000000600816102842d696e6605816202000181630283696e6604ff");
  CHECK(listpack_entries(zset) == std::vector<std::string>{"a", "-inf", "b", "0", "c", "inf"});
  builder.append("a");
  builder.append("-inf");
  builder.append("b");
  builder.append("0");
  builder.append("c");
  builder.append("inf");
  CHECK(builder.finish() == zset);
}

// An entry as text, and as a number when it is one, to append either way.
struct RandomEntry {
  std::string text;
  std::optional<int64_t> integer;
};

RandomEntry random_entry(std::mt19937_64& random) {
  switch (random() % 4) {
    case 0: {
      const int64_t edges[] = {0,         127,       4095,          -4096,
                               32767,     -32768,    (1 << 23) - 1, -(1 << 23),
                               kInt32Min, kInt32Max, kInt64Min,     kInt64Max};
      const int64_t edge = edges[random() % std::size(edges)];
      const int64_t offset = static_cast<int64_t>(random() % 5) - 2;
      const bool overflows = (edge == kInt64Max && offset > 0) || (edge == kInt64Min && offset < 0);
      const int64_t value = overflows ? edge : edge + offset;
      return {std::to_string(value), value};
    }
    case 1: {
      const int64_t value = static_cast<int64_t>(random()) >> (random() % 64);
      return {std::to_string(value), value};
    }
    default: {
      const size_t lengths[] = {0, 1, 7, 62, 63, 64, 65, 126, 127, 128, 300, 4095, 4096, 5000};
      std::string text(lengths[random() % std::size(lengths)], '\0');
      for (char& byte : text) byte = static_cast<char>(random());
      return {text, std::nullopt};
    }
  }
}

TEST_CASE("listpack_codec: random entries round trip") {
  constexpr uint64_t kSeed = 20240611;
  MESSAGE("seed " << kSeed);
  std::mt19937_64 random(kSeed);
  for (int round = 0; round < 60; ++round) {
    ListpackBuilder builder;
    std::vector<std::string> model;
    for (size_t i = random() % 40; i > 0; --i) {
      const RandomEntry entry = random_entry(random);
      if (entry.integer && random() % 2 == 0) {
        builder.append_integer(*entry.integer);
      } else {
        builder.append(entry.text);
      }
      model.push_back(entry.text);
    }
    const std::string lp = builder.finish();
    CHECK(lp.substr(0, 4) == u32_le(lp.size()));
    CHECK(listpack_entries(lp) == model);
  }
}

// --- listpack reader: malformed input ---

TEST_CASE("listpack_codec: malformed listpacks are rejected") {
  const std::string valid = listpack_of({from_hex("81 61 02"), from_hex("05 01")});
  REQUIRE(listpack_entries(valid) == std::vector<std::string>{"a", "5"});
  auto with_byte = [&](size_t pos, unsigned char byte) {
    std::string changed = valid;
    changed[pos] = static_cast<char>(byte);
    return changed;
  };
  CHECK_THROWS_AS(listpack_entries(""), FormatError);
  CHECK_THROWS_AS(listpack_entries(from_hex("06000000 0000")), FormatError);
  CHECK_THROWS_AS(listpack_entries(with_byte(0, 0x0b)), FormatError);  // size one short
  CHECK_THROWS_AS(listpack_entries(valid + "\xff"), FormatError);      // extra byte
  CHECK_THROWS_AS(listpack_entries(with_byte(valid.size() - 1, 0x00)), FormatError);
  CHECK_THROWS_AS(listpack_entries(with_byte(4, 3)), FormatError);     // count too high
  CHECK_THROWS_AS(listpack_entries(with_byte(4, 1)), FormatError);     // count too low
  CHECK_THROWS_AS(listpack_entries(with_byte(8, 0x01)), FormatError);  // backlen says 1, not 2
  CHECK_THROWS_AS(listpack_entries(with_byte(6, 0x82)), FormatError);  // string runs on
  // 65535 means "count them", so any count is accepted.
  CHECK(listpack_entries(with_byte(4, 0xff).replace(5, 1, "\xff")).size() == 2);

  // A terminator before the last byte, with or without a count that agrees.
  CHECK_THROWS_AS(listpack_entries(listpack_of({from_hex("ff 01")})), FormatError);
  CHECK_THROWS_AS(listpack_entries(from_hex("09000000 0000 ff 01 ff")), FormatError);
  // Encoding bytes no listpack uses.
  for (int first = 0xF5; first <= 0xFE; ++first) {
    CAPTURE(first);
    CHECK_THROWS_AS(listpack_entries(listpack_of(
                        {std::string(1, static_cast<char>(first)) + std::string(9, '\0')})),
                    FormatError);
  }
  // Lengths that point far past the blob: 12-bit, 32-bit (up to 4 GiB).
  CHECK_THROWS_AS(listpack_entries(listpack_of({from_hex("ef ff 02")})), FormatError);
  CHECK_THROWS_AS(listpack_entries(listpack_of({from_hex("f0 ff ff ff ff 05")})), FormatError);
  CHECK_THROWS_AS(listpack_entries(listpack_of({from_hex("f4 00 00 00 00")})), FormatError);
  // A back length that is not the shortest form is not what Redis writes.
  CHECK_THROWS_AS(listpack_entries(listpack_of({from_hex("81 61 00 82")})), FormatError);
  // A longer-than-needed length header (12-bit for 1 byte) is still a valid entry.
  CHECK(listpack_entries(listpack_of({from_hex("e0 01 61 03")})) == std::vector<std::string>{"a"});
}

TEST_CASE("listpack_codec: nothing is visited in a listpack that turns out malformed") {
  std::string bad_count = listpack_of({from_hex("81 61 02"), from_hex("05 01")});
  bad_count[4] = 3;
  size_t visits = 0;
  CHECK_THROWS_AS(for_each_listpack_entry(bad_count, [&](std::string_view) { ++visits; }),
                  FormatError);
  CHECK(visits == 0);
}

TEST_CASE("listpack_codec: every truncated listpack is rejected") {
  check_truncations_rejected(kRedis70SmallListListpack, listpack_entries);
}

TEST_CASE("listpack_codec: corrupted listpacks parse or throw, never crash") {
  check_bit_flips_never_crash(kRedis70SmallListListpack, listpack_entries, 11);
  ListpackBuilder builder;
  builder.append(std::string(200, 'z'));
  builder.append(std::string(5000, 'w'));
  builder.append_integer(-5);
  check_bit_flips_never_crash(builder.finish(), listpack_entries, 12);
}

// --- ziplist reader ---

TEST_CASE("listpack_codec: a ziplist written by redis-server 6.2 reads back") {
  CHECK(ziplist_entries(kRedis62SmallListZiplist) == kSmallList);
  // HSET db1:hash a 1 b 2, from the same file.
  CHECK(ziplist_entries(from_hex("1500000012000000040000016103f202016203f3ff")) ==
        std::vector<std::string>{"a", "1", "b", "2"});
}

TEST_CASE("listpack_codec: an empty ziplist is 11 bytes") {
  CHECK(ziplist_entries(from_hex("0b000000 0a000000 0000 ff")).empty());
  CHECK_THROWS_AS(ziplist_entries(from_hex("0b000000 0b000000 0000 ff")), FormatError);
}

TEST_CASE("listpack_codec: ziplist entries of every encoding") {
  const std::string text300(300, 'm');
  const std::string text16k(16384, 'g');
  struct Case {
    std::string encoded;  // encoding and data
    std::string text;
  };
  const Case cases[] = {
      {from_hex("00"), ""},
      {from_hex("03") + "abc", "abc"},
      {from_hex("41 2c") + text300, text300},           // 14-bit length, big-endian
      {from_hex("80 00 00 40 00") + text16k, text16k},  // 32-bit length, big-endian
      {from_hex("f1"), "0"},                            // immediates 0 to 12
      {from_hex("fd"), "12"},
      {from_hex("fe 80"), "-128"},  // int8
      {from_hex("fe 7f"), "127"},
      {from_hex("c0 00 80"), "-32768"},  // int16
      {from_hex("c0 ff 7f"), "32767"},
      {from_hex("f0 00 00 80"), "-8388608"},  // int24
      {from_hex("f0 ff ff 7f"), "8388607"},
      {from_hex("d0 00 00 00 80"), "-2147483648"},  // int32
      {from_hex("d0 ff ff ff 7f"), "2147483647"},
      {from_hex("e0 00 00 00 00 00 00 00 80"), "-9223372036854775808"},  // int64
      {from_hex("e0 ff ff ff ff ff ff ff 7f"), "9223372036854775807"},
      {from_hex("e0 00 00 00 00 00 01 00 00"), "1099511627776"},
  };
  std::vector<std::string> encoded;
  std::vector<std::string> expected;
  for (const Case& c : cases) {
    encoded.push_back(c.encoded);
    expected.push_back(c.text);
  }
  const std::string zl = ziplist_of(encoded);
  // The entries after the 300- and 16384-byte strings carry 5-byte previous
  // lengths: 0xFE and the size as u32.
  const size_t after_300 = 10 + (1 + 1) + (1 + 4) + (1 + 2 + 300);
  CHECK(zl.substr(after_300, 1) == "\xfe");
  CHECK(zl.substr(after_300 + 1, 4) == u32_le(1 + 2 + 300));
  CHECK(ziplist_entries(zl) == expected);

  // 5-byte previous lengths holding small sizes are valid too.
  CHECK(ziplist_entries(ziplist_of({from_hex("01") + "a", from_hex("f2"), from_hex("f3")},
                                   {1, 2})) == std::vector<std::string>{"a", "1", "2"});
  // Redis ignores the low bits of a 32-bit string length byte.
  CHECK(ziplist_entries(ziplist_of({from_hex("bf 00 00 00 02") + "hi"})) ==
        std::vector<std::string>{"hi"});
}

TEST_CASE("listpack_codec: malformed ziplists are rejected") {
  const std::string valid = ziplist_of({from_hex("01") + "a", from_hex("fe 05")});
  REQUIRE(ziplist_entries(valid) == std::vector<std::string>{"a", "5"});
  auto with_byte = [&](size_t pos, unsigned char byte) {
    std::string changed = valid;
    changed[pos] = static_cast<char>(byte);
    return changed;
  };
  CHECK_THROWS_AS(ziplist_entries(""), FormatError);
  CHECK_THROWS_AS(ziplist_entries(from_hex("0a000000 0a000000 0000")), FormatError);
  CHECK_THROWS_AS(ziplist_entries(with_byte(0, static_cast<unsigned char>(valid.size() + 1))),
                  FormatError);
  CHECK_THROWS_AS(ziplist_entries(valid + "\xff"), FormatError);
  CHECK_THROWS_AS(ziplist_entries(with_byte(valid.size() - 1, 0x00)), FormatError);
  CHECK_THROWS_AS(ziplist_entries(with_byte(4, 10)), FormatError);     // tail at the first entry
  CHECK_THROWS_AS(ziplist_entries(with_byte(4, 200)), FormatError);    // tail past the end
  CHECK_THROWS_AS(ziplist_entries(with_byte(8, 3)), FormatError);      // count too high
  CHECK_THROWS_AS(ziplist_entries(with_byte(8, 1)), FormatError);      // count too low
  CHECK_THROWS_AS(ziplist_entries(with_byte(10, 1)), FormatError);     // first prevlen not 0
  CHECK_THROWS_AS(ziplist_entries(with_byte(13, 2)), FormatError);     // prevlen not 3
  CHECK_THROWS_AS(ziplist_entries(with_byte(11, 0x05)), FormatError);  // string runs on
  CHECK(ziplist_entries(with_byte(8, 0xff).replace(9, 1, "\xff")).size() == 2);

  // Encoding bytes no ziplist uses.
  for (const int encoding : {0xC1, 0xC8, 0xD1, 0xE1, 0xEF, 0xFF}) {
    CAPTURE(encoding);
    CHECK_THROWS_AS(ziplist_entries(ziplist_of(
                        {std::string(1, static_cast<char>(encoding)) + std::string(8, '\0')})),
                    FormatError);
  }
  // Lengths far past the blob.
  CHECK_THROWS_AS(ziplist_entries(ziplist_of({from_hex("7f ff")})), FormatError);
  CHECK_THROWS_AS(ziplist_entries(ziplist_of({from_hex("80 ff ff ff ff")})), FormatError);
  CHECK_THROWS_AS(ziplist_entries(ziplist_of({from_hex("e0 00 00")})), FormatError);
  // A 5-byte previous length cut short by the terminator.
  CHECK_THROWS_AS(ziplist_entries(from_hex("0f000000 0a000000 0100 fe 00 00 00 ff")), FormatError);
}

TEST_CASE("listpack_codec: every truncated ziplist is rejected") {
  check_truncations_rejected(kRedis62SmallListZiplist, ziplist_entries);
}

TEST_CASE("listpack_codec: corrupted ziplists parse or throw, never crash") {
  check_bit_flips_never_crash(kRedis62SmallListZiplist, ziplist_entries, 21);
  check_bit_flips_never_crash(
      ziplist_of({from_hex("41 2c") + std::string(300, 'q'), from_hex("f5"), from_hex("00")}),
      ziplist_entries, 22);
}

// --- intset ---

TEST_CASE("listpack_codec: intsets are written in the narrowest width and read back") {
  struct Case {
    std::vector<int64_t> members;
    const char* bytes;
  };
  const Case cases[] = {
      {{}, "02000000 00000000"},
      {{-100, 1, 2, 3, 32767}, "02000000 05000000 9cff 0100 0200 0300 ff7f"},
      {{-32768, 32767}, "02000000 02000000 0080 ff7f"},
      {{-32769}, "04000000 01000000 ff7fffff"},
      {{32768}, "04000000 01000000 00800000"},
      // set:intset:32 as redis-server 6.2.14 saved it.
      {{-70000, 5, 70000}, "04000000 03000000 90eefeff 05000000 70110100"},
      {{kInt32Min, kInt32Max}, "04000000 02000000 00000080 ffffff7f"},
      {{int64_t{1} << 31}, "08000000 01000000 0000008000000000"},
      {{kInt64Min, 0, kInt64Max},
       "08000000 03000000 0000000000000080 0000000000000000 ffffffffffffff7f"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.bytes);
    const std::string blob = encode_intset(c.members);
    CHECK(blob == from_hex(c.bytes));
    CHECK(intset_members(blob) == c.members);
  }
  // Redis never narrows an intset, so wide members that would fit narrower are fine.
  CHECK(intset_members(from_hex("08000000 02000000 0100000000000000 0200000000000000")) ==
        std::vector<int64_t>{1, 2});
}

TEST_CASE("listpack_codec: random intsets round trip") {
  constexpr uint64_t kSeed = 77;
  MESSAGE("seed " << kSeed);
  std::mt19937_64 random(kSeed);
  for (int round = 0; round < 100; ++round) {
    std::vector<int64_t> members;
    const int shift = static_cast<int>(random() % 64);
    for (size_t i = random() % 50; i > 0; --i) {
      members.push_back(static_cast<int64_t>(random()) >> shift);
    }
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    CHECK(intset_members(encode_intset(members)) == members);
  }
}

TEST_CASE("listpack_codec: encode_intset refuses members out of order") {
  const std::vector<int64_t> descending = {2, 1};
  const std::vector<int64_t> repeated = {1, 1};
  CHECK_THROWS_AS(encode_intset(descending), FormatError);
  CHECK_THROWS_AS(encode_intset(repeated), FormatError);
}

TEST_CASE("listpack_codec: malformed intsets are rejected") {
  CHECK_THROWS_AS(intset_members(""), FormatError);
  CHECK_THROWS_AS(intset_members(from_hex("02000000 000000")), FormatError);
  for (const char* encoding : {"00000000", "01000000", "03000000", "10000000", "02000001"}) {
    CAPTURE(encoding);
    CHECK_THROWS_AS(intset_members(from_hex(std::string(encoding) + "01000000 0100")), FormatError);
  }
  CHECK_THROWS_AS(intset_members(from_hex("02000000 02000000 0100")), FormatError);       // short
  CHECK_THROWS_AS(intset_members(from_hex("02000000 01000000 0100 0200")), FormatError);  // long
  CHECK_THROWS_AS(intset_members(from_hex("02000000 ffffffff 0100")), FormatError);       // huge
  CHECK_THROWS_AS(intset_members(from_hex("02000000 02000000 0200 0100")), FormatError);  // down
  CHECK_THROWS_AS(intset_members(from_hex("02000000 02000000 0100 0100")), FormatError);  // repeat
  CHECK_THROWS_AS(intset_members(from_hex("04000000 02000000 00000000 ffffffff")), FormatError);
  size_t visits = 0;
  CHECK_THROWS_AS(for_each_intset_member(from_hex("02000000 03000000 0100 0300 0200"),
                                         [&](int64_t) { ++visits; }),
                  FormatError);
  CHECK(visits == 0);
}

TEST_CASE("listpack_codec: truncated and corrupted intsets") {
  const std::string blob = encode_intset(std::vector<int64_t>{-70000, 5, 70000});
  for (size_t size = 0; size < blob.size(); ++size) {
    CAPTURE(size);
    CHECK_THROWS_AS(intset_members(blob.substr(0, size)), FormatError);
  }
  check_bit_flips_never_crash(blob, intset_members, 31);
}

}  // namespace
}  // namespace fkvs::persistence
