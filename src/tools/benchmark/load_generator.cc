#include "tools/benchmark/load_generator.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "tools/benchmark/reply_scanner.h"
#include "tools/common/redis_connection.h"

namespace fkvs::benchmark {
namespace {

constexpr size_t kInitialInput = 16 * 1024;
constexpr size_t kMaxInput = 4 * 1024 * 1024;
constexpr int kEventsPerWait = 256;
// How long an idle loop sleeps before looking at the stop flag again.
constexpr int kWaitMs = 100;

uint64_t now_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// What every worker reads: the batch bytes, and the count of requests handed
// out so far, which all clients of all threads draw from.
struct SharedState {
  explicit SharedState(const BenchmarkOptions& o) : options(o) {}

  const BenchmarkOptions& options;
  std::string prefix;  // AUTH and SELECT, sent first on every new connection
  size_t prefix_replies = 0;
  CommandTemplate batch;
  size_t command_size = 0;
  std::atomic<uint64_t> claimed{0};
  std::atomic<bool> stop{false};

  // Requests of the next batch, at most a pipeline's worth; 0 when all are out.
  size_t claim() {
    uint64_t pipeline = static_cast<uint64_t>(options.pipeline);
    uint64_t first = claimed.fetch_add(pipeline, std::memory_order_relaxed);
    if (first >= options.requests) return 0;
    return static_cast<size_t>(std::min(pipeline, options.requests - first));
  }
};

class Worker;

class Client {
 public:
  Client(Worker& worker, SharedState& shared, uint64_t seed);

  void start();
  void on_event(uint32_t events);

 private:
  void connect();
  void disconnect();
  void send_batch();
  void flush();
  void on_readable();
  void on_connected();
  void batch_done(uint64_t now);
  void watch_output(bool on);
  void fail(std::string reason);
  void finish();

  Worker& worker_;
  SharedState& shared_;
  tools::RedisContext context_;
  int fd_ = -1;
  std::string buffer_;  // prefix then a pipeline of commands
  std::vector<size_t> placeholders_;
  KeyRandom random_;
  std::vector<char> input_;
  size_t input_used_ = 0;
  ReplyScanner scanner_;
  size_t write_from_ = 0;
  size_t write_to_ = 0;
  size_t replies_to_skip_ = 0;
  size_t replies_pending_ = 0;
  size_t batch_requests_ = 0;
  uint64_t batch_start_ns_ = 0;
  bool connecting_ = false;
  bool fresh_ = true;
  bool watching_output_ = false;
  bool active_ = false;
};

class Worker {
 public:
  Worker(SharedState& shared, int clients, uint64_t seed) : shared_(shared) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < clients; ++i) {
      clients_.push_back(std::make_unique<Client>(*this, shared, seed + static_cast<uint64_t>(i)));
    }
  }
  ~Worker() {
    clients_.clear();
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }

  void run() {
    if (epoll_fd_ < 0) return fail(std::string("epoll_create1: ") + std::strerror(errno));
    for (auto& client : clients_) client->start();
    epoll_event events[kEventsPerWait];
    while (!shared_.stop.load(std::memory_order_relaxed) && active_clients_ > 0) {
      int ready = epoll_wait(epoll_fd_, events, kEventsPerWait, kWaitMs);
      if (ready < 0 && errno != EINTR)
        return fail(std::string("epoll_wait: ") + std::strerror(errno));
      for (int i = 0; i < ready; ++i) {
        static_cast<Client*>(events[i].data.ptr)->on_event(events[i].events);
      }
    }
  }

  void fail(std::string reason) {
    if (fatal_.empty()) fatal_ = std::move(reason);
    shared_.stop.store(true, std::memory_order_relaxed);
  }

  void record(uint64_t latency_ns, size_t replies, size_t errors, std::string_view first_error) {
    result_.latency.record(latency_ns, replies);
    result_.requests += replies;
    if (errors > 0 && result_.errors == 0) result_.first_error = std::string(first_error);
    result_.errors += errors;
  }
  void batch_finished(size_t requests, uint64_t now) {
    finished_.fetch_add(requests, std::memory_order_relaxed);
    last_reply_ns_ = now;
  }

  int epoll_fd() const { return epoll_fd_; }
  uint64_t finished() const { return finished_.load(std::memory_order_relaxed); }
  uint64_t last_reply_ns() const { return last_reply_ns_; }
  RunResult& result() { return result_; }
  const std::string& fatal() const { return fatal_; }

