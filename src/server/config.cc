#include "server/config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <variant>

#include "util/glob.h"
#include "util/number.h"

namespace fkvs {
namespace {

// Why a value was refused, in redis-server's words; nullopt when it was accepted.
using Refusal = std::optional<std::string>;
using Args = std::span<const std::string_view>;

// Start-up adds each "save" line to the ones before it; CONFIG SET replaces the list.
enum class SetMode { kLoad, kConfigSet };

// Redis refuses CONFIG SET of immutable options, and of protected ones unless
// enable-protected-configs allows it (fkvs never does, as Redis by default).
enum class Mutability { kMutable, kImmutable, kProtected };

constexpr std::string_view kBadDirective = "Bad directive or wrong number of arguments";
constexpr std::string_view kWrongArgCount = "wrong number of arguments";
constexpr int kMaxBindAddresses = 16;
constexpr int kMaxIncludeDepth = 16;
constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kMinHz = 1;
constexpr int64_t kMaxHz = 500;

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool equals_nocase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return to_lower(x) == to_lower(y); });
}

std::string join(std::span<const std::string_view> words, std::string_view separator) {
  std::string out;
  for (std::string_view word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

std::string range_refusal(std::string_view min, std::string_view max) {
  return "argument must be between " + std::string(min) + " and " + std::string(max) + " inclusive";
}

std::string to_octal(int64_t value) {
  char text[32];
  return {text, std::to_chars(text, text + sizeof text, value, 8).ptr};
}

// ---------------------------------------------------------------------------------------------
// Values, parsed with the same leniency and strictness as Redis.

std::optional<bool> parse_yes_no(std::string_view text) {
  if (equals_nocase(text, "yes")) return true;
  if (equals_nocase(text, "no")) return false;
  return std::nullopt;
}

// Redis's memtoull: decimal digits, then an optional unit (b, k, kb, m, mb, g, gb, any case).
// "" and a bare unit are 0. Too many digits saturate, and the unit then wraps around modulo
// 2^64: odd, but it is what redis-server stores.
std::optional<uint64_t> parse_memory(std::string_view text) {
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1},         {"b", 1},        {"k", 1000},         {"kb", 1 << 10},
      {"m", 1000'000}, {"mb", 1 << 20}, {"g", 1000'000'000}, {"gb", 1 << 30},
  };
  const size_t digits = std::min(text.find_first_not_of("0123456789"), text.size());
  const auto unit = std::ranges::find_if(
      kUnits, [&](const auto& entry) { return equals_nocase(text.substr(digits), entry.first); });
  if (unit == std::end(kUnits)) return std::nullopt;
  uint64_t value = 0;
  for (char c : text.substr(0, digits)) {
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      value = UINT64_MAX;
      break;
    }
    value = value * 10 + digit;
  }
  return value * unit->second;
}

// strtoll's syntax (leading space, a sign, "" is 0), which Redis uses for octal modes, save
// points and soft_seconds. nullopt when bytes are left over.
struct StrtollResult {
  int64_t value;
  bool overflowed;  // the value saturated
};
std::optional<StrtollResult> parse_like_strtoll(std::string_view text, int base) {
  const std::string buffer(text);
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(buffer.c_str(), &end, base);
  if (end != buffer.c_str() + buffer.size()) return std::nullopt;
  return StrtollResult{value, errno == ERANGE};
}

