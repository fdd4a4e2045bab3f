#include "tools/common/connection_options.h"

#include <charconv>

namespace fkvs::tools {
namespace {

constexpr std::string_view kScheme = "redis://";
constexpr std::string_view kTlsScheme = "rediss://";

std::optional<int> parse_number(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = hex_digit(text[i + 1]);
    int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

}  // namespace

std::string ConnectionOptions::endpoint() const {
  if (uses_socket()) return socket_path;
  return host + ":" + std::to_string(port);
}

bool looks_like_uri(std::string_view argument) {
  return argument.starts_with(kScheme) || argument.starts_with(kTlsScheme);
}

std::optional<std::string> apply_uri(std::string_view uri, ConnectionOptions& options) {
  if (uri.starts_with(kTlsScheme)) return "TLS (rediss://) is not supported";
  if (!uri.starts_with(kScheme)) return "Invalid URI scheme";
  std::string_view rest = uri.substr(kScheme.size());

  std::string_view path;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  // The password may itself contain '@'; the host part follows the last one.
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::string_view user = userinfo;
    std::optional<std::string_view> password;
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
    }
    auto decoded_user = percent_decode(user);
    if (!decoded_user) return "Invalid percent-encoding in URI user";
    options.user = *decoded_user;
    if (password) {
      auto decoded_password = percent_decode(*password);
      if (!decoded_password) return "Invalid percent-encoding in URI password";
      options.password = *decoded_password;
    }
  }
  // A port follows the last ':' unless that colon belongs to a bare IPv6
  // address; bracketed addresses ("[::1]:6379") put it after the ']'.
  std::string_view host = rest;
  size_t colon = rest.rfind(':');
  size_t bracket = rest.find(']');
  bool has_port = colon != std::string_view::npos &&
                  (bracket == std::string_view::npos ? rest.find(':') == colon : colon > bracket);
  if (has_port) {
    host = rest.substr(0, colon);
    auto port = parse_number(rest.substr(colon + 1));
    if (!port || *port > 65535) return "Invalid port in URI";
    options.port = *port;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty()) options.host = std::string(host);
  if (!path.empty()) {
    auto db = parse_number(path);
    if (!db) return "Invalid database number in URI";
    options.db = *db;
  }
  return std::nullopt;
}

}  // namespace fkvs::tools