 private:
  SharedState& shared_;
  int epoll_fd_ = -1;
  std::vector<std::unique_ptr<Client>> clients_;
  RunResult result_;
  std::string fatal_;
  std::atomic<uint64_t> finished_{0};
  uint64_t last_reply_ns_ = 0;
  int active_clients_ = 0;  // clients with a batch in progress

  friend class Client;
};

Client::Client(Worker& worker, SharedState& shared, uint64_t seed)
    : worker_(worker), shared_(shared), random_(seed), input_(kInitialInput) {
  buffer_ = shared.prefix + shared.batch.bytes;
  for (size_t offset : shared.batch.placeholders) {
    placeholders_.push_back(shared.prefix.size() + offset);
  }
}

void Client::fail(std::string reason) {
  finish();
  worker_.fail(std::move(reason));
}

void Client::finish() {
  if (!active_) return;
  active_ = false;
  --worker_.active_clients_;
}

void Client::start() {
  batch_requests_ = shared_.claim();
  if (batch_requests_ == 0) return;
  active_ = true;
  ++worker_.active_clients_;
  connect();
}

void Client::connect() {
  const tools::ConnectionOptions& where = shared_.options.connection;
  redisContext* raw = where.uses_socket() ? redisConnectUnixNonBlock(where.socket_path.c_str())
                                          : redisConnectNonBlock(where.host.c_str(), where.port);
  context_.reset(raw);
  if (!context_ || context_->err) {
    return fail("Could not connect to " + where.endpoint() + ": " +
                (context_ ? context_->errstr : "out of memory"));
  }
  fd_ = context_->fd;
  if (!where.uses_socket()) {
    int yes = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  }
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT;
  event.data.ptr = this;
  if (epoll_ctl(worker_.epoll_fd(), EPOLL_CTL_ADD, fd_, &event) != 0) {
    return fail(std::string("epoll_ctl: ") + std::strerror(errno));
  }
  watching_output_ = true;
  connecting_ = true;
  fresh_ = true;
  scanner_.reset();
  input_used_ = 0;
}

void Client::disconnect() {
  if (fd_ >= 0) epoll_ctl(worker_.epoll_fd(), EPOLL_CTL_DEL, fd_, nullptr);
  context_.reset();
  fd_ = -1;
}

void Client::watch_output(bool on) {
  if (watching_output_ == on) return;
  epoll_event event{};
  event.events = EPOLLIN | (on ? EPOLLOUT : 0u);
  event.data.ptr = this;
  epoll_ctl(worker_.epoll_fd(), EPOLL_CTL_MOD, fd_, &event);
  watching_output_ = on;
}

void Client::on_event(uint32_t events) {
  if (!active_) return;
  if (connecting_) {
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected();
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable();
  // Reading may have ended the batch and started a new connection.
  if (active_ && !connecting_ && (events & EPOLLOUT)) flush();
}

void Client::on_connected() {
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) {
    return fail("Could not connect to " + shared_.options.connection.endpoint() + ": " +
                std::strerror(error));
  }
  connecting_ = false;
  send_batch();
}

void Client::send_batch() {
  size_t end = shared_.prefix.size() + batch_requests_ * shared_.command_size;
  if (shared_.options.keyspace) {
    substitute_random(buffer_, placeholders_, end, *shared_.options.keyspace, random_);
  }
  write_from_ = fresh_ ? 0 : shared_.prefix.size();
  write_to_ = end;
  replies_to_skip_ = fresh_ ? shared_.prefix_replies : 0;
  replies_pending_ = batch_requests_;
  fresh_ = false;
  batch_start_ns_ = now_ns();
  flush();
}

void Client::flush() {
  while (write_from_ < write_to_) {
    ssize_t written = ::write(fd_, buffer_.data() + write_from_, write_to_ - write_from_);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return watch_output(true);
      return fail(std::string("Error writing to the server: ") + std::strerror(errno));
    }
    write_from_ += static_cast<size_t>(written);
  }
  watch_output(false);
}

