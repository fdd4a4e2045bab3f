#pragma once

#include <functional>
#include <string>

namespace fkvs::persistence {

// Replaces the file at path so that a crash at any moment leaves either the
// old file or the whole new one: write_body writes into a temporary file in
// the same directory (temp-<pid>.<name>), which is fsynced, renamed over
// path, and the directory fsynced so the rename itself is durable. On any
// failure the temporary file is removed and std::system_error thrown; the
// old file is untouched.
void replace_file_durably(const std::string& path, const std::function<void(int fd)>& write_body);

// fsync of the directory holding path (after a rename or unlink in it).
void sync_directory_of(const std::string& path);

}  // namespace fkvs::persistence
