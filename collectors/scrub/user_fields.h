// User names where logs and configuration name a user: `user=NAME`,
// `user: NAME`, `for user NAME`, sshd's `Accepted password for NAME from`,
// `User NAME@…`, `DOMAIN\NAME`, `C:\Users\NAME`, `/home/NAME`, `/Users/NAME`.
// Used twice: by the inventory, which reads the manifest's log sources before
// anything is written (so the same user is also replaced where it stands
// bare), and by the scrubber on every text (so a user found only in a field
// is replaced there whatever the order of the members).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vmsupport {

struct UserField {
  std::size_t begin = 0;  // the name's first byte
  std::size_t end = 0;    // one past its last byte
};

// Every user name in a field of `text`, in order, without built-in and
// service accounts (root, Administrator, nobody, vpxuser…). Never throws.
std::vector<UserField> find_user_fields(std::string_view text);

// True for names that are accounts of the system or product, never a person's.
bool is_builtin_account(std::string_view name);

}  // namespace vmsupport