Refusal parse_integer(std::string_view text, int64_t min, int64_t max, int64_t& out) {
  const std::optional<int64_t> value = parse_int64(text);
  if (!value) return "argument couldn't be parsed into an integer";
  if (*value < min || *value > max) return range_refusal(std::to_string(min), std::to_string(max));
  out = *value;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// The option table. Most options are one typed field with limits; the rest have their own
// parser and formatter.

struct IntegerOption {
  int64_t Config::*field;
  int64_t min;
  int64_t max;
};
struct OctalOption {
  int64_t Config::*field;
  int64_t min;
  int64_t max;
};
struct MemoryOption {
  uint64_t Config::*field;
  uint64_t min;
  uint64_t max;
};
struct BoolOption {
  bool Config::*field;
};
struct StringOption {
  std::string Config::*field;
};
struct EnumOption {
  std::string Config::*field;
  std::span<const std::string_view> choices;
};
struct CustomOption {
  Refusal (*parse)(Config&, Args, SetMode);
  std::string (*format)(const Config&);
  bool takes_list;  // any number of arguments; CONFIG SET splits its value at spaces
};
using OptionType = std::variant<IntegerOption, OctalOption, MemoryOption, BoolOption, StringOption,
                                EnumOption, CustomOption>;

struct OptionSpec {
  std::string_view name;
  Mutability mutability;
  OptionType type;
};

template <class... Visitors>
struct Overloaded : Visitors... {
  using Visitors::operator()...;
};

Refusal parse_bind(Config& config, Args args, SetMode) {
  if (args.size() > kMaxBindAddresses) return "Too many bind addresses specified.";
  config.bind.assign(args.begin(), args.end());
  return std::nullopt;
}

std::string format_bind(const Config& config) {
  std::string out;
  for (const std::string& address : config.bind) out += (out.empty() ? "" : " ") + address;
  return out;
}

// Redis accepts any hz and keeps it within 1..500.
Refusal parse_hz(Config& config, Args args, SetMode) {
  int64_t hz = 0;
  if (Refusal refusal = parse_integer(args[0], 0, kIntMax, hz)) return refusal;
  config.hz = std::clamp(hz, kMinHz, kMaxHz);
  return std::nullopt;
}

Refusal parse_daemonize(Config& config, Args args, SetMode) {
  const std::optional<bool> daemonize = parse_yes_no(args[0]);
  if (!daemonize) return "argument must be 'yes' or 'no'";
  if (*daemonize) return "fkvs does not daemonize: run it in the foreground (systemd, runit...)";
  config.daemonize = false;
  return std::nullopt;
}

// Redis changes into `dir` as it reads it; fkvs keeps its absolute path (for CONFIG GET, and
// so a later chdir by the server cannot change what it means), checking it is a directory.
Refusal parse_dir(Config& config, Args args, SetMode) {
  std::error_code error;
  const std::filesystem::path path = std::filesystem::canonical(std::string(args[0]), error);
  if (error) return error.message();
  if (!std::filesystem::is_directory(path)) return std::strerror(ENOTDIR);
  config.dir = path.string();
  return std::nullopt;
}

std::string format_dir(const Config& config) {
  std::error_code error;
  const std::filesystem::path path = std::filesystem::canonical(config.dir, error);
  return error ? config.dir : path.string();
}

Refusal parse_dbfilename(Config& config, Args args, SetMode) {
  if (args[0].find_first_of("/\\") != std::string_view::npos) {
    return "dbfilename can't be a path, just a filename";
  }
  config.dbfilename = args[0];
  return std::nullopt;
}

// "save" alone or `save ""` clears the list; otherwise pairs of seconds (at least 1) and
// changes (at least 0).
Refusal parse_save(Config& config, Args args, SetMode mode) {
  if (args.empty() || (args.size() == 1 && args[0].empty())) {
    config.save.clear();
    return std::nullopt;
  }
  const std::string invalid = "Invalid save parameters";
  if (args.size() % 2 != 0) return invalid;
  std::vector<SavePoint> points;
  for (size_t i = 0; i < args.size(); i += 2) {
    const auto seconds = parse_like_strtoll(args[i], 10);
    const auto changes = parse_like_strtoll(args[i + 1], 10);
    if (!seconds || !changes || seconds->value < 1 || changes->value < 0) return invalid;
    points.push_back({seconds->value, changes->value});
  }
  if (mode == SetMode::kConfigSet) config.save.clear();
  config.save.insert(config.save.end(), points.begin(), points.end());
  return std::nullopt;
}

std::string format_save(const Config& config) {
  std::string out;
  for (const SavePoint& point : config.save) {
    if (!out.empty()) out += ' ';
    out += std::to_string(point.seconds) + ' ' + std::to_string(point.changes);
  }
  return out;
}

// Groups of "<class> <hard> <soft> <soft seconds>"; classes not named keep their limits.
Refusal parse_output_buffer_limits(Config& config, Args args, SetMode) {
  if (args.size() % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
  auto limits = config.client_output_buffer_limit;
  for (size_t i = 0; i < args.size(); i += 4) {
    ClientClass client_class;
    if (equals_nocase(args[i], "normal")) {
      client_class = kNormalClients;
    } else if (equals_nocase(args[i], "replica") || equals_nocase(args[i], "slave")) {
      client_class = kReplicaClients;
    } else if (equals_nocase(args[i], "pubsub")) {
      client_class = kPubsubClients;
    } else {
      return "Invalid client class specified in buffer limit configuration.";
    }
    const auto hard = parse_memory(args[i + 1]);
    const auto soft = parse_memory(args[i + 2]);
    const auto seconds = parse_like_strtoll(args[i + 3], 10);
    if (!hard || !soft || !seconds || seconds->overflowed || seconds->value < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    limits[client_class] = {*hard, *soft, seconds->value};
  }
  config.client_output_buffer_limit = limits;
  return std::nullopt;
}

// Redis still calls the replica class "slave" here.
std::string format_output_buffer_limits(const Config& config) {
  static constexpr std::string_view kClassNames[kClientClassCount] = {"normal", "slave", "pubsub"};
  std::string out;
  for (int i = 0; i < kClientClassCount; ++i) {
    const OutputBufferLimit& limit = config.client_output_buffer_limit[i];
    if (i > 0) out += ' ';
    out += std::string(kClassNames[i]) + ' ' + std::to_string(limit.hard_bytes) + ' ' +
           std::to_string(limit.soft_bytes) + ' ' + std::to_string(limit.soft_seconds);
  }
  return out;
}

constexpr std::string_view kLogLevels[] = {"debug", "verbose", "notice", "warning", "nothing"};
constexpr std::string_view kIoBackends[] = {"auto", "epoll", "uring", "kqueue"};
constexpr std::string_view kMaxmemoryPolicies[] = {
    "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
    "allkeys-lru",  "allkeys-lfu",  "allkeys-random",  "noeviction"};

constexpr uint64_t kMegabyte = 1024 * 1024;

using enum Mutability;
// Which options are immutable or protected follows redis-server 7.0.
const OptionSpec kOptions[] = {
    {"port", kMutable, IntegerOption{&Config::port, 0, 65535}},
    {"bind", kMutable, CustomOption{parse_bind, format_bind, true}},
    {"unixsocket", kImmutable, StringOption{&Config::unixsocket}},
    {"unixsocketperm", kImmutable, OctalOption{&Config::unixsocketperm, 0, 0777}},
    {"maxclients", kMutable, IntegerOption{&Config::maxclients, 1, UINT_MAX}},
    {"timeout", kMutable, IntegerOption{&Config::timeout, 0, kIntMax}},
    {"tcp-keepalive", kMutable, IntegerOption{&Config::tcp_keepalive, 0, kIntMax}},
    {"tcp-backlog", kImmutable, IntegerOption{&Config::tcp_backlog, 0, kIntMax}},
    {"requirepass", kMutable, StringOption{&Config::requirepass}},
    {"databases", kImmutable, IntegerOption{&Config::databases, 1, kIntMax}},
    {"loglevel", kMutable, EnumOption{&Config::loglevel, kLogLevels}},
    {"logfile", kImmutable, StringOption{&Config::logfile}},
    {"hz", kMutable,
     CustomOption{parse_hz, [](const Config& c) { return std::to_string(c.hz); }, false}},
    {"proto-max-bulk-len", kMutable,
     MemoryOption{&Config::proto_max_bulk_len, kMegabyte, INT64_MAX}},
    {"client-query-buffer-limit", kMutable,
     MemoryOption{&Config::client_query_buffer_limit, kMegabyte, INT64_MAX}},
    {"client-output-buffer-limit", kMutable,
     CustomOption{parse_output_buffer_limits, format_output_buffer_limits, true}},
    {"io-backend", kImmutable, EnumOption{&Config::io_backend, kIoBackends}},
    {"daemonize", kImmutable,
     CustomOption{parse_daemonize, [](const Config&) { return std::string("no"); }, false}},
    {"pidfile", kImmutable, StringOption{&Config::pidfile}},
    {"dir", kProtected, CustomOption{parse_dir, format_dir, false}},
    {"dbfilename", kProtected,
     CustomOption{parse_dbfilename, [](const Config& c) { return c.dbfilename; }, false}},
    {"save", kMutable, CustomOption{parse_save, format_save, true}},
    {"appendonly", kMutable, BoolOption{&Config::appendonly}},
    {"maxmemory", kMutable, MemoryOption{&Config::maxmemory, 0, UINT64_MAX}},
    {"maxmemory-policy", kMutable, EnumOption{&Config::maxmemory_policy, kMaxmemoryPolicies}},
    {"active-expire-effort", kMutable, IntegerOption{&Config::active_expire_effort, 1, 10}},
    {"protected-mode", kMutable, BoolOption{&Config::protected_mode}},
    {"always-show-logo", kImmutable, BoolOption{&Config::always_show_logo}},
};

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (equals_nocase(spec.name, name)) return &spec;
  }
  return nullptr;
}

bool takes_list(const OptionSpec& spec) {
  const auto* custom = std::get_if<CustomOption>(&spec.type);
  return custom != nullptr && custom->takes_list;
}

// Stores `args` (exactly one unless the option takes a list) into `config`.
Refusal assign(const OptionSpec& spec, Config& config, Args args, SetMode mode) {
  const std::string_view text = args.empty() ? std::string_view() : args[0];
  return std::visit(
      Overloaded{
          [&](const IntegerOption& o) {
            return parse_integer(text, o.min, o.max, config.*o.field);
          },
          [&](const OctalOption& o) -> Refusal {
            const auto value = parse_like_strtoll(text, 8);
            if (!value || value->overflowed)
              return "argument couldn't be parsed as an octal number";
            if (value->value < o.min || value->value > o.max) {
              return range_refusal(to_octal(o.min), to_octal(o.max));
            }
            config.*o.field = value->value;
            return std::nullopt;
          },
          [&](const MemoryOption& o) -> Refusal {
            const std::optional<uint64_t> value = parse_memory(text);
            if (!value) return "argument must be a memory value";
            if (*value < o.min || *value > o.max) {
              return range_refusal(std::to_string(o.min), std::to_string(o.max));
            }
            config.*o.field = *value;
            return std::nullopt;
          },
          [&](const BoolOption& o) -> Refusal {
            const std::optional<bool> value = parse_yes_no(text);
            if (!value) return "argument must be 'yes' or 'no'";
            config.*o.field = *value;
            return std::nullopt;
          },
          [&](const StringOption& o) -> Refusal {
            config.*o.field = text;
            return std::nullopt;
          },
          [&](const EnumOption& o) -> Refusal {
            const auto choice = std::ranges::find_if(
                o.choices, [&](std::string_view name) { return equals_nocase(name, text); });
            if (choice == o.choices.end()) {
              return "argument(s) must be one of the following: " + join(o.choices, ", ");
            }
            config.*o.field = *choice;
            return std::nullopt;
          },
          [&](const CustomOption& o) { return o.parse(config, args, mode); },
      },
      spec.type);
}

std::string format(const OptionSpec& spec, const Config& config) {
  return std::visit(
      Overloaded{
          [&](const IntegerOption& o) { return std::to_string(config.*o.field); },
          [&](const OctalOption& o) { return to_octal(config.*o.field); },
          [&](const MemoryOption& o) { return std::to_string(config.*o.field); },
          [&](const BoolOption& o) { return std::string(config.*o.field ? "yes" : "no"); },
          [&](const StringOption& o) { return config.*o.field; },
          [&](const EnumOption& o) { return config.*o.field; },
          [&](const CustomOption& o) { return o.format(config); },
      },
      spec.type);
}

// ---------------------------------------------------------------------------------------------
// Reading configuration text.

// Splits a line into arguments with redis.conf's quoting. "Double quotes" take the escapes
// \n \r \t \b \a \xHH and \<any byte>; 'single quotes' only \'. A closing quote must end
// the argument. nullopt for unbalanced quotes.
std::optional<std::vector<std::string>> split_arguments(std::string_view line) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  const auto is_hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  const auto ends_argument = [&](size_t pos) { return pos >= line.size() || is_space(line[pos]); };
  std::vector<std::string> args;
  size_t i = 0;
  for (;;) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size()) return args;
    std::string arg;
    char quote = 0;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (quote == 0) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') break;
        if (c == '"' || c == '\'') {
          quote = c;
        } else {
          arg += c;
        }
      } else if (c == quote) {
        if (!ends_argument(i + 1)) return std::nullopt;
        quote = 0;
        ++i;
        break;
      } else if (c == '\\' && quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
        arg += line[++i];
      } else if (c == '\\' && quote == '"' && i + 3 < line.size() && line[i + 1] == 'x' &&
                 is_hex(line[i + 2]) && is_hex(line[i + 3])) {
        arg += static_cast<char>(std::stoi(std::string(line.substr(i + 2, 2)), nullptr, 16));
        i += 3;
      } else if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        static constexpr std::string_view kFrom = "nrtba", kTo = "\n\r\t\b\a";
        const size_t escape = kFrom.find(line[++i]);
        arg += escape == std::string_view::npos ? line[i] : kTo[escape];
      } else {
        arg += c;
      }
    }
    if (quote != 0) return std::nullopt;
    args.push_back(std::move(arg));
  }
}

