// manifest.json and README.txt of a re-scrubbed bundle (see rescrub_documents.h).
#include "bundle/rescrub_documents.h"

#include <cstdint>
#include <map>
#include <sstream>

namespace vmsupport {
namespace {

using json = nlohmann::ordered_json;

std::map<std::string, std::size_t> count_items(const RescrubRecord& record) {
  std::map<std::string, std::size_t> counts;
  for (const ItemRecord& item : record.items) ++counts[status_name(item.status)];
  return counts;
}

// Members of the source bundle: (copied, left out).
std::pair<std::size_t, std::size_t> count_members(const RescrubRecord& record) {
  std::size_t copied = 0;
  std::size_t left_out = 0;
  for (const ItemRecord& item : record.items) {
    if (item.collector == SIZE_MAX) continue;
    ++(item.path.empty() ? left_out : copied);
  }
  return {copied, left_out};
}

json manifest(const RescrubRecord& record, bool with_items) {
  json items = json::array();
  for (const ItemRecord& item : record.items) {
    if (!with_items) break;
    items.push_back(render_item_json(
        item, item.collector == SIZE_MAX ? k_document_collector : k_source_collector));
  }
  return json{
      {"format_version", 1},
      {"tool", {{"name", "vmsupport"}, {"version", VMSUPPORT_VERSION}, {"command", "scrub"}}},
      {"bundle", record.bundle_name},
      {"source_bundle", record.source_bundle},
      {"source_is_vmsupport", record.source_is_vmsupport},
      {"started", format_iso_utc(record.started)},
      {"finished", format_iso_utc(record.finished)},
      {"duration_s", std::chrono::duration<double>(record.finished - record.started).count()},
      {"interrupted", false},
      {"platform",
       {{"name", record.platform},
        {"manifest", record.platform_manifest},
        {"reason", record.platform_reason}}},
      {"host", {{"hostname", record.hostname}, {"hostname_source", "source bundle"}}},
      {"options", record.options},
      {"scrub", {{"scrubbed", true}, {"description", record.scrub}}},
      {"summary", count_items(record)},
      {"items", items},
  };
}

}  // namespace

std::string render_rescrub_manifest(const RescrubRecord& record) {
  return manifest(record, true).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string render_rescrub_manifest_summary(const RescrubRecord& record) {
  return manifest(record, false).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string render_rescrub_readme(const RescrubRecord& record) {
  const auto [copied, left_out] = count_members(record);
  std::ostringstream out;
  out << "vmsupport diagnostic bundle, scrubbed from an existing bundle\n"
         "=============================================================\n\n"
      << "Bundle:    " << record.bundle_name << "\n"
      << "Made:      " << format_iso_utc(record.started) << " by vmsupport " << VMSUPPORT_VERSION
      << " scrub\n"
      << "From:      " << record.source_bundle
      << (record.source_is_vmsupport ? " (made by vmsupport)" : " (made by another tool)") << "\n"
      << "Host:      " << record.hostname << "\n"
      << "Platform:  " << record.platform << " (" << record.platform_reason
      << "): its inventory of names and its forbidden paths were applied\n"
      << "Scrubbing: " << record.scrub << "\n"
      << "\nMembers:   " << copied << " of the source bundle, scrubbed; " << left_out
      << " left out (each listed with its reason in manifest.json)\n"
      << "\nLayout\n------\n"
         "  README.txt          this file\n"
         "  index.html          the same summary as a page, made from this bundle: open it in a\n"
         "                      browser (the source bundle's own page is left out)\n"
         "  manifest.json       every member of the source bundle: its path here, size, sha256,\n"
         "                      its path in the source bundle (\"source\"), or why it was left "
         "out\n"
         "  scrub-report.json   what was replaced, counted per category and member\n"
         "  source-bundle/      the source bundle's own README.txt and manifest.json, if it\n"
         "                      had them, scrubbed (checksums removed: they were of the\n"
         "                      unscrubbed members)\n"
         "  everything else     the source bundle's members at their paths, scrubbed; rotated\n"
         "                      .gz logs decompressed; left out: binary members, the\n"
         "                      platform's forbidden paths (keys, password hashes) and\n"
         "                      members over 256 MiB\n"
         "\nCheck it with: vmsupport verify BUNDLE --map MAP\n";
  return out.str();
}

}  // namespace vmsupport
