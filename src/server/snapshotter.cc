#include "server/snapshotter.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "fkvs_build_config.h"
#include "persistence/durable_file.h"
#include "persistence/mapped_file.h"
#include "persistence/rdb_image.h"
#include "scripting/script_runner.h"
#include "server/child_process.h"
#include "server/info.h"
#include "server/server.h"
#include "util/clock.h"

namespace fkvs {

namespace {

// After a failed background save, the save points try again only after this
// many seconds (a BGSAVE command may try at any time).
constexpr int64_t kRetryDelaySeconds = 5;

int64_t now_unix() { return clock::now_ms() / 1000; }

}  // namespace

Snapshotter::~Snapshotter() { kill_child(); }

std::string Snapshotter::path() const {
  const Config& config = server_.config();
  return (std::filesystem::absolute(config.dir) / config.dbfilename).lexically_normal().string();
}

namespace {

// Writes the whole dataset to path, durably; throws on failure.
void write_snapshot(Server& server, const std::string& path) {
  std::vector<Db*> dbs = server.db_pointers();
  const Config& config = server.config();
  persistence::SnapshotAux aux{FKVS_REDIS_COMPAT_VERSION, now_unix(),
                               static_cast<int64_t>(used_memory()), false,
                               server.scripts().functions().codes()};
  std::function<void()> delay;
  if (config.rdb_key_save_delay > 0) {
    delay = [&config] { ::usleep(static_cast<useconds_t>(config.rdb_key_save_delay)); };
  }
  persistence::replace_file_durably(path, [&](int fd) {
    persistence::RdbWriter writer(fd, config.rdbcompression, config.rdb_save_incremental_fsync);
    persistence::write_rdb_image(writer, dbs, aux, config.rdbchecksum, delay);
  });
}

}  // namespace

void Snapshotter::saved_now() {
  lastsave_unix_ = now_unix();
  last_bgsave_ok_ = true;
  ++saves_;
}

bool Snapshotter::save() {
  try {
    write_snapshot(server_, path());
  } catch (const std::exception& error) {
    spdlog::warn("Failed saving the DB: {}", error.what());
    return false;
  }
  spdlog::info("DB saved on disk");
  server_.reset_dirty(0);
  saved_now();
  return true;
}

std::string Snapshotter::background_save() {
  if (child_running()) return "ERR Background save already in progress";
  if (server_.aof().rewrite_running()) {
    return "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
           "SCHEDULE in order to schedule a BGSAVE whenever possible.";
  }
  last_bgsave_try_unix_ = now_unix();
  const std::string target = path();
  pid_t pid = -1;
  try {
    pid = fork_child(
        [&] {
          write_snapshot(server_, target);
          spdlog::info("DB saved on disk");
        },
        "Failed saving the DB");
  } catch (const std::system_error& error) {
    last_bgsave_ok_ = false;
    spdlog::warn("Can't save in background: {}", error.what());
    return std::string("ERR Can't save in background: ") + error.what();
  }
  server_.note_latency("fork", fork_stats().latest_fork_us);
  child_pid_ = pid;
  child_start_ms_ = clock::now_ms();
  dirty_before_child_ = server_.dirty();
  spdlog::info("Background saving started by pid {}", pid);
  return {};
}

void Snapshotter::kill_child() {
  if (!child_running()) return;
  ::kill(child_pid_, SIGUSR1);
  int status = 0;
  while (::waitpid(child_pid_, &status, 0) < 0 && errno == EINTR) {
  }
  take_child_cow_bytes(child_pid_);
  remove_temp_file(child_pid_);
  child_pid_ = -1;
}

// The file a child that did not finish was writing (replace_file_durably's name).
void Snapshotter::remove_temp_file(pid_t child) const {
  const Config& config = server_.config();
  const std::string temp = (std::filesystem::path(config.dir) /
                            ("temp-" + std::to_string(child) + "." + config.dbfilename))
                               .string();
  const int64_t started_us = clock::monotonic_us();
  ::unlink(temp.c_str());
  server_.note_latency("rdb-unlink-temp-file", clock::monotonic_us() - started_us);
}

void Snapshotter::child_done(int status) {
  const pid_t child = child_pid_;
  child_pid_ = -1;
  last_bgsave_seconds_ = (clock::now_ms() - child_start_ms_) / 1000;
  const uint64_t copied = take_child_cow_bytes(child);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    last_cow_bytes_ = copied;
    spdlog::info("RDB: {} MB of memory used by copy-on-write", copied / (1024 * 1024));
    spdlog::info("Background saving terminated with success");
    // Writes made while the child saved are still unsaved.
    server_.reset_dirty(server_.dirty() - std::min(server_.dirty(), dirty_before_child_));
    saved_now();
    return;
  }
  if (WIFSIGNALED(status)) {
    spdlog::warn("Background saving terminated by signal {}", WTERMSIG(status));
    remove_temp_file(child);
    // SIGUSR1 is how the server itself stops a save; that is no failure.
    if (WTERMSIG(status) != SIGUSR1) last_bgsave_ok_ = false;
    return;
  }
  spdlog::warn("Background saving error");
  last_bgsave_ok_ = false;
}