std::string fatal_error(std::string_view where, std::string_view line, std::string_view reason) {
  return "*** FATAL CONFIG FILE ERROR (fkvs " FKVS_VERSION ") ***\nReading " + std::string(where) +
         "\n>>> '" + std::string(line) + "'\n" + std::string(reason);
}

void apply_file(Config& config, const std::string& path, int depth);

std::vector<std::string_view> split_at_spaces(std::string_view value) {
  std::vector<std::string_view> parts;
  if (value.empty()) return parts;
  for (size_t start = 0;;) {
    const size_t space = value.find(' ', start);
    parts.push_back(value.substr(start, space - start));
    if (space == std::string_view::npos) return parts;
    start = space + 1;
  }
}

// One directive (name and arguments) from a file or the command line.
Refusal apply_directive(Config& config, std::span<const std::string> words, int depth) {
  const std::string_view name = words[0];
  const std::vector<std::string_view> args(words.begin() + 1, words.end());
  if (equals_nocase(name, "include") && args.size() == 1) {
    if (depth >= kMaxIncludeDepth) return "include nesting is too deep";
    apply_file(config, words[1], depth + 1);
    return std::nullopt;
  }
  const OptionSpec* spec = find_option(name);
  if (spec == nullptr) return std::string(kBadDirective);
  if (!takes_list(*spec) && args.size() != 1) return std::string(kWrongArgCount);
  // As Redis does, a list option given as one word is split at its spaces
  // (`--save "3600 1"`, `bind "127.0.0.1 ::1"`).
  if (takes_list(*spec) && args.size() == 1)
    return assign(*spec, config, split_at_spaces(args[0]), SetMode::kLoad);
  return assign(*spec, config, args, SetMode::kLoad);
}

