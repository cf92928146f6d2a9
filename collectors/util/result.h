// Result<T>: the one way expected failures travel through vmsupport.
// A failure is an Error value (a message, optionally a hint); exceptions are
// only used at the boundaries (CLI11, yaml-cpp) and turned into Errors there.
#pragma once

#include <expected>
#include <string>
#include <type_traits>
#include <utility>

namespace vmsupport {

struct Error {
  std::string message;  // what went wrong and where, ready to print
  std::string hint;     // optional: what the user can do about it
  int code = 0;         // errno behind it, when there is one
};

template <typename T>
using Result = std::expected<T, Error>;

namespace detail {
template <typename Part>
void append_part(std::string& out, const Part& part) {
  if constexpr (std::is_arithmetic_v<Part>) out += std::to_string(part);
  else out += part;
}
}  // namespace detail

// Shorthand for returning a failure: `return fail("cannot open ", path);`
// Numbers are printed as numbers.
template <typename... Parts>
std::unexpected<Error> fail(const Parts&... parts) {
  std::string message;
  (detail::append_part(message, parts), ...);
  return std::unexpected<Error>(Error{std::move(message), {}, 0});
}

// Like fail(), carrying the errno value `code`.
template <typename... Parts>
std::unexpected<Error> fail_errno(int code, const Parts&... parts) {
  auto error = fail(parts...);
  error.error().code = code;
  return error;
}

// Text of an errno value, e.g. "Permission denied".
std::string errno_text(int error_number);

}  // namespace vmsupport
