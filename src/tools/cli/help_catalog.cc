#include "tools/cli/help_catalog.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>

#include "tools/cli/reply_tree.h"

namespace fkvs::cli {
namespace {

// COMMAND DOCS's reply is deeper than hiredis 0.14 reads (see reply_tree.h), so the
// command goes out through hiredis and the reply is read from the socket here.
std::optional<ReplyNode> command_docs(redisContext* context) {
  if (redisAppendCommand(context, "COMMAND DOCS") != REDIS_OK) return std::nullopt;
  int done = 0;
  while (!done) {
    if (redisBufferWrite(context, &done) != REDIS_OK) return std::nullopt;
  }
  std::string input;
  char chunk[65536];
  while (input.size() < static_cast<size_t>(kMaxReplyBulk)) {
    ssize_t got = read(context->fd, chunk, sizeof(chunk));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    input.append(chunk, static_cast<size_t>(got));
    ReplyParse parse = parse_reply_tree(input);
    if (parse.status == ReplyParse::Status::kDone) return std::move(parse.reply);
    if (parse.status == ReplyParse::Status::kMalformed) break;
  }
  // Half a reply read past hiredis leaves the connection out of step: close it, so
  // the next command reconnects instead of reading the rest as its reply.
  shutdown(context->fd, SHUT_RDWR);
  return std::nullopt;
}

}  // namespace

void HelpCatalog::refresh(Session& session) {
  if (answered_ || !session.connected()) return;
  std::optional<ReplyNode> docs = command_docs(session.context());
  if (!docs) return;
  answered_ = true;
  if (docs->type != ReplyNode::Type::kArray || docs->elements.empty()) return;
  entries_ = help_from_command_docs(*docs);
}

}  // namespace fkvs::cli