void apply_text(Config& config, std::string_view text, std::string_view source, int depth) {
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const size_t first = line.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) continue;
    line = line.substr(first, line.find_last_not_of(" \t\r\n") - first + 1);
    if (line[0] == '#') continue;

    const std::string where = "the configuration file " + std::string(source) + ", at line " +
                              std::to_string(line_number);
    const auto words = split_arguments(line);
    if (!words) {
      throw ConfigError(fatal_error(where, line, "Unbalanced quotes in configuration line"));
    }
    if (Refusal refusal = apply_directive(config, *words, depth)) {
      throw ConfigError(fatal_error(where, line, *refusal));
    }
  }
}

// Reads a whole file; on failure returns nullopt with errno set.
std::optional<std::string> read_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return std::nullopt;
  std::string text;
  char chunk[4096];
  while (size_t n = std::fread(chunk, 1, sizeof chunk, file)) text.append(chunk, n);
  const bool failed = std::ferror(file) != 0;
  const int read_errno = errno;
  std::fclose(file);
  errno = read_errno;
  if (failed) return std::nullopt;
  return text;
}

void apply_file(Config& config, const std::string& path, int depth) {
  const std::optional<std::string> text = read_file(path);
  if (!text) {
    throw ConfigError("Fatal error, can't open config file '" + path +
                      "': " + std::strerror(errno));
  }
  apply_text(config, *text, path, depth);
}

