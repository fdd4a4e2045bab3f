#include "server/append_only_file.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "fkvs_build_config.h"
#include "net/connection.h"
#include "persistence/aof_base_writer.h"
#include "persistence/aof_reader.h"
#include "persistence/durable_file.h"
#include "persistence/format_error.h"
#include "persistence/mapped_file.h"
#include "persistence/rdb_image.h"
#include "scripting/script_runner.h"
#include "server/child_process.h"
#include "server/info.h"
#include "server/server.h"
#include "util/clock.h"

namespace fkvs {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

void append_bulk(std::string& out, std::string_view bytes) {
  out += '$';
  out += std::to_string(bytes.size());
  out += "\r\n";
  out += bytes;
  out += "\r\n";
}

}  // namespace

AppendOnlyFile::AppendOnlyFile(Server& server) : server_(server) {}

AppendOnlyFile::~AppendOnlyFile() {
  kill_rewrite();
  if (on()) {
    flush();
    if (fd_ >= 0) ::fsync(fd_);
  }
  sync_.stop();
  if (fd_ >= 0) ::close(fd_);
}

std::string AppendOnlyFile::directory() const {
  const Config& config = server_.config();
  return (std::filesystem::absolute(config.dir) / config.appenddirname).lexically_normal().string();
}

std::string AppendOnlyFile::path_in_directory(const std::string& name) const {
  return directory() + "/" + name;
}

// ---- loading ----

void AppendOnlyFile::start_at_boot() {
  const Config& config = server_.config();
  const std::string manifest_path =
      path_in_directory(persistence::AofManifest::manifest_name(config.appendfilename));
  const std::string legacy_path =
      (std::filesystem::absolute(config.dir) / config.appendfilename).lexically_normal().string();
  if (::access(manifest_path.c_str(), F_OK) != 0 && ::access(legacy_path.c_str(), F_OK) == 0) {
    // A single-file AOF of Redis 6 and older becomes the base of the
    // multi-part layout, as Redis 7 upgrades it.
    std::filesystem::create_directories(directory());
    if (::rename(legacy_path.c_str(), path_in_directory(config.appendfilename).c_str()) != 0) {
      throw std::runtime_error("Can't move the old AOF " + legacy_path + " into " + directory() +
                               ": " + std::strerror(errno));
    }
    manifest_ = {};
    manifest_.base = {config.appendfilename, 1, persistence::AofManifest::FileType::kBase};
    write_manifest(manifest_);
    spdlog::info("Successfully migrated an old-style AOF into the AOF directory");
  }
  if (::access(manifest_path.c_str(), F_OK) == 0) {
    try {
      persistence::MappedFile mapped(manifest_path);
      manifest_ = persistence::AofManifest::parse(mapped.bytes());
    } catch (const std::exception& error) {
      throw std::runtime_error("Can't load the AOF manifest " + manifest_path + ": " +
                               error.what());
    }
    const int64_t started_us = clock::monotonic_us();
    load(manifest_);
    server_.reset_dirty(0);  // replaying is not changing
    spdlog::info("DB loaded from append only file: {:.3f} seconds",
                 (clock::monotonic_us() - started_us) / 1e6);
    base_size_ = 0;
    if (manifest_.base) {
      struct stat status {};
      if (::stat(path_in_directory(manifest_.base->name).c_str(), &status) == 0) {
        base_size_ = static_cast<uint64_t>(status.st_size);
      }
    }
    const bool has_incremental = !manifest_.incrementals.empty();
    open_incremental(has_incremental ? manifest_.incrementals.back().seq
                                     : manifest_.next_incremental_seq());
    if (!has_incremental) {
      manifest_.incrementals.push_back(
          {persistence::AofManifest::incremental_name(config.appendfilename, incremental_seq_),
           incremental_seq_, persistence::AofManifest::FileType::kIncremental});
      write_manifest(manifest_);
    }
  } else {
    // No AOF yet: its base is the data held now (none: with appendonly yes
    // the snapshot is not loaded, as in Redis).
    std::filesystem::create_directories(directory());
    manifest_ = {};
    const uint64_t base_seq = manifest_.next_base_seq();
    const bool rdb = config.aof_use_rdb_preamble;
    const std::string base =
        persistence::AofManifest::base_name(config.appendfilename, base_seq, rdb);
    persistence::replace_file_durably(path_in_directory(base),
                                      [&](int fd) { write_base(fd, rdb); });
    manifest_.base = {base, base_seq, persistence::AofManifest::FileType::kBase};
    open_incremental(manifest_.next_incremental_seq());
    manifest_.incrementals.push_back(
        {persistence::AofManifest::incremental_name(config.appendfilename, incremental_seq_),
         incremental_seq_, persistence::AofManifest::FileType::kIncremental});
    write_manifest(manifest_);
    spdlog::info("Creating AOF base file {} on server start", base);
  }
  state_ = State::kOn;
  server_.propagation().add_consumer(this);
}

