#include "tools/cli/session.h"

#include <strings.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "tools/cli/reply_format.h"

namespace fkvs::cli {
namespace {

bool is(const std::string& arg, const char* name) { return strcasecmp(arg.c_str(), name) == 0; }

// The commands whose reply redis-cli prints verbatim whatever the output
// mode, because their text is already laid out for reading.
bool prints_verbatim(std::span<const std::string> args) {
  size_t argc = args.size();
  const std::string& name = args[0];
  if (is(name, "info") || is(name, "lolwut")) return true;
  if (argc >= 2 && is(name, "debug")) {
    return is(args[1], "htstats") || is(args[1], "htstats-key") || is(args[1], "client-eviction");
  }
  if (argc >= 2 && is(name, "memory")) return is(args[1], "malloc-stats") || is(args[1], "doctor");
  if (argc == 2 && is(name, "cluster")) return is(args[1], "nodes") || is(args[1], "info");
  if (argc >= 2 && is(name, "client")) return is(args[1], "list") || is(args[1], "info");
  if (argc == 3 && is(name, "latency")) return is(args[1], "graph");
  if (argc == 2 && is(name, "latency")) return is(args[1], "doctor");
  if (argc >= 2 && is(name, "proxy")) return is(args[1], "info");
  return false;
}

void write_stdout(const std::string& bytes) {
  std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  std::fflush(stdout);
}

std::string error_text(redisContext* context, const tools::RedisReply& reply) {
  if (!reply) return context->errstr;
  return std::string(reply->str, reply->len);
}

}  // namespace

Session::Session(tools::ConnectionOptions options, OutputMode mode)
    : options_(std::move(options)), mode_(mode) {}

bool Session::connect() {
  std::string error;
  context_ = tools::open_connection(options_, error);
  current_db_ = 0;
  in_multi_ = false;
  if (!context_) {
    std::fprintf(stderr, "Could not connect to Redis at %s: %s\n", options_.endpoint().c_str(),
                 error.c_str());
    return false;
  }
  // Like redis-cli, a failed AUTH or SELECT is reported but the connection
  // stays up: the commands that follow get the server's own errors. After a
  // failed AUTH there is no SELECT to try.
  if (options_.password) {
    tools::RedisReply reply =
        options_.user.empty()
            ? tools::run_command(context_.get(), {"AUTH", *options_.password})
            : tools::run_command(context_.get(), {"AUTH", options_.user, *options_.password});
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
      std::fprintf(stderr, "AUTH failed: %s\n", error_text(context_.get(), reply).c_str());
      if (!reply) context_.reset();
      return connected();
    }
  }
  if (options_.db != 0 && !select(options_.db)) return connected();
  return true;
}

bool Session::select(int db) {
  std::string number = std::to_string(db);
  tools::RedisReply reply = tools::run_command(context_.get(), {"SELECT", number});
  if (!reply) {
    std::fprintf(stderr, "SELECT %d failed: %s\n", db, context_->errstr);
    context_.reset();
    return false;
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    std::fprintf(stderr, "SELECT %d failed: %s\n", db, reply->str);
    return false;
  }
  current_db_ = db;
  return true;
}

bool Session::execute(std::span<const std::string> args) {
  if (args.empty()) return true;
  if (!context_ && !connect()) return false;

  std::vector<std::string_view> views(args.begin(), args.end());
  tools::RedisReply reply = tools::run_command(context_.get(), views);
  if (!reply) {
    // The server closes the connection on SHUTDOWN: that is its answer.
    if (is(args[0], "shutdown")) {
      context_.reset();
      return true;
    }
    std::fprintf(stderr, "Error: %s\n", context_->errstr);
    context_.reset();
    return false;
  }
  if (reply->type == REDIS_REPLY_ERROR && errors_to_stderr_) {
    std::fprintf(stderr, "%s\n", reply->str);
    return false;
  }
  print_reply(*reply, prints_verbatim(args));
  follow_state(args, *reply);
  return reply->type != REDIS_REPLY_ERROR;
}

void Session::print_reply(const redisReply& reply, bool verbatim) {
  write_stdout(verbatim ? format_verbatim(reply) : format_reply(reply, mode_));
}

// Keeps the prompt and a later reconnection in step with the server, as
// redis-cli does after SELECT, AUTH, MULTI, EXEC, DISCARD and RESET.
void Session::follow_state(std::span<const std::string> args, const redisReply& reply) {
  bool failed = reply.type == REDIS_REPLY_ERROR;
  const std::string& name = args[0];
  if (is(name, "select") && args.size() == 2 && !failed) {
    current_db_ = std::atoi(args[1].c_str());
    options_.db = current_db_;
  } else if (is(name, "auth") && (args.size() == 2 || args.size() == 3)) {
    if (options_.db != current_db_) select(options_.db);
  } else if (is(name, "multi") && args.size() == 1 && !failed) {
    in_multi_ = true;
  } else if (is(name, "exec") && args.size() == 1 && in_multi_) {
    in_multi_ = false;
  } else if (is(name, "discard") && args.size() == 1 && !failed) {
    in_multi_ = false;
  } else if (is(name, "reset") && args.size() == 1 && !failed) {
    in_multi_ = false;
    current_db_ = 0;
    options_.db = 0;
  }
}

std::string Session::prompt() const {
  if (!context_) return "not connected> ";
  // Built by appending: GCC 12 warns (-Wrestrict) on "[" + std::string.
  std::string prompt;
  if (options_.uses_socket()) {
    prompt.append("redis ").append(options_.socket_path);
  } else if (options_.host.find(':') != std::string::npos) {
    prompt.append(1, '[').append(options_.host).append("]:").append(std::to_string(options_.port));
  } else {
    prompt = options_.endpoint();
  }
  if (current_db_ != 0) prompt.append(1, '[').append(std::to_string(current_db_)).append(1, ']');
  if (in_multi_) prompt.append("(TX)");
  return prompt.append("> ");
}

}  // namespace fkvs::cli