// CONFIG SET takes one argument per space, as Redis splits it ("" is no argument at all).
std::string set_failure(std::string_view name, std::string_view reason) {
  return "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " +
         std::string(reason);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> Config::get(
    std::span<const std::string_view> patterns) const {
  std::vector<std::pair<std::string, std::string>> found;
  std::vector<const OptionSpec*> seen;
  const auto add = [&](const OptionSpec& spec, std::string_view shown_name) {
    if (std::ranges::find(seen, &spec) != seen.end()) return;
    seen.push_back(&spec);
    found.emplace_back(shown_name, format(spec, *this));
  };
  for (std::string_view pattern : patterns) {
    if (pattern.find_first_of("*?[") == std::string_view::npos) {
      if (const OptionSpec* spec = find_option(pattern)) add(*spec, pattern);
      continue;
    }
    for (const OptionSpec& spec : kOptions) {
      if (glob_match(pattern, spec.name, true)) add(spec, spec.name);
    }
  }
  return found;
}

std::optional<std::string> Config::set(
    std::span<const std::pair<std::string_view, std::string_view>> changes) {
  std::vector<const OptionSpec*> specs;
  for (const auto& [name, value] : changes) {
    const OptionSpec* spec = find_option(name);
    if (spec == nullptr) {
      return "ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(name) +
             "'";
    }
    if (spec->mutability == kImmutable) return set_failure(name, "can't set immutable config");
    if (spec->mutability == kProtected) return set_failure(name, "can't set protected config");
    if (std::ranges::find(specs, spec) != specs.end()) {
      return set_failure(name, "duplicate parameter");
    }
    specs.push_back(spec);
  }

  const Config before = *this;
  for (size_t i = 0; i < changes.size(); ++i) {
    const std::string_view value = changes[i].second;
    const std::vector<std::string_view> args =
        takes_list(*specs[i]) ? split_at_spaces(value) : std::vector<std::string_view>{value};
    if (Refusal refusal = assign(*specs[i], *this, args, SetMode::kConfigSet)) {
      *this = before;
      return set_failure(changes[i].first, *refusal);
    }
  }

  // Handlers see only real changes, and a failing one undoes the whole command.
  std::vector<size_t> changed;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (format(*specs[i], *this) != format(*specs[i], before)) changed.push_back(i);
  }
  const auto run_handlers = [&](size_t i) -> Refusal {
    const auto handlers = change_handlers_.find(specs[i]->name);
    if (handlers == change_handlers_.end()) return std::nullopt;
    for (const ChangeHandler& handler : handlers->second) {
      if (Refusal refusal = handler()) return refusal;
    }
    return std::nullopt;
  };
  for (size_t k = 0; k < changed.size(); ++k) {
    if (Refusal refusal = run_handlers(changed[k])) {
      *this = before;
      for (size_t undo = 0; undo <= k; ++undo) run_handlers(changed[undo]);
      return set_failure(changes[changed[k]].first, *refusal);
    }
  }
  return std::nullopt;
}

