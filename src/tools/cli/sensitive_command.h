#pragma once

#include <span>
#include <string>

namespace fkvs::cli {

// Whether a command carries a password and so stays out of the history file, as
// redis-cli 7.0.15 decides: AUTH, ACL SETUSER, CONFIG SET masterauth, masteruser or
// requirepass (the first parameter only), and HELLO or MIGRATE with an AUTH/AUTH2
// argument.
bool is_sensitive_command(std::span<const std::string> args);

}  // namespace fkvs::cli
