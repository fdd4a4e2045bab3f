#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "tools/common/connection_options.h"

namespace fkvs::tools {

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using RedisContext = std::unique_ptr<redisContext, ContextDeleter>;
using RedisReply = std::unique_ptr<redisReply, ReplyDeleter>;

// A blocking hiredis connection to options' TCP address or unix socket, with
// TCP_NODELAY. On failure returns null and sets error to the reason
// ("Connection refused"), without the "Could not connect" framing each tool
// words its own way.
RedisContext open_connection(const ConnectionOptions& options, std::string& error);

// Sends one command as a multibulk request, binary-safe, and waits for its
// reply. Null means the connection failed: context->errstr says why.
RedisReply run_command(redisContext* context, std::span<const std::string_view> args);
RedisReply run_command(redisContext* context, std::initializer_list<std::string_view> args);

// AUTH (when options carry a password) then SELECT (when db is not 0), as both
// tools do right after connecting. Returns the first error: the server's error
// reply text, or the I/O error.
std::optional<std::string> authenticate_and_select(redisContext* context,
                                                   const ConnectionOptions& options);

}  // namespace fkvs::tools
