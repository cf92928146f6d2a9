// Category names as written in the pseudonym map, --keep and the report (see category.h).
#include "scrub/category.h"

namespace vmsupport {
namespace {

struct NamedCategory {
  Category category;
  std::string_view name;
};

constexpr NamedCategory k_names[] = {
    {Category::host, "host"}, {Category::domain, "domain"}, {Category::vm, "vm"},
    {Category::user, "user"}, {Category::word, "word"},     {Category::ipv4, "ipv4"},
    {Category::ipv6, "ipv6"}, {Category::mac, "mac"},       {Category::email, "email"},
};

}  // namespace

std::string_view category_name(Category category) {
  for (const NamedCategory& named : k_names) {
    if (named.category == category) return named.name;
  }
  return "unknown";  // only for a value outside the enum
}

std::optional<Category> category_from_name(std::string_view name) {
  for (const NamedCategory& named : k_names) {
    if (named.name == name) return named.category;
  }
  return std::nullopt;
}

}  // namespace vmsupport
