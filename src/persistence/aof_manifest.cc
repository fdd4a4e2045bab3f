#include "persistence/aof_manifest.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "persistence/format_error.h"
#include "split_arguments.h"
#include "util/strings.h"

namespace fkvs::persistence {
namespace {

// Redis reads the manifest with fgets into a 1025-byte buffer: 1024 bytes at a
// time, so a line of 1024 bytes or more before its newline arrives in pieces.
constexpr size_t kMaxLine = 1024;

// Redis's messages, byte-exact, so a log reads the same as redis-server's.
constexpr std::string_view kInvalidFormat = "Invalid AOF manifest file format";
constexpr std::string_view kTooLong = "The AOF manifest file contains too long line";

[[noreturn]] void fail(size_t line, std::string_view problem, std::string_view detail = {}) {
  std::string message = "AOF manifest line " + std::to_string(line) + ": ";
  message += problem;
  if (!detail.empty()) {
    message += " (";
    message += detail;
    message += ')';
  }
  throw FormatError(message);
}

// The C locale's classes: Redis never sets LC_CTYPE, so every byte from 0x80
// up is unprintable to it.
constexpr bool is_print(char c) { return c >= 0x20 && c <= 0x7e; }
constexpr bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// sdsneedsrepr's rule, plus the single quote: Redis 7.0 writes a name holding
// one bare, and its own reader then takes it for an opening quote and refuses
// the line, so fkvs quotes it and stays readable by both.
bool needs_quoting(std::string_view name) {
  if (name.empty()) return true;
  return std::any_of(name.begin(), name.end(), [](char c) {
    return !is_print(c) || is_space(c) || c == '\\' || c == '"' || c == '\'';
  });
}

// Splits a line as Redis's sdssplitargs does (the rules of inline commands);
// nullopt for an unclosed or misplaced quote.
std::optional<std::vector<std::string>> split_args(std::string_view line) {
  std::string unescaped(line.size(), '\0');
  std::vector<std::string_view> views;
  if (!resp::split_arguments(line, unescaped.data(), views)) return std::nullopt;
  return std::vector<std::string>(views.begin(), views.end());
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kBlanks = " \t\r\n";
  size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

// Redis reads seq with atoll, which takes "12abc" as 12, "-3" as -3 and clamps
// overflow; fkvs takes only what Redis itself writes: 1 to 2^63-1 in decimal.
std::optional<uint64_t> parse_seq(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value == 0 || value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  return value;
}

void append_line(std::string& out, const AofManifest::File& file) {
  out += "file ";
  if (needs_quoting(file.name)) {
    out += resp::quote_bytes(file.name);
  } else {
    out += file.name;
  }
  out += " seq ";
  out += std::to_string(file.seq);
  out += " type ";
  out += static_cast<char>(file.type);
  out += '\n';
}

// One line's words, checked as aofLoadManifestFromFile checks them.
AofManifest::File parse_file(size_t number, std::string_view line) {
  auto args = split_args(line);
  if (!args) fail(number, kInvalidFormat, "a quote is not closed or not followed by a space");
  // Redis asks for at least six words, in pairs, so a later version may add keys.
  if (args->size() < 6 || args->size() % 2 != 0) {
    fail(number, kInvalidFormat, "expected \"file <name> seq <n> type <b|h|i>\"");
  }
  std::optional<std::string> name;
  std::optional<std::string> seq;
  std::optional<std::string> type;
  // Keys match in any case; a repeated key's last value counts; others are ignored.
  for (size_t i = 0; i < args->size(); i += 2) {
    const std::string& key = (*args)[i];
    std::string& value = (*args)[i + 1];
    if (equals_nocase(key, "file")) {
      if (value.find_first_of("/\\") != std::string::npos) {
        fail(number, "File can't be a path, just a filename");
      }
      name = std::move(value);
    } else if (equals_nocase(key, "seq")) {
      seq = std::move(value);
    } else if (equals_nocase(key, "type")) {
      type = std::move(value);
    }
  }

  AofManifest::File file;
  if (!name) fail(number, kInvalidFormat, "no file name");
  // Redis would keep "" or a name cut at its NUL, and fail later opening it.
  if (name->empty()) fail(number, kInvalidFormat, "the file name is empty");
  if (name->find('\0') != std::string::npos) {
    fail(number, kInvalidFormat, "the file name holds a NUL byte");
  }
  file.name = std::move(*name);
  if (!seq) fail(number, kInvalidFormat, "no seq");
  auto seq_value = parse_seq(*seq);
  if (!seq_value) fail(number, kInvalidFormat, "seq must be a positive integer");
  file.seq = *seq_value;
  // Redis looks at the type's first byte only: "type base" is a base.
  char type_byte = type && !type->empty() ? type->front() : '\0';
  if (type_byte == '\0') fail(number, kInvalidFormat, "no type");
  switch (type_byte) {
    case 'b':
      file.type = AofManifest::FileType::kBase;
      break;
    case 'h':
      file.type = AofManifest::FileType::kHistory;
      break;
    case 'i':
      file.type = AofManifest::FileType::kIncremental;
      break;
    default:
      fail(number, "Unknown AOF file type");
  }
  return file;
}

}  // namespace

std::string AofManifest::format() const {
  // Base first, then history, then the incrementals, as getAofManifestAsString.
  std::string out;
  if (base) append_line(out, *base);
  for (const File& file : history) append_line(out, file);
  for (const File& file : incrementals) append_line(out, file);
  return out;
}

AofManifest AofManifest::parse(std::string_view text) {
  if (text.empty()) throw FormatError("AOF manifest: Found an empty AOF manifest");
  AofManifest manifest;
  size_t line_number = 1;
  size_t pos = 0;
  while (pos < text.size()) {
    // The piece fgets returns: through the newline, or kMaxLine bytes. A long
    // comment's second piece is read as a line of its own, as Redis reads it.
    std::string_view piece = text.substr(pos, kMaxLine);
    size_t newline = piece.find('\n');
    if (newline != std::string_view::npos) piece = piece.substr(0, newline + 1);
    pos += piece.size();
    const size_t number = line_number;
    if (newline != std::string_view::npos) ++line_number;

    if (piece.front() == '#') continue;
    if (newline == std::string_view::npos) {
      fail(number, kTooLong,
           piece.size() == kMaxLine ? "1024 bytes or more before the newline"
                                    : "the last line has no newline");
    }
    // Redis's strchr stops at a NUL and misses the newline after it.
    if (piece.find('\0') != std::string_view::npos) fail(number, kTooLong, "a NUL byte");
    std::string_view line = trim(piece);
    if (line.empty()) fail(number, kInvalidFormat, "a blank line");

    File file = parse_file(number, line);
    switch (file.type) {
      case FileType::kBase:
        if (manifest.base) fail(number, "Found duplicate base file information");
        manifest.base = std::move(file);
        break;
      case FileType::kHistory:
        manifest.history.push_back(std::move(file));
        break;
      case FileType::kIncremental:
        if (!manifest.incrementals.empty() && file.seq <= manifest.incrementals.back().seq) {
          fail(number, "Found a non-monotonic sequence number");
        }
        manifest.incrementals.push_back(std::move(file));
        break;
    }
  }
  return manifest;
}

std::string AofManifest::base_name(std::string_view prefix, uint64_t seq, bool rdb) {
  std::string name(prefix);
  name += '.';
  name += std::to_string(seq);
  name += rdb ? ".base.rdb" : ".base.aof";
  return name;
}

std::string AofManifest::incremental_name(std::string_view prefix, uint64_t seq) {
  std::string name(prefix);
  name += '.';
  name += std::to_string(seq);
  name += ".incr.aof";
  return name;
}

std::string AofManifest::manifest_name(std::string_view prefix) {
  return std::string(prefix) + ".manifest";
}

uint64_t AofManifest::next_base_seq() const { return base ? base->seq + 1 : 1; }

uint64_t AofManifest::next_incremental_seq() const {
  // Parsed incrementals rise, so this is the last one's seq, Redis's
  // curr_incr_file_seq; history files do not count.
  uint64_t highest = 0;
  for (const File& file : incrementals) highest = std::max(highest, file.seq);
  return highest + 1;
}

}  // namespace fkvs::persistence