void Config::on_change(std::string_view name, ChangeHandler handler) {
  const OptionSpec* spec = find_option(name);
  if (spec == nullptr) throw std::invalid_argument("no config option " + std::string(name));
  change_handlers_[std::string(spec->name)].push_back(std::move(handler));
}

void apply_config_text(Config& config, std::string_view text, std::string_view source) {
  apply_text(config, text, source, 0);
}

void apply_config_file(Config& config, const std::string& path) { apply_file(config, path, 0); }

Config load_config(const std::vector<std::string>& args) {
  Config config;
  if (!args.empty() && (args[0] == "-v" || args[0] == "--version")) {
    config.show_version = true;
    return config;
  }
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    config.show_help = true;
    return config;
  }

  std::optional<std::string> file;
  std::vector<std::vector<std::string>> directives;  // "--name args..." without the "--"
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i == 0 && !arg.starts_with('-')) {
      file = arg;
    } else if (arg == "-c" && i + 1 < args.size()) {
      file = args[++i];
    } else if (arg.starts_with("--")) {
      directives.push_back({arg.substr(2)});
    } else if (!directives.empty()) {
      directives.back().push_back(arg);
    } else {
      throw ConfigError(fatal_error("the command line", arg, kBadDirective));
    }
  }

  // As in Redis, the command line overrides the file.
  if (file) {
    std::error_code error;
    config.config_file = std::filesystem::absolute(*file, error).string();
    apply_file(config, *file, 0);
  }
  for (const std::vector<std::string>& words : directives) {
    if (Refusal refusal = apply_directive(config, words, 0)) {
      std::string shown = "--" + words[0];
      for (size_t i = 1; i < words.size(); ++i) shown += ' ' + words[i];
      throw ConfigError(fatal_error("the command line", shown, *refusal));
    }
  }
  return config;
}

std::string version_text() {
  return "fkvs server v=" FKVS_VERSION " malloc=" FKVS_ALLOCATOR " bits=" +
         std::to_string(sizeof(void*) * CHAR_BIT) + " io-backend=" FKVS_DEFAULT_IO_BACKEND "\n";
}

std::string usage_text() {
  return "Usage: ./fkvs-server [/path/to/fkvs.conf] [options]\n"
         "       ./fkvs-server -c /path/to/fkvs.conf [options]\n"
         "       ./fkvs-server -v or --version\n"
         "       ./fkvs-server -h or --help\n"
         "\n"
         "Options are configuration directives with \"--\" in front; they are applied after\n"
         "the configuration file, so they win over it.\n"
         "\n"
         "Examples:\n"
         "       ./fkvs-server (run the server with the default configuration)\n"
         "       ./fkvs-server /etc/fkvs/6379.conf\n"
         "       ./fkvs-server --port 7777\n"
         "       ./fkvs-server /etc/fkvs.conf --loglevel verbose --save 60 1000\n";
}

}  // namespace fkvs
