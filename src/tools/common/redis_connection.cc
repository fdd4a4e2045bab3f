#include "tools/common/redis_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cmath>
#include <vector>

namespace fkvs::tools {

RedisContext open_connection(const ConnectionOptions& options, std::string& error) {
  redisContext* raw = nullptr;
  if (options.timeout_s > 0) {
    timeval timeout{};
    timeout.tv_sec = static_cast<time_t>(options.timeout_s);
    timeout.tv_usec = static_cast<suseconds_t>(std::fmod(options.timeout_s, 1.0) * 1e6);
    raw = options.uses_socket()
              ? redisConnectUnixWithTimeout(options.socket_path.c_str(), timeout)
              : redisConnectWithTimeout(options.host.c_str(), options.port, timeout);
  } else {
    raw = options.uses_socket() ? redisConnectUnix(options.socket_path.c_str())
                                : redisConnect(options.host.c_str(), options.port);
  }
  RedisContext context(raw);
  if (!context) {
    error = "Out of memory";
    return nullptr;
  }
  if (context->err) {
    error = context->errstr;
    return nullptr;
  }
  if (!options.uses_socket()) {
    int yes = 1;
    setsockopt(context->fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  }
  return context;
}

RedisReply run_command(redisContext* context, std::span<const std::string_view> args) {
  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
  pointers.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view arg : args) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  void* reply =
      redisCommandArgv(context, static_cast<int>(args.size()), pointers.data(), lengths.data());
  return RedisReply(static_cast<redisReply*>(reply));
}

RedisReply run_command(redisContext* context, std::initializer_list<std::string_view> args) {
  return run_command(context, std::span<const std::string_view>(args.begin(), args.size()));
}

namespace {

std::optional<std::string> error_of(redisContext* context, const RedisReply& reply) {
  if (!reply) return std::string(context->errstr);
  if (reply->type == REDIS_REPLY_ERROR) return std::string(reply->str, reply->len);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> authenticate_and_select(redisContext* context,
                                                   const ConnectionOptions& options) {
  if (options.password) {
    RedisReply reply = options.user.empty()
                           ? run_command(context, {"AUTH", *options.password})
                           : run_command(context, {"AUTH", options.user, *options.password});
    if (auto error = error_of(context, reply)) return error;
  }
  if (options.db != 0) {
    std::string db = std::to_string(options.db);
    RedisReply reply = run_command(context, {"SELECT", db});
    if (auto error = error_of(context, reply)) return error;
  }
  return std::nullopt;
}

}  // namespace fkvs::tools
