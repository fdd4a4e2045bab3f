#include "net/epoll_poller.h"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace fkvs::net {

EpollPoller::EpollPoller() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)), events_(1024) {
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + strerror(errno));
}

EpollPoller::~EpollPoller() { ::close(epoll_fd_); }

bool EpollPoller::add(int fd) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void EpollPoller::set_interest(int fd, Interest which) {
  epoll_event ev{};
  ev.events = (which.read ? static_cast<uint32_t>(EPOLLIN) : 0u) |
              (which.write ? static_cast<uint32_t>(EPOLLOUT) : 0u);
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void EpollPoller::throw_wait_error() {
  throw std::runtime_error(std::string("epoll_wait: ") + strerror(errno));
}

void EpollPoller::remove(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

}  // namespace fkvs::net
