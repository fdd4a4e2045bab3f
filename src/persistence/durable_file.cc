#include "persistence/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace fkvs::persistence {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

void sync_directory_of(const std::string& path) {
  const std::string directory = directory_of(path);
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno("open " + directory);
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0) {
    errno = error;
    throw_errno("fsync " + directory);
  }
}

void replace_file_durably(const std::string& path, const std::function<void(int fd)>& write_body) {
  const size_t slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string temp =
      (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + "temp-" +
      std::to_string(::getpid()) + "." + name;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("open " + temp);
  bool closed = false;
  try {
    write_body(fd);
    if (::fsync(fd) != 0) throw_errno("fsync " + temp);
    closed = true;  // even a failed close releases the descriptor
    if (::close(fd) != 0) throw_errno("close " + temp);
  } catch (...) {
    if (!closed) ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    errno = error;
    throw_errno("rename " + temp + " to " + path);
  }
  sync_directory_of(path);
}

}  // namespace fkvs::persistence
