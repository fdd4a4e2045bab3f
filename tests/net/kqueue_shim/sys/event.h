#pragma once

// Test-only: the part of BSD's <sys/event.h> that KqueuePoller uses, built on
// Linux's epoll so that the kqueue backend can run in the unit tests. This
// directory comes first on the include path of those tests only.
//
// It follows kqueue(2): each descriptor has a read and a write filter, each
// level-triggered and enabled or disabled on its own; kevent() applies the
// changelist before it waits; a refused change comes back as an EV_ERROR event
// carrying the errno in data, and only those come back when there are any (as
// on FreeBSD), or the call fails when there is no room for one; EV_EOF marks a
// peer that has finished sending (read filter) or a socket that can send no
// more (write filter).
//
// Left out: other filters, EV_CLEAR, EV_ONESHOT and EV_RECEIPT; data, fflags
// and udata read back as 0. close() is invisible to the shim, so a descriptor's
// filters must be deleted before it is closed (KqueuePoller does). One thread.

#include <cstdint>
#include <ctime>

struct kevent {
  uintptr_t ident;
  int16_t filter;
  uint16_t flags;
  uint32_t fflags;
  int64_t data;
  void* udata;
};

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)

#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_DISABLE 0x0008
#define EV_ERROR 0x4000
#define EV_EOF 0x8000

#define EV_SET(kev, ident_, filter_, flags_, fflags_, data_, udata_) \
  do {                                                               \
    struct kevent* set_ = (kev);                                     \
    set_->ident = (ident_);                                          \
    set_->filter = (filter_);                                        \
    set_->flags = (flags_);                                          \
    set_->fflags = (fflags_);                                        \
    set_->data = (data_);                                            \
    set_->udata = (udata_);                                          \
  } while (0)

extern "C" {
int kqueue();
int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist,
           int nevents, const struct timespec* timeout);
}
