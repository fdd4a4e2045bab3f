#include "commands/geo_common.h"

#include <charconv>
#include <cstdio>
#include <string>

#include "commands/errors.h"
#include "util/number.h"
#include "util/strings.h"

namespace fkvs {

std::optional<geo::Point> parse_geo_point(CommandContext& ctx, std::string_view longitude,
                                          std::string_view latitude) {
  const std::optional<double> x = parse_double(longitude);
  if (!x) {
    ctx.reply().error(errors::kNotFloat);
    return std::nullopt;
  }
  const std::optional<double> y = parse_double(latitude);
  if (!y) {
    ctx.reply().error(errors::kNotFloat);
    return std::nullopt;
  }
  const geo::Point point{*x, *y};
  if (!geo::is_valid(point)) {
    // Redis prints the pair with "%f", infinities as "inf".
    std::string x_text(std::snprintf(nullptr, 0, "%f", *x) + 1, '\0');
    x_text.resize(std::snprintf(x_text.data(), x_text.size(), "%f", *x));
    std::string y_text(std::snprintf(nullptr, 0, "%f", *y) + 1, '\0');
    y_text.resize(std::snprintf(y_text.data(), y_text.size(), "%f", *y));
    ctx.reply().error(errors::format(errors::kGeoInvalidPair, {x_text, y_text}));
    return std::nullopt;
  }
  return point;
}

std::optional<double> parse_geo_unit(CommandContext& ctx, std::string_view unit) {
  if (option_is(unit, "m")) return 1;
  if (option_is(unit, "km")) return 1000;
  if (option_is(unit, "ft")) return 0.3048;
  if (option_is(unit, "mi")) return 1609.34;
  ctx.reply().error(errors::kGeoUnsupportedUnit);
  return std::nullopt;
}

std::optional<double> parse_geo_number(CommandContext& ctx, std::string_view text,
                                       std::string_view not_numeric) {
  const std::optional<double> number = parse_double(text);
  if (!number) {
    ctx.reply().error(not_numeric);
    return std::nullopt;
  }
  return number;
}

void reply_geo_distance(resp::ReplyWriter& reply, double distance) {
  // to_chars rounds the exact binary value as printf does, only faster.
  char text[400];
  const auto result =
      std::to_chars(text, text + sizeof(text), distance, std::chars_format::fixed, 4);
  reply.bulk(std::string_view(text, result.ptr - text));
}

void reply_geo_coordinate(resp::ReplyWriter& reply, double coordinate) {
  char text[kLongDoubleTextMax];
  reply.double_text(format_long_double(coordinate, text));
}

}  // namespace fkvs
