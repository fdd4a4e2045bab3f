#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

// HyperLogLog sketches in Redis 7.0's string format, byte for byte, so a value moves
// between fkvs and redis-server with GET/SET or DUMP/RESTORE:
//   header (16 bytes): "HYLL", the encoding (0 dense, 1 sparse), 3 unused bytes, then the
//     cached cardinality, 8 bytes little endian; the top bit of the last byte marks it stale.
//   dense: 16384 registers of 6 bits, register i at bit 6*i counting from the least
//     significant bit of the first register byte.
//   sparse: runs of registers as opcodes: ZERO 00xxxxxx (1..64 zero registers), XZERO
//     01xxxxxx yyyyyyyy (1..16384 zero registers), VAL 1vvvvvxx (1..4 registers of value
//     1..32). A sparse value grows into the dense one past hll-sparse-max-bytes or when a
//     register outgrows VAL.
namespace fkvs::hll {

inline constexpr size_t kHeaderSize = 16;
inline constexpr int kIndexBits = 14;
inline constexpr size_t kRegisterCount = size_t{1} << kIndexBits;
inline constexpr size_t kDenseSize = kHeaderSize + kRegisterCount * 6 / 8;
// A register holds the run of zero bits after the index bits, plus one.
inline constexpr uint8_t kMaxRank = 64 - kIndexBits + 1;
inline constexpr uint8_t kMaxSparseValue = 32;

enum class Encoding : uint8_t { kDense = 0, kSparse = 1 };

// One byte per register: the form unions are computed in (PFCOUNT of several keys, PFMERGE).
using Registers = std::array<uint8_t, kRegisterCount>;

// The value PFADD creates: sparse, every register zero, cached cardinality 0.
std::string empty_sparse();

// Whether bytes carry an HLL header Redis accepts (magic, encoding, and the exact length
// for a dense value). The sparse opcodes are checked only when read.
bool has_valid_header(std::string_view bytes);
inline Encoding encoding_of(std::span<const uint8_t> hll) { return Encoding{hll[4]}; }

// The cached cardinality, unless marked stale.
std::optional<uint64_t> cached_cardinality(std::span<const uint8_t> hll);
void store_cached_cardinality(std::span<uint8_t> hll, uint64_t cardinality);
void invalidate_cached_cardinality(std::span<uint8_t> hll);

// Where an element goes: register index (the hash's low 14 bits) and the rank it offers.
struct ElementPlace {
  uint32_t index;
  uint8_t rank;
};
ElementPlace place_of(std::string_view element);

uint8_t dense_register(std::span<const uint8_t> hll, size_t index);
void set_dense_register(std::span<uint8_t> hll, size_t index, uint8_t value);

// The bytes of one HLL value, which a sparse update grows or shrinks in place.
class Buffer {
 public:
  virtual std::span<uint8_t> bytes() = 0;
  // A new length, keeping the bytes before it; returns all the bytes.
  virtual std::span<uint8_t> resize(size_t length) = 0;

 protected:
  ~Buffer() = default;
};

class StringBuffer final : public Buffer {
 public:
  explicit StringBuffer(std::string& bytes) : bytes_(bytes) {}
  std::span<uint8_t> bytes() override {
    return {reinterpret_cast<uint8_t*>(bytes_.data()), bytes_.size()};
  }
  std::span<uint8_t> resize(size_t length) override {
    bytes_.resize(length);
    return bytes();
  }

 private:
  std::string& bytes_;
};

enum class Update { kUnchanged, kChanged, kCorrupt };

// Raises register index to rank if it is lower (a sparse value may become dense on the
// way). kCorrupt: the sparse opcodes do not reach the register.
Update raise_register(Buffer& hll, uint32_t index, uint8_t rank, size_t sparse_max_bytes);
inline Update add(Buffer& hll, std::string_view element, size_t sparse_max_bytes) {
  const ElementPlace place = place_of(element);
  return raise_register(hll, place.index, place.rank, sparse_max_bytes);
}

// Rewrites a sparse value dense, header kept; a dense one stays. False when the sparse
// opcodes do not describe exactly kRegisterCount registers.
bool convert_to_dense(Buffer& hll);

// Raises each of max to the value's register; false when the value is corrupt.
bool merge_into(Registers& max, std::span<const uint8_t> hll);

// The estimated cardinality (nullopt: corrupt sparse opcodes), and that of raw registers.
std::optional<uint64_t> estimate(std::span<const uint8_t> hll);
uint64_t estimate(const Registers& registers);

// PFDEBUG DECODE's text: "z:<run>", "Z:<run>" and "v:<value>,<run>" for each opcode.
std::string describe_sparse(std::span<const uint8_t> hll);

}  // namespace fkvs::hll
