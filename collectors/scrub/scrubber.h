// The only way to a ScrubbedItem, the only thing the archive writer accepts:
// unscrubbed data cannot reach the bundle by accident. Scrubbing of names and
// addresses plugs in here; PassThroughScrubber is the explicit, visible
// pass-through used with --no-scrub.
#pragma once

#include <string>

#include "kinds/item.h"

namespace vmsupport {

class Scrubber;

class ScrubbedItem {
 public:
  const CollectedItem& item() const { return m_item; }
  // True when the content went through a real scrubber (false for --no-scrub).
  bool scrubbed() const { return m_scrubbed; }

 private:
  friend class Scrubber;
  ScrubbedItem(CollectedItem item, bool scrubbed) : m_item(std::move(item)), m_scrubbed(scrubbed) {}
  CollectedItem m_item;
  bool m_scrubbed;
};

class Scrubber {
 public:
  virtual ~Scrubber() = default;
  // Replaces personal data in the item's content and path. Thread-safe.
  virtual ScrubbedItem scrub(CollectedItem item) = 0;
  // One line for README.txt and the summary, e.g. "not scrubbed (--no-scrub)".
  virtual std::string description() const = 0;
  virtual bool active() const = 0;

 protected:
  static ScrubbedItem make(CollectedItem item, bool scrubbed) {
    return ScrubbedItem(std::move(item), scrubbed);
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
