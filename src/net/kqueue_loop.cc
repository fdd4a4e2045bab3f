#include "net/kqueue_loop.h"

namespace fkvs::net {

template class ReadinessLoop<KqueuePoller>;

}  // namespace fkvs::net