void AppendOnlyFile::load(const persistence::AofManifest& manifest) {
  std::vector<std::string> files;
  if (manifest.base) files.push_back(manifest.base->name);
  for (const auto& file : manifest.incrementals) files.push_back(file.name);
  std::vector<Db*> dbs = server_.db_pointers();
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string path = path_in_directory(files[i]);
    const bool last_file = i + 1 == files.size();
    if (::access(path.c_str(), F_OK) != 0) {
      // Redis tolerates a missing last incremental file (a crash right
      // after the manifest named it), nothing else.
      if (last_file && i > 0) continue;
      throw std::runtime_error("The AOF file " + path + " named in the manifest doesn't exist");
    }
    std::unique_ptr<persistence::MappedFile> mapped;
    try {
      mapped = std::make_unique<persistence::MappedFile>(path);
    } catch (const std::system_error& error) {
      throw std::runtime_error("Can't open the AOF file " + path + ": " + error.what());
    }
    std::string_view bytes = mapped->bytes();
    size_t offset = 0;
    if (bytes.starts_with("REDIS")) {
      persistence::RdbLoadOptions options;
      options.limits = encoding_limits(server_.config());
      options.verify_checksum = server_.config().rdbchecksum;
      options.drop_expired = false;
      options.now_ms = clock::now_ms();
      try {
        const persistence::RdbLoadSummary summary =
            persistence::load_rdb_image(bytes, dbs, options);
        offset = summary.end_offset;
        std::string error;
        if (!server_.scripts().functions().load_all(summary.function_libraries,
                                                    scripting::JoinPolicy::kAppend, error)) {
          throw std::runtime_error("Can't load the functions of the AOF file " + path + ": " +
                                   error);
        }
      } catch (const persistence::RdbLoadError& error) {
        throw std::runtime_error("Can't load the AOF file " + path + " at offset " +
                                 std::to_string(error.offset()) + ": " + error.reason());
      }
    }
    const size_t end = replay_commands(bytes, offset, path, last_file);
    if (end < bytes.size()) {
      // aof-load-truncated: the cut-short command at the end goes.
      mapped.reset();
      if (::truncate(path.c_str(), static_cast<off_t>(end)) != 0) {
        throw std::runtime_error("Can't truncate the AOF file " + path + ": " +
                                 std::strerror(errno));
      }
      spdlog::warn(
          "AOF {} loaded anyway because aof-load-truncated is enabled; truncated to {} bytes", path,
          end);
    }
  }
}

