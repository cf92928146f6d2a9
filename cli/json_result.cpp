// The --json result objects (see json_result.h).
#include "json_result.h"

#include <filesystem>
#include <iostream>

namespace vmsupport::cli {
namespace {

using json = nlohmann::ordered_json;

json scrub_json(const CollectSummary& s) {
  json replaced = json::object();
  for (const auto& [category, count] : s.replaced) replaced[category] = count;
  return json{{"enabled", s.scrubbed},
              {"description", s.scrub},
              {"replaced", replaced},
              {"kept", s.kept},
              {"map", s.map_path.empty() ? json() : json(s.map_path)},
              {"packed_unscrubbed", s.unscrubbed}};
}

// Scripts get absolute paths, whatever -o was ("-" stays "-").
std::string absolute(const std::string& path) {
  if (path.empty() || path == "-") return path;
  std::error_code error;
  const std::filesystem::path full = std::filesystem::absolute(path, error);
  return error ? path : full.lexically_normal().string();
}

json parts_json(const CommittedBundle& bundle) {
  json parts = json::array();
  for (const BundlePart& part : bundle.parts) {
    parts.push_back(json{{"path", absolute(part.path)}, {"size", part.size}, {"sha256", part.sha256}});
  }
  return parts;
}

}  // namespace

const char* status_word(int exit_code) {
  switch (exit_code) {
    case k_exit_complete: return "complete";
    case k_exit_partial: return "partial";
    case k_exit_usage: return "usage_error";
    case k_exit_locked: return "locked";
    default: return "failed";
  }
}

json collect_result_json(const CollectSummary& s, const CaseInfo& case_info) {
  json collectors = json::object();
  for (const auto& [status, count] : s.collectors) collectors[status] = count;
  json warnings = json::array();
  for (const std::string& problem : s.problems) warnings.push_back(problem);
  if (!s.map_warning.empty()) warnings.push_back(s.map_warning);
  return json{{"format_version", 1},
              {"command", "collect"},
              {"exit_code", s.exit_code},
              {"status", status_word(s.exit_code)},
              {"path", absolute(s.bundle.path)},
              {"size", s.bundle.size},
              {"sha256", s.bundle.sha256},
              {"sha256_file", s.bundle.sha256_path.empty() ? json() : json(absolute(s.bundle.sha256_path))},
              {"parts", parts_json(s.bundle)},
              {"case", case_info.empty() ? json() : case_json(case_info)},
              {"platform", s.platform},
              {"host", s.host},
              {"duration_s", static_cast<double>(s.duration.count()) / 1000.0},
              {"interrupted", s.interrupted},
              {"not_gathered", s.not_gathered},
              {"collectors", collectors},
              {"privileges", json{{"root", s.root}, {"permission_denied", s.permission_denied}}},
              {"scrub", scrub_json(s)},
              {"left_out", s.left_out},
              {"warnings", warnings},
              {"error", nullptr}};
}

json error_json(const std::string& command, int exit_code, const Error& error) {
  return json{{"format_version", 1},
              {"command", command},
              {"exit_code", exit_code},
              {"status", status_word(exit_code)},
              {"error", error.message},
              {"hint", error.hint.empty() ? json() : json(error.hint)}};
}

void print_json(const nlohmann::ordered_json& doc) {
  std::cout << doc.dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
}

}  // namespace vmsupport::cli
