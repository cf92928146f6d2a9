// Fuzz target for the pattern finders the scrubber relies on: user names in
// log fields (scrub/user_fields), secrets to mask (scrub/secrets) and the
// generic patterns (addresses, e-mail; scrub/patterns). Every span must lie
// inside the text; secrets and patterns come in order without overlapping; a user field
// is never a built-in account.
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "scrub/patterns.h"
#include "scrub/secrets.h"
#include "scrub/user_fields.h"

using namespace vmsupport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const UserField& field : find_user_fields(text)) {
    fuzz::expect(field.begin < field.end && field.end <= size, "a user field outside the text or empty");
    fuzz::expect(!is_builtin_account(text.substr(field.begin, field.end - field.begin)),
                 "a built-in account found as a user");
  }
  std::size_t previous_end = 0;
  for (const SecretSpan& secret : find_secrets(text)) {
    fuzz::expect(secret.begin <= secret.end && secret.end <= size, "a secret span outside the text");
    fuzz::expect(secret.begin >= previous_end, "secret spans out of order or overlapping");
    fuzz::expect(!secret.replacement.empty(), "a secret span without its mask");
    previous_end = secret.end;
  }
  previous_end = 0;
  for (const PatternMatch& match : find_patterns(text)) {
    fuzz::expect(match.begin < match.end && match.end <= size, "a pattern match outside the text or empty");
    fuzz::expect(match.begin >= previous_end, "pattern matches out of order or overlapping");
    previous_end = match.end;
  }
  return 0;
}
