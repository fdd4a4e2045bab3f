#pragma once

#include <optional>
#include <string_view>

#include "commands/command_context.h"
#include "store/geohash.h"

// What the geo commands share: their arguments, read as Redis reads them
// (each parser replies Redis's error and returns nullopt when one is bad),
// and how they print distances and coordinates.
namespace fkvs {

// A longitude and a latitude (GEOADD's triples, FROMLONLAT, GEORADIUS):
// floats within the indexable limits.
std::optional<geo::Point> parse_geo_point(CommandContext& ctx, std::string_view longitude,
                                          std::string_view latitude);

// A unit, in any case: m, km, ft or mi, as the meters it stands for.
std::optional<double> parse_geo_unit(CommandContext& ctx, std::string_view unit);

// A radius, width or height; not_numeric is the error for a non-number
// ("ERR need numeric radius"). The caller checks the sign.
std::optional<double> parse_geo_number(CommandContext& ctx, std::string_view text,
                                       std::string_view not_numeric);

// A distance as Redis prints it: "%.4f", a bulk string in both protocols.
void reply_geo_distance(resp::ReplyWriter& reply, double distance);

// A longitude or latitude as Redis prints it: "%.17Lf" without trailing
// zeros, a RESP3 double.
void reply_geo_coordinate(resp::ReplyWriter& reply, double coordinate);

// [longitude, latitude].
inline void reply_geo_point(resp::ReplyWriter& reply, const geo::Point& point) {
  reply.array(2);
  reply_geo_coordinate(reply, point.longitude);
  reply_geo_coordinate(reply, point.latitude);
}

}  // namespace fkvs
