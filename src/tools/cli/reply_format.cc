#include "tools/cli/reply_format.h"

#include <cstdio>

#include "split_arguments.h"

namespace fkvs::cli {
namespace {

std::string_view text_of(const redisReply& reply) { return std::string_view(reply.str, reply.len); }

// redis-cli prints error and status text with %s, so it ends at a NUL byte.
std::string_view c_text_of(const redisReply& reply) {
  return std::string_view(reply.str, std::char_traits<char>::length(reply.str));
}

void append_tty(std::string& out, const redisReply& reply, const std::string& indent) {
  switch (reply.type) {
    case REDIS_REPLY_ERROR:
      out += "(error) ";
      out += c_text_of(reply);
      out += '\n';
      return;
    case REDIS_REPLY_STATUS:
      out += text_of(reply);
      out += '\n';
      return;
    case REDIS_REPLY_INTEGER:
      out += "(integer) " + std::to_string(reply.integer) + "\n";
      return;
    case REDIS_REPLY_STRING:
      out += resp::quote_bytes(text_of(reply));
      out += '\n';
      return;
    case REDIS_REPLY_NIL:
      out += "(nil)\n";
      return;
    case REDIS_REPLY_ARRAY:
      break;
    default:
      return;
  }
  if (reply.elements == 0) {
    out += "(empty array)\n";
    return;
  }
  // Indexes are right-aligned to the widest one, and nested arrays indent by
  // that width plus ") ". The first element follows its parent's index on the
  // same line, so only the others get the indent.
  int width = static_cast<int>(std::to_string(reply.elements).size());
  std::string nested_indent = indent + std::string(width + 2, ' ');
  for (size_t i = 0; i < reply.elements; ++i) {
    if (i > 0) out += indent;
    char index[32];
    std::snprintf(index, sizeof(index), "%*zu) ", width, i + 1);
    out += index;
    append_tty(out, *reply.element[i], nested_indent);
  }
}

void append_raw(std::string& out, const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_ERROR:
      out += text_of(reply);
      out += '\n';
      return;
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_STRING:
      out += text_of(reply);
      return;
    case REDIS_REPLY_INTEGER:
      out += std::to_string(reply.integer);
      return;
    case REDIS_REPLY_ARRAY:
      for (size_t i = 0; i < reply.elements; ++i) {
        if (i > 0) out += '\n';
        append_raw(out, *reply.element[i]);
      }
      return;
    default:
      return;
  }
}

void append_csv(std::string& out, const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_ERROR:
      out += "ERROR,";
      out += resp::quote_bytes(c_text_of(reply));
      return;
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_STRING:
      out += resp::quote_bytes(text_of(reply));
      return;
    case REDIS_REPLY_INTEGER:
      out += std::to_string(reply.integer);
      return;
    case REDIS_REPLY_NIL:
      out += "NULL";
      return;
    case REDIS_REPLY_ARRAY:
      for (size_t i = 0; i < reply.elements; ++i) {
        if (i > 0) out += ',';
        append_csv(out, *reply.element[i]);
      }
      return;
    default:
      return;
  }
}

}  // namespace

std::string format_reply(const redisReply& reply, OutputMode mode) {
  std::string out;
  switch (mode) {
    case OutputMode::kTty:
      append_tty(out, reply, "");
      break;
    case OutputMode::kRaw:
      append_raw(out, reply);
      out += '\n';
      break;
    case OutputMode::kCsv:
      append_csv(out, reply);
      out += '\n';
      break;
  }
  return out;
}

std::string format_verbatim(const redisReply& reply) {
  std::string out;
  append_raw(out, reply);
  return out;
}

}  // namespace fkvs::cli
