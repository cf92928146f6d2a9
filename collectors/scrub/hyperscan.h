// A thin owner of Hyperscan literal databases and their scratch spaces: one
// set of literals (caseless), compiled in parts, scanned from any number of
// threads.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

struct hs_database;
struct hs_scratch;

namespace vmsupport {

struct LiteralHit {
  std::size_t begin = 0;
  std::size_t end = 0;
  unsigned id = 0;  // index into the literals given to compile()
};

class LiteralSet {
 public:
  LiteralSet();
  ~LiteralSet();
  LiteralSet(LiteralSet&&) noexcept;
  LiteralSet& operator=(LiteralSet&&) noexcept;

  // Compiles `literals` (none may be empty), matched ASCII-case-insensitively.
  // Fails with Hyperscan's message when it refuses them. With a `cache_dir`,
  // a large set (k_cache_min literals or more) is loaded from the database
  // compiled for the same literals by an earlier run, or compiled and stored
  // there (0600; the newest few kept): a site's inventory rarely changes, and
  // compiling 20,000 literals costs a third of a second. The set is compiled
  // in parts of at most k_part_literals: Hyperscan's compiler needs 60 MB for
  // 20,000 literals at once, 25 MB for each part, while scanning four parts
  // costs a fraction of a millisecond per MiB more than scanning one.
  static Result<LiteralSet> compile(const std::vector<std::string>& literals, const std::string& cache_dir = "");
  static constexpr std::size_t k_cache_min = 1000;
  static constexpr std::size_t k_part_literals = 4096;

  // Every occurrence of every literal in `text`, overlapping ones included,
  // in no particular order. Thread-safe.
  std::vector<LiteralHit> scan(std::string_view text) const;
  void scan(std::string_view text, std::vector<LiteralHit>& hits) const;  // into `hits`, cleared first

  bool empty() const { return m_databases.empty(); }

 private:
  hs_scratch* take_scratch() const;
  void give_back(hs_scratch* scratch) const;

  std::vector<hs_database*> m_databases;  // the parts, literal ids global
  std::vector<std::size_t> m_lengths;
  mutable std::mutex m_mutex;
  mutable std::vector<hs_scratch*> m_idle;
  hs_scratch* m_prototype = nullptr;  // fits every part
};

}  // namespace vmsupport
