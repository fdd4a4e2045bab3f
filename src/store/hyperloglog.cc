#include "store/hyperloglog.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "util/murmurhash64a.h"

namespace fkvs::hll {
namespace {

constexpr uint64_t kHashSeed = 0xadc83b19ULL;
constexpr char kMagic[] = "HYLL";
constexpr size_t kEncodingOffset = 4;
constexpr size_t kCardinalityOffset = 8;
constexpr uint8_t kStaleCardinality = 0x80;  // in the cardinality's last byte
constexpr uint32_t kMaxZeroRun = 64;
constexpr uint32_t kMaxValRun = 4;
// Redis looks this far (in opcodes) around an update for equal VALs to join.
constexpr int kMergeScanOpcodes = 5;
constexpr size_t kNoOpcode = std::numeric_limits<size_t>::max();

enum class OpKind : uint8_t { kZero, kXZero, kVal };

struct SparseOp {
  OpKind kind;
  uint8_t size;  // bytes
  uint32_t run;  // registers
  uint8_t value;
};

// The opcode at pos (before the end); nullopt for an XZERO cut off by the end.
std::optional<SparseOp> read_op(std::span<const uint8_t> hll, size_t pos) {
  const uint8_t op = hll[pos];
  if ((op & 0x80) != 0) {
    return SparseOp{OpKind::kVal, 1, (op & 0x3u) + 1, static_cast<uint8_t>(((op >> 2) & 0x1f) + 1)};
  }
  if ((op & 0x40) == 0) return SparseOp{OpKind::kZero, 1, (op & 0x3fu) + 1, 0};
  if (pos + 1 >= hll.size()) return std::nullopt;
  return SparseOp{OpKind::kXZero, 2, (((op & 0x3fu) << 8) | hll[pos + 1]) + 1, 0};
}

uint8_t val_op(uint32_t value, uint32_t run) {
  return static_cast<uint8_t>(0x80 | ((value - 1) << 2) | (run - 1));
}

// Writes the opcode of a zero run (ZERO when it fits, else XZERO); returns its size.
size_t write_zero_run(uint8_t* out, uint32_t run) {
  if (run <= kMaxZeroRun) {
    out[0] = static_cast<uint8_t>(run - 1);
    return 1;
  }
  out[0] = static_cast<uint8_t>(0x40 | ((run - 1) >> 8));
  out[1] = static_cast<uint8_t>((run - 1) & 0xff);
  return 2;
}

// Calls visit(first, run, value) for each run of a sparse value (value 0 for zero runs).
// False when the runs do not cover exactly kRegisterCount registers; visit never sees a
// run that reaches past them.
template <typename Visit>
bool for_each_sparse_run(std::span<const uint8_t> hll, Visit visit) {
  size_t first = 0;
  for (size_t pos = kHeaderSize; pos < hll.size();) {
    const std::optional<SparseOp> op = read_op(hll, pos);
    if (!op || first + op->run > kRegisterCount) return false;
    visit(first, op->run, op->value);
    first += op->run;
    pos += op->size;
  }
  return first == kRegisterCount;
}

// Dense registers come in groups of four in three bytes (4 x 6 bits).
constexpr size_t kRegisterGroups = kRegisterCount / 4;

void unpack_dense(const uint8_t* packed, Registers& registers) {
  for (size_t group = 0; group < kRegisterGroups; ++group) {
    const uint8_t* bytes = packed + group * 3;
    const uint32_t word = bytes[0] | (uint32_t{bytes[1]} << 8) | (uint32_t{bytes[2]} << 16);
    for (size_t k = 0; k < 4; ++k) registers[group * 4 + k] = (word >> (6 * k)) & 63;
  }
}

void pack_dense(const Registers& registers, uint8_t* packed) {
  for (size_t group = 0; group < kRegisterGroups; ++group) {
    uint32_t word = 0;
    for (size_t k = 0; k < 4; ++k) word |= uint32_t{registers[group * 4 + k]} << (6 * k);
    uint8_t* bytes = packed + group * 3;
    bytes[0] = word & 0xff;
    bytes[1] = (word >> 8) & 0xff;
    bytes[2] = (word >> 16) & 0xff;
  }
}

// How many registers hold each value. Corrupt dense registers may hold up to 63; the
// estimator, like Redis's, ignores values past kMaxRank.
using Histogram = std::array<uint32_t, 64>;

// Ertl's sigma and tau ("New cardinality estimation algorithms for HyperLogLog sketches",
// 2017), iterated until the sum stops changing, as Redis 7.0 computes them.
double ertl_sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  double previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous != z);
  return z;
}

