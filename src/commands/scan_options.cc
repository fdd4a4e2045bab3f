#include "commands/scan_options.h"

#include <charconv>

#include "util/number.h"
#include "util/strings.h"

namespace fkvs {

std::optional<ScanOptions> parse_scan_options(CommandContext& ctx, size_t first,
                                              bool accepts_type) {
  ScanOptions options;
  for (size_t i = first; i < ctx.argc(); i += 2) {
    const std::string_view option = ctx.arg(i);
    if (i + 1 >= ctx.argc()) {
      ctx.reply().error(errors::kSyntax);
      return std::nullopt;
    }
    const std::string_view value = ctx.arg(i + 1);
    if (equals_nocase(option, "count")) {
      const std::optional<int64_t> parsed = parse_int64(value);
      if (!parsed) {
        ctx.reply().error(errors::kNotInteger);
        return std::nullopt;
      }
      if (*parsed < 1) {
        ctx.reply().error(errors::kSyntax);
        return std::nullopt;
      }
      options.count = *parsed;
    } else if (equals_nocase(option, "match")) {
      options.pattern = value;
      if (value == "*") options.pattern.reset();
    } else if (accepts_type && equals_nocase(option, "type")) {
      options.type = value;
    } else {
      ctx.reply().error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return options;
}

void reply_scan_cursor(resp::ReplyWriter& reply, uint64_t cursor) {
  char text[20];
  const char* end = std::to_chars(text, text + sizeof text, cursor).ptr;
  reply.bulk({text, static_cast<size_t>(end - text)});
}

}  // namespace fkvs