size_t AppendOnlyFile::replay_commands(std::string_view bytes, size_t offset,
                                       const std::string& file, bool last_file) {
  net::Connection conn(-1, "aof", "aof", false);
  Client client(0, conn, clock::now_ms());
  client.authenticated = true;
  persistence::AofReader reader(bytes, offset);
  server_.set_loading(true);
  struct LoadingEnds {
    Server& server;
    ~LoadingEnds() { server.set_loading(false); }
  } loading_ends{server_};
  const auto fail = [&](size_t at, const std::string& reason) {
    throw std::runtime_error("Bad file format reading the append only file " + file +
                             " at offset " + std::to_string(at) + ": " + reason);
  };
  persistence::AofReader::Step step;
  try {
    while ((step = reader.next()) == persistence::AofReader::Step::kCommand) {
      const std::string_view name = reader.args()[0];
      const Command* command = server_.commands().find(name);
      if (command != nullptr && command->is_container() && reader.args().size() >= 2) {
        command = command->find_subcommand(reader.args()[1]);
      }
      if (command == nullptr) {
        fail(reader.offset(), "unknown command '" + std::string(name.substr(0, 128)) + "'");
      }
      server_.execute(client, reader.args());
      conn.output().clear();
    }
  } catch (const persistence::FormatError& error) {
    fail(reader.offset(), error.what());
  }
  const size_t whole = reader.whole_end();
  if (step == persistence::AofReader::Step::kTruncated || reader.in_transaction()) {
    if (!last_file || !server_.config().aof_load_truncated) {
      fail(whole, reader.in_transaction() ? "a MULTI without its EXEC" : "unexpected end of file");
    }
    if (client.multi.open) server_.end_transaction(client);
    spdlog::warn("!!! Warning: short read while loading the AOF file {}!!!", file);
  }
  return whole;
}

// ---- writing ----

void AppendOnlyFile::write_manifest(const persistence::AofManifest& manifest) {
  const std::string text = manifest.format();
  persistence::replace_file_durably(
      path_in_directory(persistence::AofManifest::manifest_name(server_.config().appendfilename)),
      [&](int fd) {
        if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
          throw_errno("write manifest");
        }
      });
}

void AppendOnlyFile::open_incremental(uint64_t seq) {
  const std::string name =
      persistence::AofManifest::incremental_name(server_.config().appendfilename, seq);
  const std::string path = path_in_directory(name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("open " + path);
  struct stat status {};
  ::fstat(fd, &status);
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  file_size_ = static_cast<uint64_t>(status.st_size);
  selected_db_ = -1;
  last_timestamp_s_ = 0;
  incremental_seq_ = seq;
  current_size_ = base_size_ + static_cast<uint64_t>(status.st_size);
  persistence::sync_directory_of(path);
}

void AppendOnlyFile::write_base(int fd, bool rdb) {
  const Config& config = server_.config();
  std::function<void()> delay;
  if (config.rdb_key_save_delay > 0) {
    delay = [&config] { ::usleep(static_cast<useconds_t>(config.rdb_key_save_delay)); };
  }
  if (!rdb) {
    // aof-use-rdb-preamble no: the data as commands, as Redis writes it.
    if (config.aof_timestamp_enabled) {
      const std::string annotation = "#TS:" + std::to_string(clock::now_s()) + "\r\n";
      if (::write(fd, annotation.data(), annotation.size()) !=
          static_cast<ssize_t>(annotation.size())) {
        throw_errno("write AOF base");
      }
    }
    persistence::write_aof_base(fd, server_.db_pointers(), clock::now_ms(),
                                config.aof_rewrite_incremental_fsync, delay,
                                server_.scripts().functions().codes());
    return;
  }
  persistence::RdbWriter writer(fd, config.rdbcompression, config.aof_rewrite_incremental_fsync);
  persistence::SnapshotAux aux{FKVS_REDIS_COMPAT_VERSION, clock::now_ms() / 1000,
                               static_cast<int64_t>(used_memory()), true,
                               server_.scripts().functions().codes()};
  persistence::write_rdb_image(writer, server_.db_pointers(), aux, config.rdbchecksum, delay);
}

void AppendOnlyFile::replay(int db, std::span<const std::string> argv) {
  if (holds_replies()) note_written_keys(db, argv);
  if (server_.config().aof_timestamp_enabled && clock::now_s() > last_timestamp_s_) [[unlikely]] {
    // aof-timestamp-enabled: a "#TS:<unix time>" line before the first
    // command of each second, which loaders skip.
    last_timestamp_s_ = clock::now_s();
    buffer_ += "#TS:" + std::to_string(last_timestamp_s_) + "\r\n";
  }
  if (db != selected_db_) {
    const std::string number = std::to_string(db);
    buffer_ += "*2\r\n";
    append_bulk(buffer_, "SELECT");
    append_bulk(buffer_, number);
    selected_db_ = db;
  }
  buffer_ += '*';
  buffer_ += std::to_string(argv.size());
  buffer_ += "\r\n";
  for (const std::string& arg : argv) append_bulk(buffer_, arg);
}

void AppendOnlyFile::write_buffer() {
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      last_write_error_ = std::strerror(errno);
      if (last_write_ok_) spdlog::warn("Error writing to the AOF file: {}", last_write_error_);
      last_write_ok_ = false;
      // Cut a partial write back, and keep all of it to write again.
      if (done > 0 && ::ftruncate(fd_, static_cast<off_t>(file_size_)) != 0) {
        spdlog::warn("Could not remove a partial write from the AOF file: {}",
                     std::strerror(errno));
      }
      return;
    }
    done += static_cast<size_t>(n);
  }
  if (!last_write_ok_) spdlog::warn("AOF write error looks solved, Redis can write again.");
  last_write_ok_ = true;
  file_size_ += buffer_.size();
  current_size_ += buffer_.size();
  buffer_.clear();
}

