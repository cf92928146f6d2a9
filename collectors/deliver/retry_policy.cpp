// Transient or final, and the back-off between attempts (see retry_policy.h).
#include "deliver/retry_policy.h"

#include <algorithm>

namespace vmsupport {

bool upload_succeeded(const HttpFileResponse& response) {
  return response.transferred && response.status >= 200 && response.status < 300;
}

bool is_transient(const HttpFileResponse& response) {
  if (!response.transferred) return response.network_error;
  return response.status == 408 || response.status == 429 || (response.status >= 500 && response.status < 600);
}

std::chrono::milliseconds backoff_delay(std::chrono::milliseconds base, unsigned retry,
                                        std::chrono::seconds retry_after) {
  std::chrono::milliseconds delay = base;
  for (unsigned i = 1; i < retry && delay < k_max_backoff; ++i) delay *= 2;
  delay = std::min(delay, k_max_backoff);
  const std::chrono::milliseconds server = std::min(retry_after, k_max_retry_after);
  return std::max(delay, server);
}

}  // namespace vmsupport