double ertl_tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  double previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    const double gap = 1.0 - x;
    z -= gap * gap * y;
  } while (previous != z);
  return z / 3.0;
}

uint64_t estimate_from(const Histogram& histogram) {
  constexpr double kAlphaInfinity = 0.721347520444481703680;  // 1 / (2 ln 2)
  const double m = kRegisterCount;
  double z = m * ertl_tau((m - histogram[kMaxRank]) / m);
  for (int rank = kMaxRank - 1; rank >= 1; --rank) {
    z += histogram[rank];
    z *= 0.5;
  }
  z += m * ertl_sigma(histogram[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInfinity * m * m / z));
}

Update raise_dense(std::span<uint8_t> hll, uint32_t index, uint8_t rank) {
  if (dense_register(hll, index) >= rank) return Update::kUnchanged;
  set_dense_register(hll, index, rank);
  return Update::kChanged;
}

Update promote_and_raise(Buffer& buffer, uint32_t index, uint8_t rank) {
  if (!convert_to_dense(buffer)) return Update::kCorrupt;
  return raise_dense(buffer.bytes(), index, rank);
}

// Joins neighbouring VALs of one value whose runs fit one VAL, looking at the few
// opcodes from pos on, so updates keep the value as short as Redis keeps it.
void join_equal_vals(Buffer& buffer, size_t pos) {
  std::span<uint8_t> hll = buffer.bytes();
  size_t end = hll.size();
  for (int scans = kMergeScanOpcodes; pos < end && scans > 0; --scans) {
    const uint8_t op = hll[pos];
    if ((op & 0x80) == 0) {
      pos += (op & 0x40) != 0 ? 2 : 1;
      continue;
    }
    if (pos + 1 < end && (hll[pos + 1] & 0x80) != 0) {
      const SparseOp left = *read_op(hll, pos);
      const SparseOp right = *read_op(hll, pos + 1);
      if (left.value == right.value && left.run + right.run <= kMaxValRun) {
        hll[pos] = val_op(left.value, left.run + right.run);
        std::memmove(&hll[pos + 1], &hll[pos + 2], end - pos - 2);
        --end;
        continue;  // the joined run may join the next one too
      }
    }
    ++pos;
  }
  if (end != hll.size()) buffer.resize(end);
}