void AppendOnlyFile::note_written_keys(int db, std::span<const std::string> argv) {
  const Command* command = server_.commands().find(argv[0]);
  if (command == nullptr || !(command->spec.flags & kWrite)) return;  // MULTI, EXEC, SELECT
  const CommandSpec& spec = command->spec;
  // FLUSHALL, SWAPDB; MOVE and COPY ... DB write a key of another db.
  if (spec.first_key <= 0 || spec.name == "move" || (spec.name == "copy" && argv.size() > 3)) {
    return replies_.everything_written(batch_);
  }
  spec.for_each_key_index(argv.size(),
                          [&](size_t i) { replies_.key_written(db, argv[i], batch_); });
}

bool AppendOnlyFile::holds_replies() const {
  return state_ == State::kOn && server_.config().appendfsync == "always";
}

uint64_t AppendOnlyFile::batch_needed_by(int db, const Command& command,
                                         std::span<const std::string_view> args,
                                         bool changed) const {
  if (changed) return batch_;
  if (replies_.newest_unsynced() == 0) return 0;
  const CommandSpec& spec = command.spec;
  // Commands that read no data (PING, INFO, CLIENT) depend on nothing.
  if (!(spec.flags & (kWrite | kReadOnly))) return 0;
  // Those that read the keyspace as a whole (DBSIZE, SCAN) or name their
  // keys after a count (ZUNION, LMPOP) wait for everything written.
  if (spec.first_key <= 0) return replies_.newest_unsynced();
  uint64_t batch = 0;
  spec.for_each_key_index(
      args.size(), [&](size_t i) { batch = std::max(batch, replies_.batch_of_key(db, args[i])); });
  return batch;
}

void AppendOnlyFile::flush() {
  if (state_ == State::kOff) return;
  const bool always = server_.config().appendfsync == "always";
  if (!buffer_.empty()) {
    const int64_t started_us = clock::monotonic_us();
    write_buffer();
    note_write_latency(clock::monotonic_us() - started_us);
    // A failed write keeps the batch (and the replies waiting for it) to
    // try again.
    if (!buffer_.empty()) return;
    written_batch_ = batch_++;
  } else if (replies_.waits_for(batch_)) {
    written_batch_ = batch_++;
  } else if (!replies_.any_held() || synced_batch_ >= written_batch_ || sync_.busy()) {
    return;
  }
  // Held replies always get a sync: after a switch to everysec or no, and
  // after a request that could not be made (no descriptor left to dup).
  if (always || replies_.any_held()) request_sync();
}

// As Redis: every write as "aof-write", and again under what it may have waited on.
void AppendOnlyFile::note_write_latency(int64_t duration_us) {
  const char* cause = sync_.busy()              ? "aof-write-pending-fsync"
                      : server_.child_running() ? "aof-write-active-child"
                                                : "aof-write-alone";
  server_.note_latency(cause, duration_us);
  server_.note_latency("aof-write", duration_us);
}

void AppendOnlyFile::request_sync() {
  if (fd_ < 0) return;
  // The sync works on its own descriptor, so switching to another file
  // meanwhile does not close the one it syncs.
  const int fd = ::dup(fd_);
  if (fd < 0) {
    spdlog::warn("Can't sync the AOF in the background: {}", std::strerror(errno));
    return;
  }
  if (!sync_.running()) sync_.start();
  sync_.request(fd, written_batch_);
}

