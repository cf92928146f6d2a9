// The report of a bundle as data: what index.html, `vmsupport inspect` and
// `inspect --json` show. Built by one pure function from the bundle's own
// documents (manifest.json, changes/, cores/cores.json, case.json,
// scrub-report.json) and its list of members, so that collect (from the
// in-memory documents, before scrubbing the page) and inspect (from the
// members of an existing bundle) show the same thing.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmsupport {

struct ReportCase {
  std::string id;
  std::string severity;
  std::string description;
  std::string contact;
};

struct ReportCollector {
  std::string id;
  std::string group;
  std::string kind;
  std::string status;  // ok, truncated, skipped, failed, timed_out
  std::string reason;
  double duration_s = 0;
  std::uint64_t members = 0;
  std::uint64_t bytes = 0;
  std::string member;  // a member holding its output or error (failures only), or ""
};

struct ReportDiff {
  std::string member;  // e.g. changes/diffs/etc/hosts.diff
  std::string text;    // the unified diff
  std::size_t added = 0;
  std::size_t removed = 0;
};

struct ReportCore {
  std::string path;  // on the host (scrubbed like everything else)
  std::string program;
  std::string signal;  // "11 (SIGSEGV)", or "" when unknown
  std::string time;
  std::string member;     // the packed core, or ""
  std::string backtrace;  // the .bt.txt member, or ""
  std::string note;       // why not packed / no backtrace
  std::vector<std::string> log_lines;
};

struct ReportMember {
  std::string path;  // relative to the bundle's top directory
  std::optional<std::uint64_t> size;  // unknown for the page itself
  std::string link_target;            // symlinks only
  std::string collector;              // the collector that gathered it; "" when unknown
};

struct ReportChart {
  std::string member;  // performance/cpu.svg
  std::string title;   // what it shows ("CPU usage (%)"), from its <title>, else its name
  std::string svg;     // the chart itself; "" when it could not be read
};

// The bundle's state in one word and a phrase: "complete", "partial" (a
// collector failed or timed out: "2 collectors failed") or "interrupted".
struct ReportStatus {
  std::string word;
  std::string detail;
};

struct ReportModel {
  std::string bundle;
  std::string tool;  // "vmsupport 0.1.0" (+ " scrub")
  std::optional<ReportCase> case_info;
  std::string platform;
  std::string platform_reason;
  std::string hostname;  // a pseudonym when the bundle is scrubbed
  std::string os;
  std::string kernel;
  std::string started;
  std::string finished;
  double duration_s = 0;
  bool interrupted = false;
  std::vector<std::pair<std::string, std::string>> options;  // given options only
  bool scrubbed = false;
  std::string scrub;                       // the scrubber's description
  std::vector<std::string> kept;           // categories kept as they are (--keep)
  std::vector<std::string> left_out;       // "path: reason", not in the bundle on purpose
  std::vector<std::string> not_scrubbed;   // "path: reason", packed unscrubbed
  std::vector<std::pair<std::string, std::size_t>> summary;  // status -> collectors, fixed order
  std::vector<ReportCollector> collectors;  // by status_rank, then by id
  bool has_changes = false;
  std::string changes_summary;
  std::vector<ReportDiff> diffs;
  bool has_cores = false;
  std::string cores_searched;
  std::vector<ReportCore> cores;
  std::vector<ReportChart> charts;  // performance/*.svg members
  std::vector<ReportMember> members;  // sorted by path: all, or the first ones (see ReportInputs)
  std::size_t member_count = 0;      // every member of the bundle, listed or not
  std::uint64_t member_bytes = 0;
};

// What the report is built from: manifest.json's content, the members the
// report reads (wanted_for_report) by path, and every member of the bundle.
struct ReportInputs {
  nlohmann::json manifest;
  std::map<std::string, std::string> documents;
  std::vector<ReportMember> members;
  // Members counted but not in `members`: a run of 100,000 files lists the
  // first ones by path (all the page shows), not all of them.
  std::size_t members_not_listed = 0;
  std::uint64_t bytes_not_listed = 0;
};

// True for the members whose content the report reads (the documents and
// the performance charts, which the page embeds).
bool wanted_for_report(std::string_view path);

// The model of the report. Missing or odd fields of the documents leave the
// matching part empty; it does not fail.
// Takes `inputs` by value: a caller done with them moves them in (the member
// list of a large bundle is not copied).
ReportModel build_report_model(ReportInputs inputs);

// How much a collector status asks for attention: timed_out 0, failed 1,
// truncated 2, ok 3, skipped 4, anything else 5 (the report lists the
// lowest first).
int status_rank(std::string_view status);

// The overall state of the bundle (see ReportStatus).
ReportStatus overall_status(const ReportModel& model);

// True when the bundle was made by `vmsupport scrub` from an existing
// bundle: it has no collectors, only the members of its source.
bool made_by_scrub(const ReportModel& model);

// The severity with its meaning: "2 (severely degraded)"; as given when it
// is not 1 to 4.
std::string severity_text(std::string_view severity);

// `inspect --json`: the model as JSON (fields documented in README.md).
nlohmann::ordered_json report_json(const ReportModel& model);

// `inspect`: the model as plain text for a terminal.
std::string render_report_text(const ReportModel& model);

}  // namespace vmsupport