Update raise_sparse(Buffer& buffer, uint32_t index, uint8_t rank, size_t sparse_max_bytes) {
  if (rank > kMaxSparseValue) return promote_and_raise(buffer, index, rank);
  std::span<uint8_t> hll = buffer.bytes();
  // The opcode covering index, and the one before it.
  size_t pos = kHeaderSize;
  size_t previous = kNoOpcode;
  size_t first = 0;
  SparseOp op;
  for (;;) {
    if (pos >= hll.size()) return Update::kCorrupt;
    const std::optional<SparseOp> read = read_op(hll, pos);
    if (!read) return Update::kCorrupt;
    op = *read;
    if (index < first + op.run) break;
    previous = pos;
    pos += op.size;
    first += op.run;
  }
  const size_t join_from = previous == kNoOpcode ? kHeaderSize : previous;
  if (op.kind == OpKind::kVal && op.value >= rank) return Update::kUnchanged;
  if (op.run == 1 && op.kind != OpKind::kXZero) {
    hll[pos] = val_op(rank, 1);
    join_equal_vals(buffer, join_from);
    return Update::kChanged;
  }
  // Split the run in up to three: the registers before index, index, those after.
  uint8_t replacement[5];
  size_t size = 0;
  const size_t last = first + op.run - 1;
  const auto before = static_cast<uint32_t>(index - first);
  const auto after = static_cast<uint32_t>(last - index);
  if (op.kind == OpKind::kVal) {
    if (before != 0) replacement[size++] = val_op(op.value, before);
    replacement[size++] = val_op(rank, 1);
    if (after != 0) replacement[size++] = val_op(op.value, after);
  } else {
    if (before != 0) size += write_zero_run(replacement + size, before);
    replacement[size++] = val_op(rank, 1);
    if (after != 0) size += write_zero_run(replacement + size, after);
  }
  const size_t old_length = hll.size();
  const size_t new_length = old_length - op.size + size;
  if (new_length > old_length && new_length > sparse_max_bytes) {
    return promote_and_raise(buffer, index, rank);
  }
  if (new_length > old_length) hll = buffer.resize(new_length);
  std::memmove(&hll[pos + size], &hll[pos + op.size], old_length - pos - op.size);
  std::memcpy(&hll[pos], replacement, size);
  if (new_length < old_length) buffer.resize(new_length);
  join_equal_vals(buffer, join_from);
  return Update::kChanged;
}

}  // namespace

std::string empty_sparse() {
  std::string hll(kHeaderSize, '\0');
  std::memcpy(hll.data(), kMagic, 4);
  hll[kEncodingOffset] = static_cast<char>(Encoding::kSparse);
  uint8_t zeros[2];
  const size_t size = write_zero_run(zeros, kRegisterCount);
  hll.append(reinterpret_cast<const char*>(zeros), size);
  return hll;
}

bool has_valid_header(std::string_view bytes) {
  if (bytes.size() < kHeaderSize || bytes.substr(0, 4) != kMagic) return false;
  const auto encoding = static_cast<uint8_t>(bytes[kEncodingOffset]);
  if (encoding == static_cast<uint8_t>(Encoding::kDense)) return bytes.size() == kDenseSize;
  return encoding == static_cast<uint8_t>(Encoding::kSparse);
}

std::optional<uint64_t> cached_cardinality(std::span<const uint8_t> hll) {
  if ((hll[kCardinalityOffset + 7] & kStaleCardinality) != 0) return std::nullopt;
  uint64_t cardinality = 0;
  for (size_t i = 0; i < 8; ++i) cardinality |= uint64_t{hll[kCardinalityOffset + i]} << (8 * i);
  return cardinality;
}

void store_cached_cardinality(std::span<uint8_t> hll, uint64_t cardinality) {
  for (size_t i = 0; i < 8; ++i) hll[kCardinalityOffset + i] = (cardinality >> (8 * i)) & 0xff;
}

void invalidate_cached_cardinality(std::span<uint8_t> hll) {
  hll[kCardinalityOffset + 7] |= kStaleCardinality;
}

ElementPlace place_of(std::string_view element) {
  const uint64_t hash = murmurhash64a(element, kHashSeed);
  const auto index = static_cast<uint32_t>(hash & (kRegisterCount - 1));
  // A bit above the hash's remaining 50 bits bounds the run at kMaxRank - 1 zeros.
  const uint64_t rest = (hash >> kIndexBits) | (uint64_t{1} << (64 - kIndexBits));
  return {index, static_cast<uint8_t>(std::countr_zero(rest) + 1)};
}

uint8_t dense_register(std::span<const uint8_t> hll, size_t index) {
  const uint8_t* registers = hll.data() + kHeaderSize;
  const size_t byte = index * 6 / 8;
  const unsigned shift = index * 6 % 8;
  unsigned value = registers[byte] >> shift;
  if (shift > 2) value |= unsigned{registers[byte + 1]} << (8 - shift);
  return value & 63;
}