void Client::on_readable() {
  if (input_used_ == input_.size()) {
    // The scanner needs a whole line to move on; lines longer than this are garbage.
    if (input_.size() >= kMaxInput) return fail("Reply line too long");
    input_.resize(input_.size() * 2);
  }
  ssize_t got = ::read(fd_, input_.data() + input_used_, input_.size() - input_used_);
  if (got == 0) return fail("Server closed the connection");
  if (got < 0) {
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return;
    return fail(std::string("Error reading from the server: ") + std::strerror(errno));
  }
  input_used_ += static_cast<size_t>(got);
  uint64_t now = now_ns();
  size_t consumed = 0;
  std::string_view data(input_.data(), input_used_);
  if (replies_to_skip_ > 0) {
    ReplyScanner::Result skipped = scanner_.scan(data, replies_to_skip_);
    if (skipped.malformed) return fail("Protocol error in the server's reply");
    if (skipped.errors > 0) return fail(std::string(skipped.first_error));
    replies_to_skip_ -= skipped.replies;
    consumed = skipped.consumed;
  }
  if (replies_to_skip_ == 0 && replies_pending_ > 0) {
    ReplyScanner::Result scanned = scanner_.scan(data.substr(consumed), replies_pending_);
    if (scanned.malformed) return fail("Protocol error in the server's reply");
    if (scanned.replies > 0) {
      worker_.record(now - batch_start_ns_, scanned.replies, scanned.errors, scanned.first_error);
    }
    replies_pending_ -= scanned.replies;
    consumed += scanned.consumed;
  }
  if (consumed > 0) {
    std::memmove(input_.data(), input_.data() + consumed, input_used_ - consumed);
    input_used_ -= consumed;
  }
  if (replies_to_skip_ == 0 && replies_pending_ == 0) batch_done(now);
}

void Client::batch_done(uint64_t now) {
  worker_.batch_finished(batch_requests_, now);
  batch_requests_ = shared_.claim();
  if (batch_requests_ == 0) {
    finish();
    return disconnect();
  }
  if (!shared_.options.keepalive) {
    disconnect();
    return connect();
  }
  send_batch();
}

std::string connection_prefix(const tools::ConnectionOptions& connection, size_t& replies) {
  std::string prefix;
  replies = 0;
  if (connection.password) {
    std::vector<std::string> auth = {"AUTH"};
    if (!connection.user.empty()) auth.push_back(connection.user);
    auth.push_back(*connection.password);
    prefix += CommandTemplate::from_args(auth).bytes;
    ++replies;
  }
  if (connection.db != 0) {
    std::vector<std::string> select = {"SELECT", std::to_string(connection.db)};
    prefix += CommandTemplate::from_args(select).bytes;
    ++replies;
  }
  return prefix;
}

}  // namespace

std::unique_ptr<RunResult> run_benchmark(const BenchmarkOptions& options,
                                         const CommandTemplate& command,
                                         const ProgressCallback& progress) {
  SharedState shared(options);
  shared.prefix = connection_prefix(options.connection, shared.prefix_replies);
  shared.batch = command.repeated(static_cast<size_t>(options.pipeline));
  shared.command_size = command.bytes.size();

  int threads = std::min(options.threads, options.clients);
  uint64_t seed = std::random_device{}();
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < threads; ++t) {
    int clients = options.clients / threads + (t < options.clients % threads ? 1 : 0);
    workers.push_back(std::make_unique<Worker>(shared, clients, (seed << 20) + t * 1'000'003ULL));
  }
  uint64_t started = now_ns();
  std::atomic<int> running{threads};
  std::vector<std::thread> pool;
  for (auto& worker : workers) {
    pool.emplace_back([&running, &worker] {
      worker->run();
      running.fetch_sub(1, std::memory_order_release);
    });
  }
  uint64_t last_progress = started;
  while (running.load(std::memory_order_acquire) > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    uint64_t now = now_ns();
    if (progress && now - last_progress >= 250'000'000) {
      uint64_t finished = 0;
      for (auto& worker : workers) finished += worker->finished();
      progress(finished, static_cast<double>(now - started) / 1e9);
      last_progress = now;
    }
  }
  for (auto& thread : pool) thread.join();

  auto result = std::make_unique<RunResult>();
  uint64_t ended = started;
  for (auto& worker : workers) {
    RunResult& part = worker->result();
    result->requests += part.requests;
    result->latency.merge(part.latency);
    if (result->errors == 0 && part.errors > 0) result->first_error = part.first_error;
    result->errors += part.errors;
    if (result->fatal.empty()) result->fatal = worker->fatal();
    ended = std::max(ended, worker->last_reply_ns());
  }
  result->seconds = static_cast<double>(ended - started) / 1e9;
  return result;
}

}  // namespace fkvs::benchmark
