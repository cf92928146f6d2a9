// send_file in a build without libcurl (VMSUPPORT_WITH_UPLOAD=OFF, e.g. the
// static binary): `upload` says so and suggests curl (see http_client.h).
#include "deliver/http_client.h"

namespace vmsupport {

bool http_upload_available() { return false; }

HttpFileResponse send_file(const HttpFileRequest&) {
  HttpFileResponse response;
  response.error = "this build of vmsupport has no upload support";
  return response;
}

}  // namespace vmsupport
