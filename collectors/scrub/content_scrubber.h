// The scrubber of a collect: replaces the inventory's names (in every
// encoding), addresses and e-mail found by pattern, and host names under a
// known domain with their pseudonyms, and masks secrets — in member contents,
// member names and symlink targets. Compressed members (gzip) are
// decompressed and scrubbed; other binary members are left out, because they
// cannot be scrubbed. Every byte that is not a replaced value stays as it was.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "kinds/inventory.h"
#include "scrub/name_matcher.h"
#include "scrub/pseudonyms.h"
#include "scrub/scrubber.h"
#include "util/task_thread.h"

namespace vmsupport {

struct ScrubSettings {
  std::set<Category> keep;                 // --keep: categories left as they are
  std::vector<std::string> words;          // --scrub-word / --scrub-words
  std::uint64_t max_decompressed = 25ull << 20;  // a decompressed .gz keeps its newest bytes
  std::string spool_dir;                   // where large contents are spooled ("" = $TMPDIR)
  std::string cache_dir;                   // compiled name matchers of earlier runs ("" = none)
  bool analyse_ahead = true;               // a large body's next chunks are analysed, and the one before written, on threads of their own
};

// What the scrubber did, for scrub-report.json: counts only, never originals.
// The counts of each member travel with its item (ScrubbedItem::counts).
struct ScrubReport {
  std::map<std::string, std::size_t> inventory;                        // names known, per category
  std::map<std::string, std::size_t> totals;                           // replacements per category
  std::vector<std::pair<std::string, std::string>> left_out;           // (member, why)
  std::vector<std::pair<std::string, std::string>> unscrubbed;         // (member, why): packed as they are
};

class ContentScrubber final : public Scrubber {
 public:
  // Builds the matcher from the inventory and the settings; pseudonyms of
  // names are made now, in inventory order. `map` must outlive the scrubber.
  static Result<std::unique_ptr<ContentScrubber>> create(const Inventory& inventory,
                                                         const ScrubSettings& settings, PseudonymMap& map);

  // create() in two steps: compile_names() does the costly part (compiling
  // thousands of names takes tens of MiB for a while) before the map is
  // loaded, so the two never add up in the peak memory of a run.
  struct CompiledNames {
    std::vector<NameEntry> entries;  // replacements not yet given
    NameMatcher matcher;
    std::map<std::string, std::size_t> counts;  // names per category
    std::set<std::string> service_accounts;
  };
  static Result<CompiledNames> compile_names(const Inventory& inventory, const ScrubSettings& settings);
  static std::unique_ptr<ContentScrubber> create(CompiledNames names, const ScrubSettings& settings,
                                                 PseudonymMap& map);

  ~ContentScrubber() override;

  ScrubbedItem scrub(CollectedItem item) override;
  std::unique_ptr<PreparedScrub> prepare(CollectedItem& item) const override;
  ScrubbedItem scrub_prepared(CollectedItem item, std::unique_ptr<PreparedScrub> prepared) override;
  std::string description() const override;
  bool active() const override { return true; }
  std::string scrub_value(std::string_view text) override;

  // Each chunk ahead is analysed on a thread of its own: 2 by default.
  void set_chunks_ahead(std::size_t chunks) override {
    m_chunks_ahead = std::clamp<std::size_t>(chunks, 1, m_analysers.size());
  }

  // Scrubs one text; adds what was replaced to `counts`. Thread-safe.
  std::string scrub_text(std::string_view text, ScrubCounts& counts) const;

  // A snapshot of the report so far.
  ScrubReport report() const;

 private:
  ContentScrubber(ScrubSettings settings, PseudonymMap& map);
  bool keeps(Category category) const { return m_settings.keep.contains(category); }
  struct Plan;      // where the replacements go in one text (content_scrubber.cpp)
  struct Prepared;  // a member's plan, or the decision to leave it out
  Plan analyse(std::string_view text) const;
  std::future<Plan> analyse_later(std::string_view text) const;  // on m_analyser
  struct PendingChunk;
  // Applying a plan: resolve() gives every address and host label its
  // pseudonym (made when new, so it runs in bundle order) and counts the
  // replacements; render() then writes the text, on any thread.
  using PseudonymCache = std::unordered_map<std::string, std::string>;
  std::string apply(std::string_view text, Plan& plan, ScrubCounts& counts) const;
  void resolve(std::string_view text, Plan& plan, PseudonymCache& pseudonyms, ScrubCounts& counts) const;
  static void render(std::string_view text, const Plan& plan, std::string& out);
  void leave_out(CollectedItem& item);
  bool decompress(CollectedItem& item) const;
  bool scrub_body(CollectedItem& item, ScrubCounts& counts) const;

  ScrubSettings m_settings;
  PseudonymMap& m_map;
  NameMatcher m_names;
  std::set<std::string> m_service_accounts;  // never taken as users from log fields
  mutable std::mutex m_report_mutex;
  // Chunk-sized buffers of streamed bodies, kept from one body to the next.
  std::string take_buffer() const;
  void give_back(std::string buffer) const;
  mutable std::mutex m_buffers_mutex;
  mutable std::vector<std::string> m_buffers;
  // Plans of earlier texts, kept for their memory (content_scrubber.cpp).
  Plan take_plan() const;
  void give_back(Plan plan) const;
  mutable std::mutex m_plans_mutex;
  mutable std::vector<Plan> m_spare_plans;
  ScrubReport m_report;
  // Analyse the chunks of a streamed body ahead of the one being applied,
  // in turn. Last members: they finish their tasks before the rest is destroyed.
  std::size_t m_chunks_ahead = 2;
  mutable std::atomic<std::size_t> m_next_analyser{0};
  mutable std::array<TaskThread, 2> m_analysers;
  // Renders and writes the resolved chunks of a streamed body, in order
  // (unless analyse_ahead is off: then the thread that resolves does it).
  mutable TaskThread m_writer;
};

// Parses --keep: "ip,mac" -> {ipv4, ipv6, mac}. Accepts host, domain, vm,
// user, ip, ipv4, ipv6, mac, email; fails naming an unknown one.
Result<std::set<Category>> parse_keep(const std::string& list);

}  // namespace vmsupport
