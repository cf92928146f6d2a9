// Tests for deliver/retry_policy: which failures are retried, and the back-off.
#include <doctest/doctest.h>

#include "deliver/retry_policy.h"

namespace vmsupport {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

HttpFileResponse answer(long status) {
  HttpFileResponse response;
  response.transferred = true;
  response.status = status;
  return response;
}

HttpFileResponse network(bool transient) {
  HttpFileResponse response;
  response.error = "Failed to connect";
  response.network_error = transient;
  return response;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("2xx answers succeed; 408, 429, 5xx and network failures are retried; other 4xx are final") {
    for (long status : {200L, 201L, 204L}) CHECK(upload_succeeded(answer(status)));
    for (long status : {301L, 400L, 404L, 500L}) CHECK_FALSE(upload_succeeded(answer(status)));
    for (long status : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) {
      CAPTURE(status);
      CHECK(is_transient(answer(status)));
    }
    for (long status : {400L, 401L, 403L, 404L, 405L, 409L, 413L, 301L}) {
      CAPTURE(status);
      CHECK_FALSE(is_transient(answer(status)));
    }
    CHECK(is_transient(network(true)));
    CHECK_FALSE(is_transient(network(false)));  // e.g. a certificate that does not verify
  }

  TEST_CASE("the back-off doubles from the base delay, is capped, and honours Retry-After") {
    CHECK(backoff_delay(milliseconds(100), 1) == milliseconds(100));
    CHECK(backoff_delay(milliseconds(100), 2) == milliseconds(200));
    CHECK(backoff_delay(milliseconds(100), 4) == milliseconds(800));
    CHECK(backoff_delay(milliseconds(1000), 40) == k_max_backoff);
    CHECK(backoff_delay(milliseconds(100), 1, seconds(3)) == milliseconds(3000));
    CHECK(backoff_delay(milliseconds(100), 1, seconds(86400)) == k_max_retry_after);
    CHECK(backoff_delay(milliseconds(0), 3) == milliseconds(0));
  }
}

}  // namespace vmsupport
