// errno_text: strerror without the thread-safety trap.
#include "util/result.h"

#include <cstring>

namespace vmsupport {

std::string errno_text(int error_number) {
  char buffer[256];
  // GNU strerror_r returns a char* that may or may not point into buffer.
  const char* text = strerror_r(error_number, buffer, sizeof buffer);
  return text;
}

}  // namespace vmsupport
