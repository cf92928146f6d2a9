// The collect's scrubber (see content_scrubber.h): secrets first, then
// names and patterns, leftmost-longest, in one pass over each text.
#include "scrub/content_scrubber.h"

#include <algorithm>

#include "scrub/gunzip.h"
#include "scrub/patterns.h"
#include "scrub/secrets.h"

namespace vmsupport {
namespace {

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string replacement;
  std::string_view category;
  // A host name extended back from a domain: what to replace when an earlier
  // match already took the host label (the domain alone).
  std::size_t fallback_begin = 0;
  std::string fallback_replacement;
};

bool is_label_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') || c == '-' || c == '.';
}

bool is_binary(std::string_view bytes) {
  return bytes.find('\0') != std::string_view::npos;
}

std::string without_gz(const std::string& path) {
  return path.size() > 3 && path.ends_with(".gz") ? path.substr(0, path.size() - 3) : path;
}

// Non-overlapping spans: secrets always win, then leftmost-longest.
std::vector<Span> merge(std::vector<Span> secrets, std::vector<Span> others) {
  std::sort(others.begin(), others.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<Span> out;
  std::size_t secret = 0;
  std::size_t covered = 0;
  for (Span& span : others) {
    while (secret < secrets.size() && secrets[secret].end <= span.begin) out.push_back(std::move(secrets[secret++]));
    if (span.begin < covered && !span.fallback_replacement.empty() && span.fallback_begin >= covered) {
      span.begin = span.fallback_begin;
      span.replacement = std::move(span.fallback_replacement);
      span.category = "domain";
    }
    if (span.begin < covered) continue;
    if (secret < secrets.size() && secrets[secret].begin < span.end) continue;
    covered = span.end;
    out.push_back(std::move(span));
  }
  while (secret < secrets.size()) out.push_back(std::move(secrets[secret++]));
  return out;
}

}  // namespace

Result<std::set<Category>> parse_keep(const std::string& list) {
  std::set<Category> keep;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const std::string word = list.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (word == "ip") {
      keep.insert(Category::ipv4);
      keep.insert(Category::ipv6);
      continue;
    }
    const auto category = category_from_name(word);
    if (!category || *category == Category::word) {
      return fail("--keep: unknown category '", word, "' (host, domain, vm, user, ip, ipv4, ipv6, mac, email)");
    }
    keep.insert(*category);
  }
  return keep;
}

Result<std::unique_ptr<ContentScrubber>> ContentScrubber::create(const Inventory& inventory,
                                                                 const ScrubSettings& settings,
                                                                 PseudonymMap& map) {
  std::unique_ptr<ContentScrubber> scrubber(new ContentScrubber(settings, map));
  std::vector<NameEntry> entries;
  for (const InventoryName& name : inventory.names) {
    if (scrubber->keeps(name.category)) continue;
    entries.push_back(NameEntry{name.name, map.pseudonym(name.category, name.name), name.category,
                                is_generic_name(name.name)});
    ++scrubber->m_report.inventory[std::string(category_name(name.category))];
  }
  for (const std::string& word : settings.words) {
    entries.push_back(NameEntry{word, map.pseudonym(Category::word, word), Category::word, false});
    ++scrubber->m_report.inventory["word"];
  }
  auto names = NameMatcher::build(entries);
  if (!names) return std::unexpected(names.error());
  scrubber->m_names = std::move(*names);
  return scrubber;
}

