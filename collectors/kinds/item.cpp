// Status names as written to manifest.json.
#include "kinds/item.h"

namespace vmsupport {

const char* status_name(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::truncated: return "truncated";
    case Status::skipped: return "skipped";
    case Status::failed: return "failed";
    case Status::timed_out: return "timed_out";
  }
  return "unknown";
}

}  // namespace vmsupport