void AppendOnlyFile::sync_finished() {
  const BackgroundSync::Outcome outcome = sync_.collect();
  if (outcome.error != 0) {
    sync_failed(outcome.error);
  } else if (sync_error_ != 0 && outcome.synced_batch > synced_batch_) {
    spdlog::warn("AOF fsync error looks solved, Redis can write again.");
    sync_error_ = 0;
  }
  release_replies(outcome.synced_batch);
}

void AppendOnlyFile::sync_failed(int error) {
  if (server_.config().appendfsync == "always") {
    // The writes of the batches not synced were run and may have been
    // seen: the only safe way on is a restart that replays what the disk
    // holds, as Redis does.
    spdlog::warn(
        "Can't persist AOF for fsync error when the AOF fsync policy is 'always': {}. "
        "Exiting...",
        std::strerror(error));
    spdlog::default_logger()->flush();
    std::_Exit(1);
  }
  if (sync_error_ == 0) spdlog::warn("Error syncing the AOF file: {}", std::strerror(error));
  sync_error_ = error;
}

void AppendOnlyFile::sync_here() {
  if (fd_ < 0) return;
  // Linux reports a failed write-back once, to whichever sync asks first:
  // this one's failure is never seen by the background sync.
  if (::fdatasync(fd_) != 0) return sync_failed(errno);
  release_replies(written_batch_);
}

void AppendOnlyFile::release_replies(uint64_t synced_batch) {
  if (synced_batch <= synced_batch_) return;
  synced_batch_ = synced_batch;
  replies_.synced(synced_batch_, [this](Client& client) { server_.flush_later(client); });
}

std::string AppendOnlyFile::last_write_error() const {
  return last_write_ok_ ? std::strerror(sync_error_) : last_write_error_;
}

void AppendOnlyFile::cron() {
  if (child_pid_ > 0) {
    int status = 0;
    const pid_t done = ::waitpid(child_pid_, &status, WNOHANG);
    if (done == child_pid_) rewrite_done(status);
  }
  if (state_ == State::kOn && server_.config().appendfsync == "everysec" &&
      clock::now_ms() - last_sync_ms_ >= 1000) {
    flush();
    // One sync at a time; a slow disk skips a second rather than queueing.
    if (!sync_.busy()) request_sync();
    last_sync_ms_ = clock::now_ms();
  }
  if (child_pid_ > 0 || server_.snapshots().child_running()) return;
  if (rewrite_scheduled_) {
    rewrite_scheduled_ = false;
    // A base scheduled by CONFIG SET appendonly yes during a save.
    if (state_ == State::kWaitingForBase) {
      start_logging_from_base();
    } else {
      background_rewrite();
    }
    return;
  }
  if (state_ != State::kOn) return;
  const Config& config = server_.config();
  // After a failed rewrite, automatic ones wait a while rather than fork
  // (and start a new incremental file) on every tick.
  if (!last_rewrite_ok_ && clock::now_ms() - last_rewrite_end_ms_ < kRewriteRetryDelayMs) return;
  if (config.auto_aof_rewrite_percentage > 0 && current_size_ > config.auto_aof_rewrite_min_size) {
    const uint64_t base = std::max<uint64_t>(base_size_, 1);
    const uint64_t growth = (current_size_ - base) * 100 / base;
    if (current_size_ > base &&
        growth >= static_cast<uint64_t>(config.auto_aof_rewrite_percentage)) {
      spdlog::info("Starting automatic rewriting of AOF on {}% growth", growth);
      background_rewrite();
    }
  }
}

// ---- rewriting ----

std::string AppendOnlyFile::background_rewrite() {
  if (child_pid_ > 0) return "ERR Background append only file rewriting already in progress";
  try {
    fork_rewrite();
  } catch (const std::exception& error) {
    last_rewrite_ok_ = false;
    spdlog::warn("Can't rewrite append only file in background: {}", error.what());
    return std::string("ERR Can't rewrite append only file in background: ") + error.what();
  }
  return {};
}