std::string ContentScrubber::scrub_text(std::string_view text, ScrubCounts& counts) const {
  std::vector<Span> secrets;
  for (const SecretSpan& s : find_secrets(text)) secrets.push_back(Span{s.begin, s.end, std::string(s.replacement), "secret", 0, {}});
  std::vector<Span> others;
  for (NameMatch& m : m_names.find(text)) {
    Span span{m.begin, m.end, std::move(m.replacement), category_name(m.category), 0, {}};
    // A host name under a known domain: esx-prod-08.corp.example -> host-0007.domain-01.invalid
    if (m.category == Category::domain && m.begin > 1 && text[m.begin - 1] == '.' && !keeps(Category::host)) {
      std::size_t start = m.begin - 1;
      while (start > 0 && is_label_char(text[start - 1])) --start;
      while (start < m.begin - 1 && (text[start] == '.' || text[start] == '-')) ++start;
      const std::string_view label = text.substr(start, m.begin - 1 - start);
      const bool numeric = label.find_first_not_of("0123456789.") == std::string_view::npos;
      if (!label.empty() && !numeric) {
        span.fallback_begin = span.begin;
        span.fallback_replacement = span.replacement;
        span.begin = start;
        span.replacement = m_map.pseudonym(Category::host, label) + "." + span.replacement;
        span.category = "host";
      }
    }
    others.push_back(std::move(span));
  }
  for (const PatternMatch& p : find_patterns(text)) {
    if (keeps(p.category)) continue;
    const std::string_view original = text.substr(p.begin, p.end - p.begin);
    std::string pseudonym = m_map.pseudonym(p.category, original);
    if (pseudonym != original) others.push_back(Span{p.begin, p.end, std::move(pseudonym), category_name(p.category), 0, {}});
  }
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  std::size_t at = 0;
  for (const Span& span : merge(std::move(secrets), std::move(others))) {
    out.append(text.substr(at, span.begin - at));
    out.append(span.replacement);
    at = span.end;
    ++counts[std::string(span.category)];
  }
  out.append(text.substr(at));
  return out;
}

void ContentScrubber::scrub_content(CollectedItem& item, ScrubCounts& counts) {
  if (is_gzip(item.content)) {
    auto plain = gunzip(item.content, m_settings.max_decompressed);
    if (plain && !is_binary(plain->bytes)) {
      item.reason += std::string(item.reason.empty() ? "" : "; ") + "decompressed from " +
                     item.archive_path.substr(item.archive_path.rfind('/') + 1) + " to be scrubbed";
      item.archive_path = without_gz(item.archive_path);
      item.content = std::move(plain->bytes);
      item.original_size = plain->total;
      item.truncated = item.truncated || plain->truncated;
    }
  }
  if (is_gzip(item.content) || is_binary(item.content)) {
    ScrubCounts ignored;
    const std::string path = scrub_text(item.archive_path, ignored);
    std::lock_guard lock(m_report_mutex);
    m_report.left_out.emplace_back(path, "binary content cannot be scrubbed");
    item.archive_path.clear();
    item.content.clear();
    item.status = Status::skipped;
    item.reason = "binary content left out: it cannot be scrubbed (--no-scrub includes it)";
    return;
  }
  item.content = scrub_text(item.content, counts);
}

ScrubbedItem ContentScrubber::scrub(CollectedItem item) {
  ScrubCounts counts;
  ScrubCounts path_counts;
  if (!item.archive_path.empty() && item.link_target.empty()) scrub_content(item, counts);
  item.archive_path = scrub_text(item.archive_path, path_counts);
  item.link_target = scrub_text(item.link_target, path_counts);
  item.source = scrub_text(item.source, path_counts);
  item.reason = scrub_text(item.reason, path_counts);
  std::lock_guard lock(m_report_mutex);
  for (const auto& [category, count] : counts) {
    m_report.totals[category] += count;
    if (!item.archive_path.empty()) m_report.members[item.archive_path][category] += count;
  }
  for (const auto& [category, count] : path_counts) m_report.totals[category] += count;
  return make(std::move(item), true);
}

std::string ContentScrubber::description() const {
  std::string text = "scrubbed: names from the host's inventory (";
  std::lock_guard lock(m_report_mutex);
  bool first = true;
  for (const auto& [category, count] : m_report.inventory) {
    text += (first ? "" : ", ") + std::to_string(count) + " " + category;
    first = false;
  }
  text += first ? "none" : "";
  text += "), IPv4, IPv6, MAC and e-mail addresses by pattern, secrets masked";
  if (!m_settings.keep.empty()) {
    text += "; kept as they are:";
    for (Category c : m_settings.keep) text += " " + std::string(category_name(c));
  }
  return text;
}

ScrubReport ContentScrubber::report() const {
  std::lock_guard lock(m_report_mutex);
  return m_report;
}

}  // namespace vmsupport
