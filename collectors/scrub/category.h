// What kind of personal data a value is: decides its pseudonym's shape and
// what `--keep` can keep.
#pragma once

#include <optional>
#include <string_view>

namespace vmsupport {

enum class Category {
  host,    // host-0001
  domain,  // domain-01.invalid
  vm,      // vm-0001
  user,    // user-0001
  word,    // word-0001 (--scrub-word)
  ipv4,    // 240.0.1.23: subnet kept, special addresses kept
  ipv6,    // 3fff:0:0:1::23-like, special prefixes kept
  mac,     // OUI and notation kept
  email,   // user-0002@domain-01.invalid
};

// "host", "domain", "vm", "user", "word", "ipv4", "ipv6", "mac", "email".
std::string_view category_name(Category category);

// ipv4, ipv6 and mac: values found by pattern whose pseudonyms have the
// shape of real values.
constexpr bool is_address(Category category) {
  return category == Category::ipv4 || category == Category::ipv6 || category == Category::mac;
}

// The inverse of category_name; nullopt for an unknown name.
std::optional<Category> category_from_name(std::string_view name);

}  // namespace vmsupport
