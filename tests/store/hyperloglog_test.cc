#include "store/hyperloglog.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "store/hyperloglog_self_test.h"
#include "test_bytes.h"

namespace hll = fkvs::hll;
using fkvs::from_hex;

namespace {

std::span<const uint8_t> as_bytes(const std::string& value) {
  return {reinterpret_cast<const uint8_t*>(value.data()), value.size()};
}

// The registers a value holds (its opcodes must be valid).
hll::Registers registers_of(const std::string& value) {
  hll::Registers registers{};
  REQUIRE(hll::merge_into(registers, as_bytes(value)));
  return registers;
}

std::string with_elements(std::initializer_list<std::string_view> elements,
                          size_t sparse_max_bytes = 3000) {
  std::string value = hll::empty_sparse();
  hll::StringBuffer buffer(value);
  for (std::string_view element : elements) hll::add(buffer, element, sparse_max_bytes);
  return value;
}

// Every sparse opcode is whole and the runs cover the registers exactly.
bool sparse_is_well_formed(const std::string& value) {
  return hll::estimate(as_bytes(value)).has_value();
}

}  // namespace

TEST_CASE("hll: a new value is sparse, all zero, in Redis's bytes") {
  const std::string value = hll::empty_sparse();
  CHECK(value == from_hex("48594c4c 01000000 0000000000000000 7fff"));
  CHECK(hll::has_valid_header(value));
  CHECK(hll::estimate(as_bytes(value)) == 0);
  CHECK(hll::cached_cardinality(as_bytes(value)) == 0);
  CHECK(hll::describe_sparse(as_bytes(value)) == "Z:16384");
}

TEST_CASE("hll: headers Redis accepts") {
  std::string dense = hll::empty_sparse();
  hll::StringBuffer buffer(dense);
  REQUIRE(hll::convert_to_dense(buffer));
  CHECK(dense.size() == hll::kDenseSize);
  CHECK(hll::has_valid_header(dense));
  CHECK_FALSE(hll::has_valid_header(dense + "x"));  // dense of the wrong length
  CHECK_FALSE(hll::has_valid_header(dense.substr(0, 100)));
  CHECK_FALSE(hll::has_valid_header("HYLL"));  // shorter than a header
  CHECK_FALSE(hll::has_valid_header(std::string("HYLX\x01") + std::string(13, '\0')));
  CHECK_FALSE(hll::has_valid_header(std::string("HYLL\x02") + std::string(13, '\0')));
  // A sparse value's opcodes are checked only when read: just a header passes.
  CHECK(hll::has_valid_header(std::string("HYLL\x01") + std::string(11, '\0')));
}

TEST_CASE("hll: elements go where redis-server puts them") {
  // (index, rank) as PFDEBUG GETREG shows them after PFADD of one element.
  const std::vector<std::tuple<std::string, uint32_t, uint8_t>> expected = {
      {"", 5938, 2},
      {"a", 12711, 2},
      {"ab", 719, 1},
      {"abc", 9474, 1},
      {"abcd", 11070, 8},
      {"abcde", 3726, 4},
      {"abcdef", 13647, 2},
      {"abcdefg", 5634, 2},
      {"abcdefgh", 1383, 1},
      {"abcdefghi", 6903, 1},
      {"hello world", 9399, 4},
      {"0123456789abcdef", 5949, 1},
      {"0123456789abcdefg", 14057, 2},
      {std::string("\x00\xff\x80", 3), 16255, 2},
  };
  for (const auto& [element, index, rank] : expected) {
    CAPTURE(element);
    const hll::ElementPlace place = hll::place_of(element);
    CHECK(place.index == index);
    CHECK(place.rank == rank);
  }
}

