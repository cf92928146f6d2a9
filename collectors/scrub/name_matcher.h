// Finding known names (from the host's inventory, and --scrub-word) in text:
// every name in every encoding it takes (encodings.h), ASCII-case-insensitive,
// as whole tokens (not inside a longer alphanumeric word, but between any
// punctuation: dc01-flat.vmdk, [datastore1] Payroll DB/Payroll DB.vmx),
// leftmost-longest (an FQDN before its short name). Generic names (a host
// called "server", a VM called "test") match only where they stand as names:
// a whole path component, a quoted value, a bracketed token.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "scrub/category.h"
#include "scrub/encodings.h"
#include "scrub/hyperscan.h"

namespace vmsupport {

struct NameEntry {
  std::string name;         // as found in the inventory
  std::string replacement;  // its pseudonym
  Category category = Category::host;
  bool generic = false;     // see is_generic_name()
};

struct NameMatch {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string_view replacement;  // the pseudonym, in the encoding the name was found in (owned by the matcher)
  Category category = Category::host;
};

// True for names too common to replace everywhere: under 3 bytes, only
// digits, or a common word ("vm", "server", "test", "backup", ...).
bool is_generic_name(std::string_view name);

class NameMatcher {
 public:
  // Compiles the names (empty names are ignored). Fails when Hyperscan does.
  static Result<NameMatcher> build(const std::vector<NameEntry>& names, const std::string& cache_dir = "");

  // build() in two steps, so that the costly one (compiling, tens of MiB for
  // a while with thousands of names) can run before anything else big is in
  // memory: compile() ignores the replacements; assign() then gives them,
  // `replacement_of(i)` for names[i], called in order of the names.
  static Result<NameMatcher> compile(const std::vector<NameEntry>& names, const std::string& cache_dir = "");
  void assign(const std::function<std::string(std::size_t)>& replacement_of);

  // Whole-token, leftmost-longest matches in `text`, in order, not overlapping.
  std::vector<NameMatch> find(std::string_view text) const;
  // The same into `matches` (cleared first), which keeps its capacity.
  void find(std::string_view text, std::vector<NameMatch>& matches) const;

  std::size_t size() const { return m_forms.size(); }

 private:
  struct Form {
    std::string replacement;
    Category category;
    bool generic;
    std::size_t name;  // its index in the names given to compile()
    Encoding encoding;
  };
  std::vector<Form> m_forms;
  LiteralSet m_literals;
};

}  // namespace vmsupport