void AppendOnlyFile::fork_rewrite() {
  const Config& config = server_.config();
  if (state_ != State::kOff) {
    // Writes from here on go to a new incremental file, which the manifest
    // names before any of them reaches it.
    flush();
    sync_here();
    const uint64_t seq = manifest_.next_incremental_seq();
    open_incremental(seq);
    if (state_ == State::kOn) {
      manifest_.incrementals.push_back(
          {persistence::AofManifest::incremental_name(config.appendfilename, seq), seq,
           persistence::AofManifest::FileType::kIncremental});
      write_manifest(manifest_);
    }
  }
  std::filesystem::create_directories(directory());
  rewrite_base_is_rdb_ = config.aof_use_rdb_preamble;
  const std::string temp =
      path_in_directory("temp-rewriteaof-bg-" + std::to_string(::getpid()) + ".aof");
  const pid_t pid = fork_child(
      [&] {
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) throw_errno("open " + temp);
        write_base(fd, rewrite_base_is_rdb_);
        if (::fsync(fd) != 0) throw_errno("fsync " + temp);
        ::close(fd);
        spdlog::info("Successfully created the temporary AOF base file {}", temp);
      },
      "Failed rewriting the append only file");
  server_.note_latency("fork", fork_stats().latest_fork_us);
  child_pid_ = pid;
  child_start_ms_ = clock::now_ms();
  spdlog::info("Background append only file rewriting started by pid {}", pid);
}

void AppendOnlyFile::rewrite_done(int status) {
  const pid_t child = child_pid_;
  child_pid_ = -1;
  last_rewrite_seconds_ = (clock::now_ms() - child_start_ms_) / 1000;
  last_rewrite_end_ms_ = clock::now_ms();
  const std::string temp =
      path_in_directory("temp-rewriteaof-bg-" + std::to_string(::getpid()) + ".aof");
  const uint64_t copied = take_child_cow_bytes(child);
  const bool succeeded = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (succeeded) {
    last_cow_bytes_ = copied;
    spdlog::info("AOF rewrite: {} MB of memory used by copy-on-write", copied / (1024 * 1024));
  }
  if (!succeeded) {
    ::unlink(temp.c_str());
    last_rewrite_ok_ = false;
    spdlog::warn("Background AOF rewrite terminated with error");
    if (state_ == State::kWaitingForBase) {
      // Turning the AOF on failed: it stays off.
      state_ = State::kOff;
      server_.propagation().remove_consumer(this);
      buffer_.clear();
    }
    return;
  }
  const Config& config = server_.config();
  try {
    persistence::AofManifest next;
    const uint64_t base_seq = manifest_.next_base_seq();
    const std::string base =
        persistence::AofManifest::base_name(config.appendfilename, base_seq, rewrite_base_is_rdb_);
    if (::rename(temp.c_str(), path_in_directory(base).c_str()) != 0) throw_errno("rename " + temp);
    next.base = {base, base_seq, persistence::AofManifest::FileType::kBase};
    for (const auto& file : manifest_.incrementals) {
      // With the AOF off the new base holds everything logged so far.
      if (state_ != State::kOff && file.seq >= incremental_seq_) {
        next.incrementals.push_back(file);
      } else {
        next.history.push_back({file.name, file.seq, persistence::AofManifest::FileType::kHistory});
      }
    }
    if (state_ != State::kOff &&
        (next.incrementals.empty() || next.incrementals.back().seq != incremental_seq_)) {
      next.incrementals.push_back(
          {persistence::AofManifest::incremental_name(config.appendfilename, incremental_seq_),
           incremental_seq_, persistence::AofManifest::FileType::kIncremental});
    }
    if (manifest_.base) {
      next.history.push_back({manifest_.base->name, manifest_.base->seq,
                              persistence::AofManifest::FileType::kHistory});
    }
    write_manifest(next);
    // The old files are history now: delete them, then forget them.
    for (const auto& file : next.history) ::unlink(path_in_directory(file.name).c_str());
    next.history.clear();
    write_manifest(next);
    manifest_ = next;
    struct stat status_of_base {};
    ::stat(path_in_directory(base).c_str(), &status_of_base);
    base_size_ = static_cast<uint64_t>(status_of_base.st_size);
    struct stat status_of_incr {};
    ::fstat(fd_, &status_of_incr);
    current_size_ = base_size_ + static_cast<uint64_t>(status_of_incr.st_size) + buffer_.size();
  } catch (const std::exception& error) {
    last_rewrite_ok_ = false;
    spdlog::warn("Background AOF rewrite could not be installed: {}", error.what());
    return;
  }
  last_rewrite_ok_ = true;
  ++rewrites_;
  if (state_ == State::kWaitingForBase) {
    state_ = State::kOn;
    spdlog::info("Background AOF rewrite finished successfully; the AOF is on");
  } else {
    spdlog::info("Background AOF rewrite finished successfully");
  }
}

