#include "tools/benchmark/command_template.h"

#include <array>
#include <cstring>

namespace fkvs::benchmark {
namespace {

void note_placeholders(std::string_view arg, size_t arg_offset, std::vector<size_t>& out) {
  for (size_t at = arg.find(kRandomPlaceholder); at != std::string_view::npos;
       at = arg.find(kRandomPlaceholder, at + kRandomPlaceholder.size())) {
    out.push_back(arg_offset + at);
  }
}

}  // namespace

CommandTemplate CommandTemplate::from_args(std::span<const std::string> args) {
  CommandTemplate command;
  // Appended piece by piece: GCC 12 warns (-Wrestrict) on "literal" + string.
  command.bytes += '*';
  command.bytes += std::to_string(args.size());
  command.bytes += "\r\n";
  for (const std::string& arg : args) {
    command.bytes += '$';
    command.bytes += std::to_string(arg.size());
    command.bytes += "\r\n";
    note_placeholders(arg, command.bytes.size(), command.placeholders);
    command.bytes += arg;
    command.bytes += "\r\n";
  }
  return command;
}

CommandTemplate CommandTemplate::from_inline(std::string_view line) {
  CommandTemplate command;
  note_placeholders(line, 0, command.placeholders);
  command.bytes = std::string(line) + "\r\n";
  return command;
}

CommandTemplate CommandTemplate::repeated(size_t count) const {
  CommandTemplate batch;
  batch.bytes.reserve(bytes.size() * count);
  for (size_t i = 0; i < count; ++i) {
    for (size_t offset : placeholders) batch.placeholders.push_back(batch.bytes.size() + offset);
    batch.bytes += bytes;
  }
  return batch;
}

uint64_t KeyRandom::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t KeyRandom::below(uint64_t bound) {
  // Multiply-shift maps 64 random bits onto [0, bound) without a division.
  return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * bound) >> 64);
}

namespace {

// Writes value (below 10^6) as 6 zero-padded digits, two at a time from a
// table: this runs for every request under -r, and 64-bit arithmetic a digit
// at a time was half the generator's instructions.
void write_six_digits(char* out, uint32_t value) {
  static constexpr auto kPairs = [] {
    std::array<char, 200> pairs{};
    for (int i = 0; i < 100; ++i) {
      pairs[2 * i] = static_cast<char>('0' + i / 10);
      pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
    return pairs;
  }();
  std::memcpy(out + 4, &kPairs[2 * (value % 100)], 2);
  value /= 100;
  std::memcpy(out + 2, &kPairs[2 * (value % 100)], 2);
  value /= 100;
  std::memcpy(out, &kPairs[2 * value], 2);
}

}  // namespace

void substitute_random(std::span<char> buffer, std::span<const size_t> placeholders, size_t limit,
                       uint64_t keyspace, KeyRandom& random) {
  static_assert(kRandomPlaceholder.size() == 12);
  for (size_t offset : placeholders) {
    if (offset + kRandomPlaceholder.size() > limit) break;
    uint64_t value = random.below(keyspace);
    char* digits = buffer.data() + offset;
    write_six_digits(digits, static_cast<uint32_t>(value / 1'000'000));
    write_six_digits(digits + 6, static_cast<uint32_t>(value % 1'000'000));
  }
}

}  // namespace fkvs::benchmark