void set_dense_register(std::span<uint8_t> hll, size_t index, uint8_t value) {
  uint8_t* registers = hll.data() + kHeaderSize;
  const size_t byte = index * 6 / 8;
  const unsigned shift = index * 6 % 8;
  registers[byte] = static_cast<uint8_t>((registers[byte] & ~(63u << shift)) | (value << shift));
  if (shift > 2) {
    const unsigned spill = 8 - shift;
    registers[byte + 1] =
        static_cast<uint8_t>((registers[byte + 1] & ~(63u >> spill)) | (value >> spill));
  }
}

Update raise_register(Buffer& hll, uint32_t index, uint8_t rank, size_t sparse_max_bytes) {
  const std::span<uint8_t> bytes = hll.bytes();
  if (encoding_of(bytes) == Encoding::kDense) return raise_dense(bytes, index, rank);
  return raise_sparse(hll, index, rank, sparse_max_bytes);
}

bool convert_to_dense(Buffer& buffer) {
  std::span<uint8_t> hll = buffer.bytes();
  if (encoding_of(hll) == Encoding::kDense) return true;
  Registers registers{};
  const bool valid = for_each_sparse_run(hll, [&](size_t first, uint32_t run, uint8_t value) {
    std::fill_n(registers.begin() + first, run, value);
  });
  if (!valid) return false;
  hll = buffer.resize(kDenseSize);  // the header stays, cached cardinality included
  hll[kEncodingOffset] = static_cast<uint8_t>(Encoding::kDense);
  pack_dense(registers, hll.data() + kHeaderSize);
  return true;
}

bool merge_into(Registers& max, std::span<const uint8_t> hll) {
  if (encoding_of(hll) == Encoding::kDense) {
    Registers registers;
    unpack_dense(hll.data() + kHeaderSize, registers);
    for (size_t i = 0; i < kRegisterCount; ++i) max[i] = std::max(max[i], registers[i]);
    return true;
  }
  return for_each_sparse_run(hll, [&](size_t first, uint32_t run, uint8_t value) {
    for (size_t i = first; i < first + run; ++i) max[i] = std::max(max[i], value);
  });
}

std::optional<uint64_t> estimate(std::span<const uint8_t> hll) {
  Histogram histogram{};
  if (encoding_of(hll) == Encoding::kDense) {
    Registers registers;
    unpack_dense(hll.data() + kHeaderSize, registers);
    for (const uint8_t value : registers) ++histogram[value];
    return estimate_from(histogram);
  }
  const bool valid = for_each_sparse_run(
      hll, [&](size_t, uint32_t run, uint8_t value) { histogram[value] += run; });
  if (!valid) return std::nullopt;
  return estimate_from(histogram);
}

uint64_t estimate(const Registers& registers) {
  Histogram histogram{};
  for (const uint8_t value : registers) ++histogram[value & 63];
  return estimate_from(histogram);
}

std::string describe_sparse(std::span<const uint8_t> hll) {
  std::string text;
  for (size_t pos = kHeaderSize; pos < hll.size();) {
    if (!text.empty()) text += ' ';
    const uint8_t op = hll[pos];
    if ((op & 0x80) != 0) {
      const SparseOp val = *read_op(hll, pos);
      text += "v:" + std::to_string(val.value) + "," + std::to_string(val.run);
      pos += 1;
    } else if ((op & 0x40) == 0) {
      text += "z:" + std::to_string((op & 0x3f) + 1);
      pos += 1;
    } else {
      // Redis reads the terminating NUL of its string for an XZERO cut off by the end.
      const unsigned low = pos + 1 < hll.size() ? hll[pos + 1] : 0;
      text += "Z:" + std::to_string((((op & 0x3fu) << 8) | low) + 1);
      pos += 2;
    }
  }
  return text;
}

}  // namespace fkvs::hll