void AppendOnlyFile::kill_rewrite() {
  if (child_pid_ <= 0) return;
  ::kill(child_pid_, SIGUSR1);
  int status = 0;
  while (::waitpid(child_pid_, &status, 0) < 0 && errno == EINTR) {
  }
  take_child_cow_bytes(child_pid_);
  ::unlink(path_in_directory("temp-rewriteaof-bg-" + std::to_string(::getpid()) + ".aof").c_str());
  child_pid_ = -1;
}

int64_t AppendOnlyFile::current_rewrite_seconds() const {
  return child_pid_ > 0 ? (clock::now_ms() - child_start_ms_) / 1000 : -1;
}

std::string AppendOnlyFile::reload() {
  if (state_ != State::kOn) return "ERR the append only file is off";
  flush();
  sync_here();
  for (int i = 0; i < server_.db_count(); ++i) server_.clear_db(i);
  server_.scripts().functions().flush();
  server_.propagation().remove_consumer(this);
  std::string error;
  try {
    load(manifest_);
  } catch (const std::exception& failure) {
    error = failure.what();
  }
  server_.forget_call_changes();
  server_.propagation().add_consumer(this);
  // The file may have been truncated: appending goes on at its end.
  struct stat status {};
  if (fd_ >= 0 && ::fstat(fd_, &status) == 0) {
    current_size_ = base_size_ + static_cast<uint64_t>(status.st_size);
  }
  return error;
}

std::string AppendOnlyFile::turn_on() {
  if (state_ != State::kOff) return {};
  if (child_pid_ > 0) return "ERR Background append only file rewriting already in progress";
  state_ = State::kWaitingForBase;
  if (server_.snapshots().child_running()) {
    // As Redis: one child at a time. The base is forked once the save ends;
    // until then writes need no logging, the base will hold them.
    spdlog::warn(
        "AOF was enabled but there is already another background operation. An AOF "
        "background was scheduled to start when possible.");
    rewrite_scheduled_ = true;
    return {};
  }
  return start_logging_from_base();
}

std::string AppendOnlyFile::start_logging_from_base() {
  try {
    std::filesystem::create_directories(directory());
    const std::string manifest_path =
        path_in_directory(persistence::AofManifest::manifest_name(server_.config().appendfilename));
    manifest_ = {};
    if (::access(manifest_path.c_str(), F_OK) == 0) {
      // Files of an earlier run: the new base replaces them all.
      persistence::MappedFile mapped(manifest_path);
      manifest_ = persistence::AofManifest::parse(mapped.bytes());
    }
    server_.propagation().add_consumer(this);
    fork_rewrite();
  } catch (const std::exception& error) {
    state_ = State::kOff;
    server_.propagation().remove_consumer(this);
    spdlog::warn(
        "Redis needs to enable the AOF but can't trigger a background AOF rewrite "
        "operation: {}",
        error.what());
    return "ERR Can't turn on the append only file: " + std::string(error.what());
  }
  return {};
}

void AppendOnlyFile::turn_off() {
  if (state_ == State::kOff) return;
  rewrite_scheduled_ = false;
  flush();
  sync_here();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  kill_rewrite();
  sync_.stop();
  // Off, the AOF promises nothing more: what a failed write kept goes, and
  // replies waiting for it are let go.
  buffer_.clear();
  replies_.release_all([this](Client& client) { server_.flush_later(client); });
  server_.propagation().remove_consumer(this);
  state_ = State::kOff;
}

}  // namespace fkvs
