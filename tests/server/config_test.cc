#include "server/config.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using fkvs::Config;
using fkvs::ConfigError;

// A scratch directory for configuration files, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("fkvs_config_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string file = (path_ / name).string();
    std::ofstream(file) << text;
    return file;
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

Config from_text(const std::string& text) {
  Config config;
  fkvs::apply_config_text(config, text, "test.conf");
  return config;
}

// The message a configuration error carries, or "" when there was none.
std::string error_from_text(const std::string& text) {
  try {
    from_text(text);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

std::string error_from_file(const std::string& path) {
  try {
    Config config;
    fkvs::apply_config_file(config, path);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

std::string error_from_args(const std::vector<std::string>& args) {
  try {
    fkvs::load_config(args);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

// The last line of a configuration error: the reason.
std::string reason_for(const std::string& line) {
  const std::string message = error_from_text(line + "\n");
  return message.substr(message.rfind('\n') + 1);
}

std::string get_one(const Config& config, std::string_view name) {
  const auto found = config.get(name);
  REQUIRE(found.size() == 1);
  return found[0].second;
}

std::string set_failed(std::string_view name, std::string_view reason) {
  return "ERR CONFIG SET failed (possibly related to argument '" + std::string(name) + "') - " +
         std::string(reason);
}

}  // namespace

TEST_CASE("config: defaults are Redis 7.0's, shown as CONFIG GET shows them") {
  const Config config;
  const auto all = config.get("*");
  std::map<std::string, std::string> values(all.begin(), all.end());
  CHECK(values.size() == all.size());
  // The options fkvs acts on; the names of all are checked below.
  const std::map<std::string, std::string> expected{
      {"port", "6379"},
      {"bind", "127.0.0.1 -::1"},
      {"unixsocket", ""},
      {"unixsocketperm", "0"},
      {"maxclients", "10000"},
      {"timeout", "0"},
      {"tcp-keepalive", "300"},
      {"tcp-backlog", "511"},
      {"requirepass", ""},
      {"databases", "16"},
      {"loglevel", "notice"},
      {"logfile", ""},
      {"hz", "10"},
      {"proto-max-bulk-len", "536870912"},
      {"client-query-buffer-limit", "1073741824"},
      {"client-output-buffer-limit",
       "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
      {"daemonize", "no"},
      {"pidfile", ""},
      {"dir", std::filesystem::current_path().string()},
      {"dbfilename", "dump.rdb"},
      {"save", "3600 1 300 100 60 10000"},
      {"rdbcompression", "yes"},
      {"rdbchecksum", "yes"},
      {"stop-writes-on-bgsave-error", "yes"},
      {"rdb-del-sync-files", "no"},
      {"rdb-save-incremental-fsync", "yes"},
      {"sanitize-dump-payload", "no"},
      {"appendonly", "no"},
      {"appendfsync", "everysec"},
      {"appenddirname", "appendonlydir"},
      {"appendfilename", "appendonly.aof"},
      {"aof-use-rdb-preamble", "yes"},
      {"aof-load-truncated", "yes"},
      {"aof-timestamp-enabled", "no"},
      {"auto-aof-rewrite-percentage", "100"},
      {"auto-aof-rewrite-min-size", "67108864"},
      {"no-appendfsync-on-rewrite", "no"},
      {"aof-rewrite-incremental-fsync", "yes"},
      {"maxmemory", "0"},
      {"maxmemory-policy", "noeviction"},
      {"maxmemory-samples", "5"},
      {"maxmemory-eviction-tenacity", "10"},
      {"lfu-log-factor", "10"},
      {"lfu-decay-time", "1"},
      {"maxmemory-clients", "0"},
      {"lazyfree-lazy-eviction", "no"},
      {"lazyfree-lazy-expire", "no"},
      {"lazyfree-lazy-server-del", "no"},
      {"lazyfree-lazy-user-del", "no"},
      {"lazyfree-lazy-user-flush", "no"},
      {"replica-lazy-flush", "no"},
      {"active-expire-effort", "1"},
      {"tracking-table-max-keys", "1000000"},
      {"slowlog-log-slower-than", "10000"},
      {"slowlog-max-len", "128"},
      {"latency-monitor-threshold", "0"},
      {"latency-tracking", "yes"},
      {"latency-tracking-info-percentiles", "50 99 99.9"},
      {"busy-reply-threshold", "5000"},
      {"lua-time-limit", "5000"},
      {"protected-mode", "yes"},
      {"always-show-logo", "no"},
      {"enable-debug-command", "no"},
      {"enable-protected-configs", "no"},
      {"enable-module-command", "no"},
      {"list-max-listpack-size", "-2"},
      {"list-compress-depth", "0"},
      {"list-max-ziplist-size", "-2"},
      {"hash-max-listpack-entries", "512"},
      {"hash-max-ziplist-entries", "512"},
      {"hash-max-listpack-value", "64"},
      {"hash-max-ziplist-value", "64"},
      {"set-max-intset-entries", "512"},
      {"zset-max-listpack-entries", "128"},
      {"zset-max-ziplist-entries", "128"},
      {"zset-max-listpack-value", "64"},
      {"zset-max-ziplist-value", "64"},
      {"stream-node-max-bytes", "4096"},
      {"stream-node-max-entries", "100"},
      {"hll-sparse-max-bytes", "3000"},
      {"notify-keyspace-events", ""},
      {"supervised", "no"},
      {"syslog-enabled", "no"},
      {"syslog-ident", "fkvs"},
      {"syslog-facility", "local0"},
      {"shutdown-timeout", "10"},
  };
  for (const auto& [name, value] : expected) {
    CAPTURE(name);
    CHECK(values[name] == value);
  }
}

TEST_CASE("CONFIG GET * lists Redis 7.0's options, no more, no fewer") {
  const std::set<std::string> redis_names{"acl-pubsub-default",
                                          "aclfile",
                                          "acllog-max-len",
                                          "active-defrag-cycle-max",
                                          "active-defrag-cycle-min",
                                          "active-defrag-ignore-bytes",
                                          "active-defrag-max-scan-fields",
                                          "active-defrag-threshold-lower",
                                          "active-defrag-threshold-upper",
                                          "active-expire-effort",
                                          "activedefrag",
                                          "activerehashing",
                                          "always-show-logo",
                                          "aof-disable-auto-gc",
                                          "aof-load-truncated",
                                          "aof-rewrite-incremental-fsync",
                                          "aof-timestamp-enabled",
                                          "aof-use-rdb-preamble",
                                          "aof_rewrite_cpulist",
                                          "appenddirname",
                                          "appendfilename",
                                          "appendfsync",
                                          "appendonly",
                                          "auto-aof-rewrite-min-size",
                                          "auto-aof-rewrite-percentage",
                                          "bgsave_cpulist",
                                          "bind",
                                          "bind-source-addr",
                                          "bio_cpulist",
                                          "busy-reply-threshold",
                                          "client-output-buffer-limit",
                                          "client-query-buffer-limit",
                                          "cluster-allow-pubsubshard-when-down",
                                          "cluster-allow-reads-when-down",
                                          "cluster-allow-replica-migration",
                                          "cluster-announce-bus-port",
                                          "cluster-announce-hostname",
                                          "cluster-announce-ip",
                                          "cluster-announce-port",
                                          "cluster-announce-tls-port",
                                          "cluster-config-file",
                                          "cluster-enabled",
                                          "cluster-link-sendbuf-limit",
                                          "cluster-migration-barrier",
                                          "cluster-node-timeout",
                                          "cluster-port",
                                          "cluster-preferred-endpoint-type",
                                          "cluster-replica-no-failover",
                                          "cluster-replica-validity-factor",
                                          "cluster-require-full-coverage",
                                          "cluster-slave-no-failover",
                                          "cluster-slave-validity-factor",
                                          "crash-log-enabled",
                                          "crash-memcheck-enabled",
                                          "daemonize",
                                          "databases",
                                          "dbfilename",
                                          "dir",
                                          "disable-thp",
                                          "dynamic-hz",
                                          "enable-debug-command",
                                          "enable-module-command",
                                          "enable-protected-configs",
                                          "hash-max-listpack-entries",
                                          "hash-max-listpack-value",
                                          "hash-max-ziplist-entries",
                                          "hash-max-ziplist-value",
                                          "hll-sparse-max-bytes",
                                          "hz",
                                          "ignore-warnings",
                                          "io-threads",
                                          "io-threads-do-reads",
                                          "jemalloc-bg-thread",
                                          "latency-monitor-threshold",
                                          "latency-tracking",
                                          "latency-tracking-info-percentiles",
                                          "lazyfree-lazy-eviction",
                                          "lazyfree-lazy-expire",
                                          "lazyfree-lazy-server-del",
                                          "lazyfree-lazy-user-del",
                                          "lazyfree-lazy-user-flush",
                                          "lfu-decay-time",
                                          "lfu-log-factor",
                                          "list-compress-depth",
                                          "list-max-listpack-size",
                                          "list-max-ziplist-size",
                                          "logfile",
                                          "loglevel",
                                          "lua-time-limit",
                                          "masterauth",
                                          "masteruser",
                                          "maxclients",
                                          "maxmemory",
                                          "maxmemory-clients",
                                          "maxmemory-eviction-tenacity",
                                          "maxmemory-policy",
                                          "maxmemory-samples",
                                          "min-replicas-max-lag",
                                          "min-replicas-to-write",
                                          "min-slaves-max-lag",
                                          "min-slaves-to-write",
                                          "no-appendfsync-on-rewrite",
                                          "notify-keyspace-events",
                                          "oom-score-adj",
                                          "oom-score-adj-values",
                                          "pidfile",
                                          "port",
                                          "proc-title-template",
                                          "propagation-error-behavior",
                                          "protected-mode",
                                          "proto-max-bulk-len",
                                          "rdb-del-sync-files",
                                          "rdb-save-incremental-fsync",
                                          "rdbchecksum",
                                          "rdbcompression",
                                          "repl-backlog-size",
                                          "repl-backlog-ttl",
                                          "repl-disable-tcp-nodelay",
                                          "repl-diskless-load",
                                          "repl-diskless-sync",
                                          "repl-diskless-sync-delay",
                                          "repl-diskless-sync-max-replicas",
                                          "repl-ping-replica-period",
                                          "repl-ping-slave-period",
                                          "repl-timeout",
                                          "replica-announce-ip",
                                          "replica-announce-port",
                                          "replica-announced",
                                          "replica-ignore-disk-write-errors",
                                          "replica-ignore-maxmemory",
                                          "replica-lazy-flush",
                                          "replica-priority",
                                          "replica-read-only",
                                          "replica-serve-stale-data",
                                          "replicaof",
                                          "requirepass",
                                          "sanitize-dump-payload",
                                          "save",
                                          "server_cpulist",
                                          "set-max-intset-entries",
                                          "set-proc-title",
                                          "shutdown-on-sigint",
                                          "shutdown-on-sigterm",
                                          "shutdown-timeout",
                                          "slave-announce-ip",
                                          "slave-announce-port",
                                          "slave-ignore-maxmemory",
                                          "slave-lazy-flush",
                                          "slave-priority",
                                          "slave-read-only",
                                          "slave-serve-stale-data",
                                          "slaveof",
                                          "slowlog-log-slower-than",
                                          "slowlog-max-len",
                                          "socket-mark-id",
                                          "stop-writes-on-bgsave-error",
                                          "stream-node-max-bytes",
                                          "stream-node-max-entries",
                                          "supervised",
                                          "syslog-enabled",
                                          "syslog-facility",
                                          "syslog-ident",
                                          "tcp-backlog",
                                          "tcp-keepalive",
                                          "timeout",
                                          "tls-auth-clients",
                                          "tls-ca-cert-dir",
                                          "tls-ca-cert-file",
                                          "tls-cert-file",
                                          "tls-ciphers",
                                          "tls-ciphersuites",
                                          "tls-client-cert-file",
                                          "tls-client-key-file",
                                          "tls-client-key-file-pass",
                                          "tls-cluster",
                                          "tls-dh-params-file",
                                          "tls-key-file",
                                          "tls-key-file-pass",
                                          "tls-port",
                                          "tls-prefer-server-ciphers",
                                          "tls-protocols",
                                          "tls-replication",
                                          "tls-session-cache-size",
                                          "tls-session-cache-timeout",
                                          "tls-session-caching",
                                          "tracking-table-max-keys",
                                          "unixsocket",
                                          "unixsocketperm",
                                          "zset-max-listpack-entries",
                                          "zset-max-listpack-value",
                                          "zset-max-ziplist-entries",
                                          "zset-max-ziplist-value"};
  std::set<std::string> names;
  for (const auto& [name, value] : Config().get("*")) names.insert(name);
  CHECK(names == redis_names);
}

TEST_CASE("config: hidden options answer by name only; fkvs's own io-backend is one") {
  const Config config;
  for (std::string_view name : {"io-backend", "rdb-key-save-delay", "key-load-delay",
                                "loading-process-events-interval-bytes"}) {
    CAPTURE(name);
    CHECK(config.get(name).size() == 1);
    for (const auto& [shown, value] : config.get("*")) CHECK(shown != name);
  }
  CHECK(config.get("io-backend")[0].second == FKVS_DEFAULT_IO_BACKEND);
  CHECK(config.get("loading-process-events-interval-bytes")[0].second == "2097152");
}

TEST_CASE("config: Redis's options for what fkvs lacks are kept, checked, and inert") {
  Config config;
  CHECK(config.set("repl-backlog-size", "10mb") == std::nullopt);
  CHECK(config.get("repl-backlog-size")[0].second == "10485760");
  CHECK(config.set("slave-priority", "7") == std::nullopt);  // an alias
  CHECK(config.get("replica-priority")[0].second == "7");
  CHECK(config.set("shutdown-on-sigint", "NOSAVE now") == std::nullopt);
  CHECK(config.get("shutdown-on-sigint")[0].second == "nosave now");
  CHECK(config.set("repl-timeout", "0") ==
        set_failed("repl-timeout", "argument must be between 1 and 2147483647 inclusive"));
  CHECK(config.set("oom-score-adj-values", "0 200") ==
        set_failed("oom-score-adj-values", "wrong number of arguments"));
  CHECK(config.set("cluster-announce-hostname", "a_b") ==
        set_failed("cluster-announce-hostname",
                   "Hostnames may only contain alphanumeric characters, hyphens or dots"));
  CHECK(config.set("replicaof", "no one") == set_failed("replicaof", "can't set immutable config"));
  // What would need a feature fkvs lacks is refused, not ignored.
  CHECK(config.set("tls-port", "6380") == set_failed("tls-port", "fkvs has no TLS yet"));
  CHECK(config.set("tls-port", "0") == std::nullopt);
}

TEST_CASE("config: a file sets options of every type") {
  TempDir dir;
  const Config config = from_text(
      "# a comment\n"
      "\n"
      "   PORT 7000   \r\n"
      "bind 10.0.0.1 -::1 \"*\"\n"
      "unixsocket /tmp/fkvs.sock\n"
      "unixsocketperm 0755\n"
      "maxclients 42\n"
      "timeout 30\n"
      "requirepass 's3cr3t \"quoted\"'\n"
      "databases 4\n"
      "loglevel WARNING\n"
      "logfile \"\"\n"
      "hz 1000\n"
      "proto-max-bulk-len 2mb\n"
      "client-output-buffer-limit pubsub 1kb 2k 3 slave 0 0 0\n"
      "io-backend epoll\n"
      "daemonize no\n"
      "dir " +
      dir.path() +
      "\n"
      "dbfilename snapshot.rdb\n"
      "save 3600 1\n"
      "save 300 100 60 10000\n"
      "appendonly Yes\n"
      "maxmemory 1GB\n"
      "maxmemory-policy allkeys-lru\n"
      "active-expire-effort 10\n"
      "protected-mode no\n"
      "always-show-logo yes\n");
  CHECK(config.port == 7000);
  CHECK(config.bind == std::vector<std::string>{"10.0.0.1", "-::1", "*"});
  CHECK(config.unixsocket == "/tmp/fkvs.sock");
  CHECK(config.unixsocketperm == 0755);
  CHECK(config.maxclients == 42);
  CHECK(config.timeout == 30);
  CHECK(config.requirepass == "s3cr3t \"quoted\"");
  CHECK(config.databases == 4);
  CHECK(config.loglevel == "warning");
  CHECK(config.logfile.empty());
  CHECK(config.hz == 500);  // clamped, as Redis does
  CHECK(config.proto_max_bulk_len == 2 * 1024 * 1024);
  CHECK(config.client_output_buffer_limit[fkvs::kPubsubClients].hard_bytes == 1024);
  CHECK(config.client_output_buffer_limit[fkvs::kPubsubClients].soft_bytes == 2000);
  CHECK(config.client_output_buffer_limit[fkvs::kPubsubClients].soft_seconds == 3);
  CHECK(config.client_output_buffer_limit[fkvs::kReplicaClients].hard_bytes == 0);
  CHECK(config.io_backend == "epoll");
  CHECK(config.dir == std::filesystem::canonical(dir.path()).string());
  CHECK(config.dbfilename == "snapshot.rdb");
  CHECK(config.save ==
        std::vector<fkvs::SavePoint>{{3600, 1}, {300, 100}, {60, 10000}});  // lines add up
  CHECK(config.appendonly);
  CHECK(config.maxmemory == 1024 * 1024 * 1024);
  CHECK(config.maxmemory_policy == "allkeys-lru");
  CHECK(config.active_expire_effort == 10);
  CHECK_FALSE(config.protected_mode);
  CHECK(config.always_show_logo);
  CHECK(get_one(config, "unixsocketperm") == "755");
  CHECK(get_one(config, "client-output-buffer-limit") ==
        "normal 0 0 0 slave 0 0 0 pubsub 1024 2000 3");
  CHECK(get_one(config, "save") == "3600 1 300 100 60 10000");
}

TEST_CASE("config: errors name the file, the line number, the line and the reason") {
  CHECK(error_from_text("# comment\n\nport abc\n") ==
        "*** FATAL CONFIG FILE ERROR (fkvs " FKVS_VERSION
        ") ***\n"
        "Reading the configuration file test.conf, at line 3\n"
        ">>> 'port abc'\n"
        "argument couldn't be parsed into an integer");
  // The line is shown trimmed, as Redis shows it.
  CHECK(
      error_from_text("port 1\n  loglevel   loud \n").find("at line 2\n>>> 'loglevel   loud'\n") !=
      std::string::npos);
}

TEST_CASE("config: each kind of bad value is refused in Redis's words") {
  CHECK(reason_for("foo bar") == "Bad directive or wrong number of arguments");
  CHECK(reason_for("include") == "Bad directive or wrong number of arguments");
  CHECK(reason_for("port") == "wrong number of arguments");
  CHECK(reason_for("port 1 2") == "wrong number of arguments");
  CHECK(reason_for("port 01") == "argument couldn't be parsed into an integer");
  CHECK(reason_for("port +1") == "argument couldn't be parsed into an integer");
  CHECK(reason_for("port 70000") == "argument must be between 0 and 65535 inclusive");
  CHECK(reason_for("timeout -1") == "argument must be between 0 and 2147483647 inclusive");
  CHECK(reason_for("maxclients 0") == "argument must be between 1 and 4294967295 inclusive");
  CHECK(reason_for("active-expire-effort 11") == "argument must be between 1 and 10 inclusive");
  CHECK(reason_for("databases 0") == "argument must be between 1 and 2147483647 inclusive");
  CHECK(reason_for("appendonly maybe") == "argument must be 'yes' or 'no'");
  CHECK(reason_for("protected-mode 1") == "argument must be 'yes' or 'no'");
  CHECK(reason_for("loglevel loud") ==
        "argument(s) must be one of the following: debug, verbose, notice, warning, nothing");
  CHECK(reason_for("maxmemory-policy lru") ==
        "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
        "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
  CHECK(reason_for("io-backend poll") ==
        "argument(s) must be one of the following: auto, epoll, uring, kqueue");
  CHECK(reason_for("maxmemory 1zz") == "argument must be a memory value");
  CHECK(reason_for("proto-max-bulk-len 1k") ==
        "argument must be between 1048576 and 9223372036854775807 inclusive");
  CHECK(reason_for("unixsocketperm 8") == "argument couldn't be parsed as an octal number");
  CHECK(reason_for("unixsocketperm 1777") == "argument must be between 0 and 777 inclusive");
  CHECK(reason_for("save 100") == "Invalid save parameters");
  CHECK(reason_for("save 0 1") == "Invalid save parameters");
  CHECK(reason_for("save 10 x") == "Invalid save parameters");
  CHECK(reason_for("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17") ==
        "Too many bind addresses specified.");
  CHECK(reason_for("client-output-buffer-limit normal 1 2") ==
        "Wrong number of arguments in buffer limit configuration.");
  CHECK(reason_for("client-output-buffer-limit master 1 2 3") ==
        "Invalid client class specified in buffer limit configuration.");
  CHECK(reason_for("client-output-buffer-limit normal 1 2 -3") ==
        "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  CHECK(reason_for("dbfilename a/b.rdb") == "dbfilename can't be a path, just a filename");
  CHECK(reason_for("dir /nonexistent/fkvs") == "No such file or directory");
  CHECK(reason_for("port \"7000\"x") == "Unbalanced quotes in configuration line");
  CHECK(reason_for("requirepass 'abc") == "Unbalanced quotes in configuration line");
  CHECK(reason_for("supervised sometimes") ==
        "argument(s) must be one of the following: no, upstart, systemd, auto");
  CHECK(reason_for("syslog-facility local8") ==
        "argument(s) must be one of the following: user, local0, local1, local2, local3, local4, "
        "local5, local6, local7");
  CHECK(reason_for("daemonize perhaps") == "argument must be 'yes' or 'no'");
}

TEST_CASE("config: memory sizes take Redis's units") {
  const auto maxmemory = [](const std::string& value) {
    return from_text("maxmemory " + value + "\n").maxmemory;
  };
  CHECK(maxmemory("0") == 0);
  CHECK(maxmemory("123") == 123);
  CHECK(maxmemory("1b") == 1);
  CHECK(maxmemory("1k") == 1000);
  CHECK(maxmemory("1K") == 1000);
  CHECK(maxmemory("1kb") == 1024);
  CHECK(maxmemory("1kB") == 1024);
  CHECK(maxmemory("3m") == 3000000);
  CHECK(maxmemory("3mb") == 3 * 1024 * 1024);
  CHECK(maxmemory("2g") == 2000000000);
  CHECK(maxmemory("2Gb") == 2ull * 1024 * 1024 * 1024);
  CHECK(maxmemory("01") == 1);
  CHECK(maxmemory("k") == 0);
  CHECK(maxmemory("18446744073709551615") == UINT64_MAX);
  CHECK(maxmemory("99999999999999999999") == UINT64_MAX);  // saturates
  CHECK(maxmemory("18014398509481984kb") == 0);            // and wraps, as redis-server
  const std::string digits_128(128, '1');
  for (const char* bad : {"-1", "+1", "1.5gb", "1t", "1kbb", "1 kb", "1e3", digits_128.c_str()}) {
    CAPTURE(bad);
    CHECK(reason_for(std::string("maxmemory \"") + bad + "\"") ==
          "argument must be a memory value");
  }
}

TEST_CASE("config: lines are split with Redis's quoting rules") {
  const auto password = [](const std::string& value) {
    return from_text("requirepass " + value + "\n").requirepass;
  };
  CHECK(password("plain") == "plain");
  CHECK(password("\"with space\"") == "with space");
  CHECK(password("'single \"inner\"'") == "single \"inner\"");
  CHECK(password("'it\\'s'") == "it's");
  CHECK(password("'no \\n escape'") == "no \\n escape");
  CHECK(password("\"tab\\there\"") == "tab\there");
  CHECK(password("\"\\x41\\x4a\\q\\\"\"") == "AJq\"");
  CHECK(password("\"\\x4\"") == "x4");    // not two hex digits: the \ escapes the x
  CHECK(password("a\"b c\"") == "ab c");  // a quote may open mid-argument
  CHECK(password("\"\"") == "");
  CHECK(reason_for("requirepass \"a\"b") == "Unbalanced quotes in configuration line");
  CHECK(reason_for("requirepass \"abc\\\"") == "Unbalanced quotes in configuration line");
  CHECK(reason_for("requirepass ab\\\"c") == "Unbalanced quotes in configuration line");
  CHECK(reason_for("requirepass a b") == "wrong number of arguments");
  CHECK(reason_for("port 6379 # no trailing comments") == "wrong number of arguments");
  // A line of \v or \f is blank to Redis too (the fuzzer's first find: it read
  // the name of an empty line).
  CHECK(from_text("port 7000\n\v\n\f \v\n").port == 7000);
}

TEST_CASE("config: a list option in one argument is split as a line is") {
  using fkvs::SavePoint;
  const auto save = [](const std::string& value) { return from_text("save " + value + "\n").save; };
  CHECK(save("\"3600 1  300 100\"") == std::vector<SavePoint>{{3600, 1}, {300, 100}});
  CHECK(save("\" 3600 1\"") == std::vector<SavePoint>{{3600, 1}});
  CHECK(save("\"'3600' 1\"") == std::vector<SavePoint>{{3600, 1}});
  CHECK(save("\"'3600 1\"").empty());  // unbalanced inside: no save points, as in Redis
  CHECK(from_text("bind \"127.0.0.1  -::1\"\n").bind ==
        std::vector<std::string>{"127.0.0.1", "-::1"});
  CHECK(from_text("client-output-buffer-limit \"normal  1 2 3\"\n")
            .client_output_buffer_limit[fkvs::kNormalClients]
            .soft_seconds == 3);
}

TEST_CASE("config: include reads another file in place") {
  TempDir dir;
  const std::string inner = dir.write("inner.conf", "port 7001\ntimeout 9\n");
  const std::string outer =
      dir.write("outer.conf", "port 7000\ninclude " + inner + "\nport 7002\n");
  Config config;
  fkvs::apply_config_file(config, outer);
  CHECK(config.port == 7002);
  CHECK(config.timeout == 9);

  const std::string bad_inner = dir.write("bad.conf", "\nhz x\n");
  const std::string bad_outer = dir.write("bad_outer.conf", "include " + bad_inner + "\n");
  CHECK(error_from_file(bad_outer).find("file " + bad_inner + ", at line 2\n>>> 'hz x'") !=
        std::string::npos);
  CHECK(error_from_text("include /nonexistent/fkvs.conf\n") ==
        "Fatal error, can't open config file '/nonexistent/fkvs.conf': No such file or "
        "directory");

  const std::string loop = dir.write("loop.conf", "include " + dir.path() + "/loop.conf\n");
  CHECK(error_from_file(loop).ends_with("include nesting is too deep"));
}

TEST_CASE("command line: options override the file, and take several arguments") {
  TempDir dir;
  const std::string file = dir.write("fkvs.conf", "port 7000\ntimeout 5\nsave 100 1\n");
  const Config config =
      fkvs::load_config({file, "--port", "7001", "--save", "", "--bind", "::1", "127.0.0.1"});
  CHECK(config.port == 7001);
  CHECK(config.timeout == 5);
  CHECK(config.save.empty());
  CHECK(config.bind == std::vector<std::string>{"::1", "127.0.0.1"});
  CHECK(config.config_file == std::filesystem::absolute(file).string());

  const Config with_flag = fkvs::load_config({"-c", file, "--timeout", "6"});
  CHECK(with_flag.port == 7000);
  CHECK(with_flag.timeout == 6);
}

TEST_CASE("command line: save lines add up and a bare --save clears them") {
  CHECK(fkvs::load_config({"--save", "900", "1", "--save", "300", "10"}).save ==
        std::vector<fkvs::SavePoint>{{900, 1}, {300, 10}});
  CHECK(fkvs::load_config({"--save", "900", "1", "--save", "--port", "7000"}).save.empty());
  // One quoted word is split at its spaces, as redis-server splits it.
  CHECK(fkvs::load_config({"--save", "3600 1 300 100"}).save ==
        std::vector<fkvs::SavePoint>{{3600, 1}, {300, 100}});
  CHECK(fkvs::load_config({"--bind", "127.0.0.1 ::1"}).bind ==
        std::vector<std::string>{"127.0.0.1", "::1"});
  const Config config = fkvs::load_config({"--save", "", "--port", "7000"});
  CHECK(config.save.empty());
  CHECK(config.port == 7000);
  CHECK(config.config_file.empty());
}

TEST_CASE("command line: version, help and errors") {
  CHECK(fkvs::load_config({"-v"}).show_version);
  CHECK(fkvs::load_config({"--version"}).show_version);
  CHECK(fkvs::load_config({"-h"}).show_help);
  CHECK(fkvs::load_config({"--help"}).show_help);
  CHECK_FALSE(fkvs::load_config({}).show_help);
  CHECK(fkvs::version_text().starts_with("fkvs server v=" FKVS_VERSION " "));
  CHECK(fkvs::usage_text().find("--port 7777") != std::string::npos);

  CHECK(error_from_args({"--port", "abc"}) == "*** FATAL CONFIG FILE ERROR (fkvs " FKVS_VERSION
                                              ") ***\n"
                                              "Reading the command line\n"
                                              ">>> '--port abc'\n"
                                              "argument couldn't be parsed into an integer");
  CHECK(error_from_args({"--port", "7000", "extra"}).ends_with("wrong number of arguments"));
  CHECK(error_from_args({"--nosuch", "1"}).ends_with("Bad directive or wrong number of arguments"));
  CHECK(error_from_args({"-x"}).find(">>> '-x'") != std::string::npos);
  CHECK(error_from_args({"/nonexistent/fkvs.conf"}) ==
        "Fatal error, can't open config file '/nonexistent/fkvs.conf': No such file or "
        "directory");
}

TEST_CASE("CONFIG GET: glob patterns match names without case, once each") {
  const Config config;
  const auto names = [&](std::vector<std::string_view> patterns) {
    std::vector<std::string> out;
    for (const auto& [name, value] : config.get(patterns)) out.push_back(name);
    return out;
  };
  CHECK(names({"maxmemory*"}) ==
        std::vector<std::string>{"maxmemory", "maxmemory-policy", "maxmemory-samples",
                                 "maxmemory-eviction-tenacity", "maxmemory-clients"});
  CHECK(names({"P*RT"}) == std::vector<std::string>{"port"});
  CHECK(names({"*keepalive*", "tcp-keepalive", "TCP-KEEPALIVE"}) ==
        std::vector<std::string>{"tcp-keepalive"});
  CHECK(names({"PORT", "p?rt"}) == std::vector<std::string>{"PORT"});  // a plain name is echoed
  CHECK(names({"nosuch", "nosuch*"}).empty());
  CHECK(names({"t[a-c]p-*"}) == std::vector<std::string>{"tcp-keepalive", "tcp-backlog"});
  // Redis 7.0's 192 names: options, and the ziplist and slave aliases of some.
  CHECK(config.get("*").size() == 192);
}

TEST_CASE("CONFIG SET: values are checked and stored as Redis would") {
  Config config;
  CHECK(config.set("port", "7000") == std::nullopt);
  CHECK(config.port == 7000);
  CHECK(config.set("MaxMemory", "2mb") == std::nullopt);
  CHECK(get_one(config, "maxmemory") == "2097152");
  CHECK(config.set("hz", "0") == std::nullopt);
  CHECK(config.hz == 1);
  CHECK(config.set("loglevel", "DEBUG") == std::nullopt);
  CHECK(config.loglevel == "debug");
  CHECK(config.set("bind", "") == std::nullopt);
  CHECK(config.bind.empty());
  CHECK(config.set("bind", "127.0.0.1 -::1") == std::nullopt);
  CHECK(config.bind == std::vector<std::string>{"127.0.0.1", "-::1"});

  CHECK(config.set("save", "3600 1 300 100") == std::nullopt);
  CHECK(config.set("save", "60 5") == std::nullopt);  // replaces, unlike the file
  CHECK(config.save == std::vector<fkvs::SavePoint>{{60, 5}});
  CHECK(config.set("save", "1 ") == std::nullopt);  // "" after a space is 0 changes, as Redis
  CHECK(get_one(config, "save") == "1 0");
  CHECK(config.set("save", "3600 1  300 100") == set_failed("save", "Invalid save parameters"));
  CHECK(config.set("save", "") == std::nullopt);
  CHECK(config.save.empty());

  CHECK(config.set("client-output-buffer-limit", "NORMAL 1kb 2mb 3 replica 1 2 3") == std::nullopt);
  CHECK(get_one(config, "client-output-buffer-limit") ==
        "normal 1024 2097152 3 slave 1 2 3 pubsub 33554432 8388608 60");
  CHECK(config.set("client-output-buffer-limit", "normal  1 2 3") ==
        set_failed("client-output-buffer-limit",
                   "Wrong number of arguments in buffer limit configuration."));

  CHECK(config.set("port", "abc") ==
        set_failed("port", "argument couldn't be parsed into an integer"));
  CHECK(config.set("PORT", "70000") ==
        set_failed("PORT", "argument must be between 0 and 65535 inclusive"));
  CHECK(config.set("appendonly", "maybe") ==
        set_failed("appendonly", "argument must be 'yes' or 'no'"));
  CHECK(config.set("proto-max-bulk-len", "18446744073709551615") ==
        set_failed("proto-max-bulk-len",
                   "argument must be between 1048576 and 9223372036854775807 inclusive"));
  CHECK(config.port == 7000);
}

TEST_CASE("CONFIG SET: unknown, immutable, protected and duplicate options are refused") {
  Config config;
  CHECK(config.set("foo", "bar") ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  for (const char* name :
       {"databases", "daemonize", "unixsocket", "unixsocketperm", "io-backend", "tcp-backlog",
        "logfile", "pidfile", "always-show-logo", "enable-debug-command",
        "enable-protected-configs", "enable-module-command"}) {
    CAPTURE(name);
    CHECK(config.set(name, "x") == set_failed(name, "can't set immutable config"));
  }
  CHECK(config.set("dir", "/tmp") == set_failed("dir", "can't set protected config"));
  CHECK(config.set("dbfilename", "x.rdb") ==
        set_failed("dbfilename", "can't set protected config"));
  // Where enable-protected-configs lets the client in, the server says so.
  CHECK(config.set("dbfilename", "x.rdb", /*protected_allowed=*/true) == std::nullopt);
  CHECK(config.dbfilename == "x.rdb");

  using Change = std::pair<std::string_view, std::string_view>;
  const std::vector<Change> duplicate = {{"timeout", "5"}, {"TIMEOUT", "6"}};
  CHECK(config.set(duplicate) == set_failed("TIMEOUT", "duplicate parameter"));
  CHECK(config.timeout == 0);
}

TEST_CASE("enable-debug-command and its kin: no, yes or local, for local clients only") {
  const Config defaults;
  CHECK(defaults.enable_debug_command == "no");
  CHECK(defaults.enable_protected_configs == "no");
  CHECK(defaults.enable_module_command == "no");
  const Config config = from_text(
      "enable-debug-command local\nenable-protected-configs YES\nenable-module-command no\n");
  CHECK(config.get("enable-*") ==
        std::vector<std::pair<std::string, std::string>>{{"enable-debug-command", "local"},
                                                         {"enable-protected-configs", "yes"},
                                                         {"enable-module-command", "no"}});
  CHECK(reason_for("enable-debug-command maybe") ==
        "argument(s) must be one of the following: no, yes, local");
  CHECK_FALSE(fkvs::allows_protected_action("no", true));
  CHECK(fkvs::allows_protected_action("yes", false));
  CHECK(fkvs::allows_protected_action("local", true));
  CHECK_FALSE(fkvs::allows_protected_action("local", false));
}

TEST_CASE("CONFIG SET: several options change together or not at all") {
  Config config;
  using Change = std::pair<std::string_view, std::string_view>;
  const std::vector<Change> good = {{"timeout", "5"}, {"maxclients", "7"}};
  CHECK(config.set(good) == std::nullopt);
  CHECK(config.timeout == 5);
  CHECK(config.maxclients == 7);

  const std::vector<Change> bad = {{"timeout", "6"}, {"save", "10 1"}, {"port", "x"}};
  CHECK(config.set(bad) == set_failed("port", "argument couldn't be parsed into an integer"));
  CHECK(config.timeout == 5);
  CHECK(config.save == Config().save);
}

TEST_CASE("CONFIG SET: change handlers run for real changes, and may veto them") {
  Config config;
  std::vector<std::string> calls;
  config.on_change("timeout", [&] {
    calls.push_back("timeout=" + std::to_string(config.timeout));
    return std::optional<std::string>();
  });
  config.on_change("PORT", [&]() -> std::optional<std::string> {
    calls.push_back("port=" + std::to_string(config.port));
    if (config.port == 1) return "Unable to listen on this port. Check server logs.";
    return std::nullopt;
  });
  CHECK_THROWS_AS(config.on_change("nosuch", [] { return std::optional<std::string>(); }),
                  std::invalid_argument);

  CHECK(config.set("timeout", "10") == std::nullopt);
  CHECK(config.set("timeout", "10") == std::nullopt);    // unchanged: no call
  CHECK(config.set("maxclients", "5") == std::nullopt);  // no handler
  CHECK(calls == std::vector<std::string>{"timeout=10"});

  calls.clear();
  using Change = std::pair<std::string_view, std::string_view>;
  const std::vector<Change> vetoed = {{"timeout", "20"}, {"port", "1"}};
  CHECK(config.set(vetoed) ==
        set_failed("port", "Unable to listen on this port. Check server logs."));
  CHECK(config.timeout == 10);
  CHECK(config.port == 6379);
  // Applied in order, then undone: each handler sees the old value come back.
  CHECK(calls == std::vector<std::string>{"timeout=20", "port=1", "timeout=10", "port=6379"});
}

TEST_CASE("config: the first save line of a file replaces the default save points") {
  CHECK(from_text("port 7000\n").save ==
        std::vector<fkvs::SavePoint>{{3600, 1}, {300, 100}, {60, 10000}});
  CHECK(from_text("save 10 1\n").save == std::vector<fkvs::SavePoint>{{10, 1}});
  CHECK(from_text("save 10 1\nsave 20 2\n").save == std::vector<fkvs::SavePoint>{{10, 1}, {20, 2}});
  CHECK(from_text("save \"\"\n").save.empty());
  CHECK(from_text("save \"\"\nsave 30 3\n").save == std::vector<fkvs::SavePoint>{{30, 3}});
}
