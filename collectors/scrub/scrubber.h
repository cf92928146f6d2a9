// The only way to a ScrubbedItem, the only thing the archive writer accepts:
// unscrubbed data cannot reach the bundle by accident. Scrubbing of names and
// addresses plugs in here; PassThroughScrubber is the explicit, visible
// pass-through used with --no-scrub.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "kinds/item.h"

namespace vmsupport {

class Scrubber;

// Replacement counts of one text, per category ("secret" for masked values).
using ScrubCounts = std::map<std::string, std::size_t>;

// What a scrubber worked out for one item ahead of time (see Scrubber::prepare).
class PreparedScrub {
 public:
  virtual ~PreparedScrub() = default;
  // Memory it holds, for the collection's memory budget.
  virtual std::uint64_t held_bytes() const { return 0; }
};

class ScrubbedItem {
 public:
  const CollectedItem& item() const { return m_item; }
  // True when the content went through a real scrubber (false for --no-scrub).
  bool scrubbed() const { return m_scrubbed; }
  // What was replaced in the content, per category (scrub-report.json's members).
  const ScrubCounts& counts() const { return m_counts; }

 private:
  friend class Scrubber;
  ScrubbedItem(CollectedItem item, bool scrubbed, ScrubCounts counts)
      : m_item(std::move(item)), m_scrubbed(scrubbed), m_counts(std::move(counts)) {}
  CollectedItem m_item;
  bool m_scrubbed;
  ScrubCounts m_counts;
};

class Scrubber {
 public:
  virtual ~Scrubber() = default;
  // Replaces personal data in the item's content and path. Thread-safe.
  virtual ScrubbedItem scrub(CollectedItem item) = 0;
  // The expensive, order-independent part of scrubbing (finding what to
  // replace), for a worker thread; may decompress the item. The result goes
  // to scrub_prepared(), which runs in bundle order so that pseudonyms are
  // numbered the same way every run. Thread-safe; null when there is nothing.
  virtual std::unique_ptr<PreparedScrub> prepare(CollectedItem&) const { return nullptr; }
  virtual ScrubbedItem scrub_prepared(CollectedItem item, std::unique_ptr<PreparedScrub>) {
    return scrub(std::move(item));
  }
  // One line for README.txt and the summary, e.g. "not scrubbed (--no-scrub)".
  virtual std::string description() const = 0;
  virtual bool active() const = 0;

  // One value from the host that a document of vmsupport's own shows (a host
  // name, the root, an option, a VM's directory), scrubbed as a member's text
  // would be. Thread-safe.
  virtual std::string scrub_value(std::string_view text) { return std::string(text); }
  // How many chunks of a large body may be analysed ahead of the one applied
  // (each holds 1 MiB and its plan): the executor's memory decision. Set
  // before scrubbing starts.
  virtual void set_chunks_ahead(std::size_t) {}
  // A document rendered from values that are scrubbed already (scrub_value(),
  // member paths, reasons): marked as this scrubber's work, not scrubbed again
  // as a whole. A pass over the whole text would also take the document's
  // keys and the tool's own words for names ("platform": "vcenter" on a host
  // called vcenter, a key "vm" on a host called vm) and mask the count of
  // "secret" replacements as a secret.
  ScrubbedItem rendered(CollectedItem item) { return make(std::move(item), active()); }

 protected:
  static ScrubbedItem make(CollectedItem item, bool scrubbed, ScrubCounts counts = {}) {
    return ScrubbedItem(std::move(item), scrubbed, std::move(counts));
  }
};

// Hands items on unchanged, and says so.
class PassThroughScrubber final : public Scrubber {
 public:
  explicit PassThroughScrubber(std::string why) : m_why(std::move(why)) {}
  ScrubbedItem scrub(CollectedItem item) override { return make(std::move(item), false); }
  std::string description() const override { return "NOT scrubbed: " + m_why; }
  bool active() const override { return false; }

 private:
  std::string m_why;
};

}  // namespace vmsupport
