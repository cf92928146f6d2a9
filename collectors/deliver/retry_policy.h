// When `upload` tries again, and how long it waits first: connection failures,
// timeouts and HTTP 408, 429 and 5xx are transient; every other 4xx is final.
#pragma once

#include <chrono>

#include "deliver/http_client.h"

namespace vmsupport {

// True when the attempt succeeded: a 2xx answer.
bool upload_succeeded(const HttpFileResponse& response);

// True when another attempt may succeed where this one failed.
bool is_transient(const HttpFileResponse& response);

// The wait before retry number `retry` (1 = the first retry): `base` doubled
// each time, at most k_max_backoff; at least the server's Retry-After (itself
// capped at k_max_retry_after).
std::chrono::milliseconds backoff_delay(std::chrono::milliseconds base, unsigned retry,
                                        std::chrono::seconds retry_after = std::chrono::seconds(0));

inline constexpr std::chrono::milliseconds k_max_backoff{std::chrono::minutes(2)};
inline constexpr std::chrono::seconds k_max_retry_after{std::chrono::minutes(5)};

}  // namespace vmsupport
