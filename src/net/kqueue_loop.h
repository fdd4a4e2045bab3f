#pragma once

#include "net/kqueue_poller.h"
#include "net/readiness_loop.h"

namespace fkvs::net {

// The BSD and macOS backend.
using KqueueLoop = ReadinessLoop<KqueuePoller>;

// Compiled once, in kqueue_loop.cc.
extern template class ReadinessLoop<KqueuePoller>;

}  // namespace fkvs::net