TEST_CASE("hll: PFADD a b c gives redis-server's bytes, opcodes and count") {
  std::string value = with_elements({"a", "b", "c"});
  // PFADD marks the cached cardinality stale.
  hll::invalidate_cached_cardinality({reinterpret_cast<uint8_t*>(value.data()), value.size()});
  CHECK(value == from_hex("48594c4c 01000000 0000000000000080 60f38050b1844bfb80425a"));
  CHECK(hll::describe_sparse(as_bytes(value)) == "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
  CHECK(hll::estimate(as_bytes(value)) == 3);
}

TEST_CASE("hll: the cached cardinality is little endian, staleness in the last bit") {
  std::string value = hll::empty_sparse();
  const std::span<uint8_t> bytes(reinterpret_cast<uint8_t*>(value.data()), value.size());
  hll::store_cached_cardinality(bytes, 0x0102030405060708ULL);
  CHECK(value.substr(8, 8) == from_hex("0807060504030201"));
  CHECK(hll::cached_cardinality(bytes) == 0x0102030405060708ULL);
  hll::invalidate_cached_cardinality(bytes);
  CHECK(value.substr(8, 8) == from_hex("0807060504030281"));
  CHECK_FALSE(hll::cached_cardinality(bytes).has_value());
}

TEST_CASE("hll: dense registers keep 6-bit values without touching their neighbours") {
  std::string value = hll::empty_sparse();
  hll::StringBuffer buffer(value);
  REQUIRE(hll::convert_to_dense(buffer));
  const std::span<uint8_t> bytes = buffer.bytes();
  const uint64_t seed = 0x411;
  std::printf("hll dense registers seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  hll::Registers model{};
  for (int round = 0; round < 20000; ++round) {
    const size_t index = random() % hll::kRegisterCount;
    model[index] = random() & 63;
    hll::set_dense_register(bytes, index, model[index]);
    for (size_t near = index == 0 ? 0 : index - 1;
         near <= std::min(index + 1, hll::kRegisterCount - 1); ++near) {
      REQUIRE(hll::dense_register(bytes, near) == model[near]);
    }
  }
  for (size_t i = 0; i < hll::kRegisterCount; ++i)
    REQUIRE(hll::dense_register(bytes, i) == model[i]);
  CHECK(registers_of(value) == model);
  // Register 0 is the low 6 bits of the first byte, register 1 starts in its top 2 bits.
  hll::Registers ones{};
  ones[0] = 1;
  ones[1] = 63;
  std::string packed = hll::empty_sparse();
  hll::StringBuffer packed_buffer(packed);
  REQUIRE(hll::convert_to_dense(packed_buffer));
  hll::set_dense_register(packed_buffer.bytes(), 0, 1);
  hll::set_dense_register(packed_buffer.bytes(), 1, 63);
  CHECK(packed.substr(16, 3) == from_hex("c10f00"));
}

// A model of 16384 registers against the value, through random updates: same registers,
// same answers, sparse only while it may be, and opcodes that stay well formed.
TEST_CASE("hll: random register updates match a model of 16384 registers") {
  const uint64_t seed = 0x4411;
  std::printf("hll model seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  for (int trial = 0; trial < 60; ++trial) {
    const size_t max_bytes = std::array<size_t, 4>{0, 40, 300, 3000}[trial % 4];
    const size_t spread = std::array<size_t, 3>{16, 300, hll::kRegisterCount}[trial % 3];
    const uint32_t base = random() % (hll::kRegisterCount - spread + 1);
    std::string value = hll::empty_sparse();
    hll::StringBuffer buffer(value);
    hll::Registers model{};
    for (int step = 0; step < 400; ++step) {
      const auto index = static_cast<uint32_t>(base + random() % spread);
      // Mostly small ranks, as hashes give them; now and then one past the sparse range.
      const auto rank =
          static_cast<uint8_t>(random() % 50 == 0 ? 33 + random() % 19 : 1 + random() % 6);
      const bool was_sparse = hll::encoding_of(buffer.bytes()) == hll::Encoding::kSparse;
      const size_t length_before = value.size();
      const hll::Update update = hll::raise_register(buffer, index, rank, max_bytes);
      CHECK(update == (model[index] < rank ? hll::Update::kChanged : hll::Update::kUnchanged));
      model[index] = std::max(model[index], rank);
      if (hll::encoding_of(buffer.bytes()) == hll::Encoding::kSparse) {
        REQUIRE(sparse_is_well_formed(value));
        CHECK((value.size() <= length_before || value.size() <= max_bytes));
      } else {
        REQUIRE(value.size() == hll::kDenseSize);
        // Promotion only for a rank past VAL's range or a value grown past the limit.
        if (was_sparse) CHECK((rank > hll::kMaxSparseValue || length_before + 3 > max_bytes));
      }
      REQUIRE(registers_of(value) == model);
    }
  }
}

TEST_CASE("hll: sparse and dense of the same registers estimate the same") {
  const uint64_t seed = 0x4412;
  std::printf("hll estimate seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  for (const int elements : {1, 10, 100, 1000, 5000}) {
    std::string sparse = hll::empty_sparse();
    hll::StringBuffer sparse_buffer(sparse);
    for (int i = 0; i < elements; ++i) hll::add(sparse_buffer, std::to_string(random()), 1 << 20);
    REQUIRE(hll::encoding_of(sparse_buffer.bytes()) == hll::Encoding::kSparse);
    std::string dense = sparse;
    hll::StringBuffer dense_buffer(dense);
    REQUIRE(hll::convert_to_dense(dense_buffer));
    CHECK(dense.substr(0, 4) == "HYLL");
    CHECK(dense[4] == 0);
    CHECK(dense.substr(5, 11) == sparse.substr(5, 11));  // the rest of the header is kept
    CHECK(registers_of(dense) == registers_of(sparse));
    const std::optional<uint64_t> estimated = hll::estimate(as_bytes(sparse));
    CHECK(hll::estimate(as_bytes(dense)) == estimated);
    CHECK(hll::estimate(registers_of(sparse)) == estimated);
  }
}

TEST_CASE("hll: estimates stay within a few standard errors") {
  std::string value = hll::empty_sparse();
  hll::StringBuffer buffer(value);
  uint64_t added = 0;
  for (const uint64_t target : {10, 100, 1000, 10000, 100000, 300000}) {
    for (; added < target; ++added) hll::add(buffer, "element:" + std::to_string(added), 3000);
    const double estimated = static_cast<double>(*hll::estimate(as_bytes(value)));
    CAPTURE(target);
    CHECK(std::abs(estimated - static_cast<double>(target)) <= 0.0081 * 5 * target + 1);
  }
  CHECK(hll::encoding_of(buffer.bytes()) == hll::Encoding::kDense);
}

TEST_CASE("hll: corrupt sparse opcodes are found, never read past") {
  const std::string header = hll::empty_sparse().substr(0, hll::kHeaderSize);
  const std::vector<std::string> corrupt = {
      header,                        // no opcodes
      header + from_hex("7ffe"),     // one register short
      header + from_hex("7fff 00"),  // one register too many
      header + from_hex("7f"),       // XZERO cut off
      header + from_hex("7ffe 7f"),  // XZERO cut off at the end
      header + from_hex("7fff 80"),  // a VAL past the last register
      header + from_hex("7ffc 83"),  // a VAL run reaching past it
  };
  for (const std::string& value : corrupt) {
    CAPTURE(value.size());
    CHECK_FALSE(hll::estimate(as_bytes(value)).has_value());
    hll::Registers max{};
    CHECK_FALSE(hll::merge_into(max, as_bytes(value)));
    std::string copy = value;
    hll::StringBuffer buffer(copy);
    CHECK_FALSE(hll::convert_to_dense(buffer));
    CHECK(copy == value);
  }
  // PFADD walks only as far as the register it updates, as Redis does.
  std::string short_value = header + from_hex("7ffe");
  hll::StringBuffer buffer(short_value);
  CHECK(hll::raise_register(buffer, hll::kRegisterCount - 1, 1, 3000) == hll::Update::kCorrupt);
  CHECK(hll::raise_register(buffer, 0, 1, 3000) == hll::Update::kChanged);
  CHECK(hll::describe_sparse(as_bytes(header + from_hex("7f"))) == "Z:16129");
}

// Random bytes after a sparse header, and random changes to valid values: every
// operation answers (an estimate or "corrupt") without reading or writing out of bounds
// (run under -Db_sanitize=address to see it).
TEST_CASE("hll: fuzzed sparse values never crash the decoder") {
  const uint64_t seed = 0x4413;
  std::printf("hll fuzz seed: %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 random(seed);
  const std::string header = hll::empty_sparse().substr(0, hll::kHeaderSize);
  for (int round = 0; round < 3000; ++round) {
    std::string value;
    if (round % 2 == 0) {
      value = header;
      const size_t length = random() % 40;
      for (size_t i = 0; i < length; ++i) value.push_back(static_cast<char>(random()));
    } else {
      value = hll::empty_sparse();
      hll::StringBuffer buffer(value);
      const int elements = static_cast<int>(random() % 300);
      for (int i = 0; i < elements; ++i) hll::add(buffer, std::to_string(random()), 3000);
      if (value[4] != 1) continue;
      for (int changes = 1 + static_cast<int>(random() % 4); changes > 0; --changes) {
        value[hll::kHeaderSize + random() % (value.size() - hll::kHeaderSize)] =
            static_cast<char>(random());
      }
      if (random() % 3 == 0) value.resize(hll::kHeaderSize + random() % (value.size() - 15));
    }
    const std::span<const uint8_t> bytes = as_bytes(value);
    const std::optional<uint64_t> estimated = hll::estimate(bytes);
    hll::Registers max{};
    CHECK(hll::merge_into(max, bytes) == estimated.has_value());
    (void)hll::describe_sparse(bytes);
    std::string dense = value;
    hll::StringBuffer dense_buffer(dense);
    CHECK(hll::convert_to_dense(dense_buffer) == estimated.has_value());
    std::string updated = value;
    hll::StringBuffer buffer(updated);
    for (int i = 0; i < 20; ++i) {
      const auto index = static_cast<uint32_t>(random() % hll::kRegisterCount);
      const auto rank = static_cast<uint8_t>(1 + random() % 40);
      if (hll::raise_register(buffer, index, rank, 3000) == hll::Update::kCorrupt) break;
    }
  }
}

TEST_CASE("hll: PFSELFTEST's checks pass") { CHECK(hll::self_test(3000, 12345) == std::nullopt); }
