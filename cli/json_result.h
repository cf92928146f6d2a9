// --json: the one JSON object a command prints on stdout at its end. The
// field set is documented in README.md ("--json") and pinned by a test.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "pipeline/collect.h"

namespace vmsupport::cli {

// "complete" (0), "partial" (1), "usage_error" (2), "failed" (3), "locked" (5).
const char* status_word(int exit_code);

// collect's result: path, size, sha256, parts, case, platform, host, collectors,
// scrub, left_out, warnings, exit_code, status.
nlohmann::ordered_json collect_result_json(const CollectSummary& summary, const CaseInfo& case_info);

// A failure before any bundle: {"command", "exit_code", "status", "error", "hint"}.
nlohmann::ordered_json error_json(const std::string& command, int exit_code, const Error& error);

// Prints `doc` on stdout, one line.
void print_json(const nlohmann::ordered_json& doc);

}  // namespace vmsupport::cli
