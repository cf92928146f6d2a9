// How far a collect is, for whoever shows it (the cli draws a line on a
// terminal). The engine only calls the callback; it never writes to a terminal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace vmsupport {

struct Progress {
  std::string step;                  // "plan", "inventory", "changes", "collect", "cores", "documents", "done"
  std::string current;               // the collector being gathered (step "collect"), else ""
  std::size_t done = 0;              // tasks written to the bundle
  std::size_t total = 0;             // tasks planned
  std::uint64_t bytes = 0;           // bytes gathered so far (before compression)
  std::uint64_t estimated_bytes = 0; // the plan's estimate (caps applied; 0 = unknown)
};

// Called on the thread that writes the bundle, between members; must be cheap.
using ProgressCallback = std::function<void(const Progress&)>;

}  // namespace vmsupport
