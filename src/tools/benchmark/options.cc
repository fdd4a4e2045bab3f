#include "tools/benchmark/options.h"

#include <charconv>

namespace fkvs::benchmark {
namespace {

constexpr std::string_view kUsage = R"(Usage: fkvs-benchmark [OPTIONS] [COMMAND ARGS...]

Options:
 -h <hostname>      Server hostname (default 127.0.0.1)
 -p <port>          Server port (default 6379)
 -s <socket>        Server socket (overrides host and port)
 -a <password>      Password for AUTH
 --user <username>  Send ACL style 'AUTH username password'. Needs -a.
 -u <uri|socket>    Server URI (redis://[[user]:[password]@]host[:port][/db]),
                    or else a unix socket path
 -c <clients>       Number of parallel connections (default 50)
 -n <requests>      Total number of requests (default 100000)
 -d <size>          Data size of SET/GET value in bytes (default 3)
 --dbnum <db>       SELECT the specified db number (default 0)
 --threads <num>    Spread the clients over num threads (default 1)
 -k <boolean>       1=keep alive 0=reconnect for each request (default 1)
 -r <keyspacelen>   Replace __rand_int__ in every argument with a 12-digit
                    random number in [0, keyspacelen), fresh for each command.
                    Without -r the text __rand_int__ stays as it is.
 -P <numreq>        Pipeline <numreq> requests (default 1: no pipeline)
 -q                 Quiet: one line per test with requests per second
 --precision <n>    Decimal places of latency figures (default 3)
 --csv              Output in CSV format
 -l                 Loop: run the tests forever
 -t <tests>         Only run the comma separated list of tests, named as in
                    the output (ping, set, get, incr, lpush, rpush, lpop, rpop,
                    sadd, hset, spop, zadd, zpopmin, lrange, mset, ...).
                    Ignored when a command is given.
 --help             Output this help and exit
 --version          Output version and exit

A test whose replies include errors is reported on stderr with the first
error's text; the run goes on with the next test and exits with status 1.

Examples:
   fkvs-benchmark -t set,get -n 1000000 -P 16 -q
   fkvs-benchmark --threads 2 -c 100 -P 16 -t get --csv
   fkvs-benchmark -r 10000 -n 10000 LPUSH mylist __rand_int__
)";

constexpr int kMaxPrecision = 6;
constexpr uint64_t kMaxKeyspace = 1'000'000'000'000;  // 12 digits
constexpr uint64_t kMaxDataSize = uint64_t{1} << 30;  // as redis-benchmark caps -d

template <typename Number>
std::optional<Number> parse_number(std::string_view text, Number low, Number high) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < low ||
      value > high) {
    return std::nullopt;
  }
  return value;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

std::string_view usage_text() { return kUsage; }

ParsedOptions parse_options(std::span<const std::string_view> args) {
  ParsedOptions parsed;
  BenchmarkOptions& options = parsed.options;
  auto fail = [&](std::string message) {
    parsed.error = std::move(message);
    return parsed;
  };
  size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string_view flag = args[i];
    // Like redis-benchmark, the first word that is not a flag starts the command.
    if (!flag.starts_with('-')) break;
    if (flag == "--help") {
      parsed.action = Action::kHelp;
      return parsed;
    }
    if (flag == "--version") {
      parsed.action = Action::kVersion;
      return parsed;
    }
    if (flag == "-q") {
      options.quiet = true;
      continue;
    }
    if (flag == "--csv") {
      options.csv = true;
      continue;
    }
    if (flag == "-l") {
      options.loop = true;
      continue;
    }
    static constexpr std::string_view kWithValue[] = {
        "-h", "-p", "-s", "-a", "--user", "-u",        "-c",          "-n",
        "-d", "-P", "-r", "-t", "-k",     "--threads", "--precision", "--dbnum"};
    bool takes_value = false;
    for (std::string_view known : kWithValue) takes_value |= flag == known;
    if (!takes_value) return fail("Invalid option \"" + std::string(flag) + "\"");
    if (i + 1 == args.size()) return fail("Option \"" + std::string(flag) + "\" needs a value");
    std::string_view value = args[++i];
    auto invalid = [&] {
      return fail("Invalid value for " + std::string(flag) + ": \"" + std::string(value) + "\"");
    };
    if (flag == "-h") {
      options.connection.host = std::string(value);
    } else if (flag == "-p") {
      auto port = parse_number<int>(value, 0, 65535);
      if (!port) return invalid();
      options.connection.port = *port;
    } else if (flag == "-s") {
      options.connection.socket_path = std::string(value);
    } else if (flag == "-a") {
      options.connection.password = std::string(value);
    } else if (flag == "--user") {
      options.connection.user = std::string(value);
    } else if (flag == "-u") {
      if (tools::looks_like_uri(value)) {
        if (auto error = tools::apply_uri(value, options.connection)) {
          return fail("Invalid URI \"" + std::string(value) + "\": " + *error);
        }
      } else {
        options.connection.socket_path = std::string(value);
      }
    } else if (flag == "-c") {
      auto clients = parse_number<int>(value, 1, 1'000'000);
      if (!clients) return invalid();
      options.clients = *clients;
    } else if (flag == "-n") {
      auto requests = parse_number<uint64_t>(value, 1, UINT64_MAX / 2);
      if (!requests) return invalid();
      options.requests = *requests;
    } else if (flag == "-d") {
      auto size = parse_number<uint64_t>(value, 1, kMaxDataSize);
      if (!size) return invalid();
      options.data_size = *size;
    } else if (flag == "-P") {
      auto pipeline = parse_number<int>(value, 1, 1'000'000);
      if (!pipeline) return invalid();
      options.pipeline = *pipeline;
    } else if (flag == "-r") {
      auto keyspace = parse_number<uint64_t>(value, 1, kMaxKeyspace);
      if (!keyspace) return invalid();
      options.keyspace = *keyspace;
    } else if (flag == "-t") {
      options.tests = lower(value);
    } else if (flag == "-k") {
      if (value != "0" && value != "1") return invalid();
      options.keepalive = value == "1";
    } else if (flag == "--threads") {
      auto threads = parse_number<int>(value, 1, 1024);
      if (!threads) return invalid();
      options.threads = *threads;
    } else if (flag == "--precision") {
      auto precision = parse_number<int>(value, 0, kMaxPrecision);
      if (!precision) return invalid();
      options.precision = *precision;
    } else if (flag == "--dbnum") {
      auto db = parse_number<int>(value, 0, 1'000'000);
      if (!db) return invalid();
      options.connection.db = *db;
    }
  }
  for (; i < args.size(); ++i) options.command.emplace_back(args[i]);
  if (!options.connection.user.empty() && !options.connection.password) {
    return fail("--user needs -a");
  }
  return parsed;
}

}  // namespace fkvs::benchmark