int64_t Snapshotter::current_bgsave_seconds() const {
  return child_running() ? (clock::now_ms() - child_start_ms_) / 1000 : -1;
}

void Snapshotter::cron() {
  if (child_running()) {
    int status = 0;
    const pid_t done = ::waitpid(child_pid_, &status, WNOHANG);
    if (done == child_pid_) {
      child_done(status);
    } else if (done < 0 && errno != EINTR) {
      spdlog::warn("waitpid of the background save failed: {}", std::strerror(errno));
      child_pid_ = -1;
      last_bgsave_ok_ = false;
    }
    if (child_running()) return;
  }
  if (server_.aof().rewrite_running()) return;
  if (scheduled_) {
    scheduled_ = false;
    background_save();
    return;
  }
  const int64_t now = now_unix();
  for (const SavePoint& point : server_.config().save) {
    if (server_.dirty() >= static_cast<uint64_t>(point.changes) &&
        now - lastsave_unix_ > point.seconds &&
        (last_bgsave_ok_ || now - last_bgsave_try_unix_ > kRetryDelaySeconds)) {
      spdlog::info("{} changes in {} seconds. Saving...", point.changes, point.seconds);
      background_save();
      return;
    }
  }
}

bool Snapshotter::writes_refused_after_failure() const {
  const Config& config = server_.config();
  return config.stop_writes_on_bgsave_error && !config.save.empty();
}

void Snapshotter::load_at_start() {
  if (::access(path().c_str(), F_OK) != 0) return;
  if (std::string error = load(false); !error.empty()) {
    for (int i = 0; i < server_.db_count(); ++i) server_.db(i).clear();
    throw std::runtime_error(error);
  }
}

std::string Snapshotter::load(bool merge) {
  const std::string file = path();
  const int64_t started_us = clock::monotonic_us();
  std::vector<Db*> dbs = server_.db_pointers();
  persistence::RdbLoadOptions options;
  options.limits = encoding_limits(server_.config());
  options.verify_checksum = server_.config().rdbchecksum;
  options.replace_existing = merge;
  options.now_ms = clock::now_ms();
  persistence::RdbLoadSummary summary;
  try {
    persistence::MappedFile mapped(file);
    summary = persistence::load_rdb_image(mapped.bytes(), dbs, options);
  } catch (const persistence::RdbLoadError& error) {
    return "Can't load the RDB file " + file + " at offset " + std::to_string(error.offset()) +
           ": " + error.reason();
  } catch (const std::system_error& error) {
    return "Can't open the RDB file: " + std::string(error.what());
  }
  // As Redis: a library already loaded is an error, unless merging.
  if (std::string error; !server_.scripts().functions().load_all(
          summary.function_libraries,
          merge ? scripting::JoinPolicy::kReplace : scripting::JoinPolicy::kAppend, error)) {
    return "Can't load the functions of the RDB file " + file + ": " + error;
  }
  if (!summary.checksum_checked && summary.version >= 5 && options.verify_checksum) {
    spdlog::warn("RDB file was saved with checksum disabled: no check performed.");
  }
  last_load_keys_loaded_ = summary.keys_loaded;
  last_load_keys_expired_ = summary.expired_skipped;
  spdlog::info("Done loading RDB, keys loaded: {}, keys expired: {}.", summary.keys_loaded,
               summary.expired_skipped);
  spdlog::info("DB loaded from disk: {:.3f} seconds", (clock::monotonic_us() - started_us) / 1e6);
  return {};
}

}  // namespace fkvs
