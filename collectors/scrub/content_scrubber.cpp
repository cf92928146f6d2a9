// The collect's scrubber (see content_scrubber.h): secrets first, then
// names and patterns, leftmost-longest, in one pass over each text.
#include "scrub/content_scrubber.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <future>
#include <optional>
#include <unordered_map>

#include "scrub/gunzip.h"
#include "scrub/patterns.h"
#include "scrub/secrets.h"
#include "scrub/user_fields.h"
#include "util/text.h"

namespace vmsupport {
namespace {

// One replacement in a text. Most are known when the text is analysed;
// addresses and host labels under a known domain get their pseudonyms when
// the plan is applied, in bundle order.
struct Span {
  enum class Kind : std::uint8_t { fixed, address, host_label };
  static constexpr std::uint8_t k_secret = 255;  // `category` of a masked secret
  std::size_t begin = 0;
  std::size_t end = 0;
  // fixed: the text; host_label: the domain's pseudonym, written after "<host pseudonym>."
  const char* replacement = nullptr;
  std::uint32_t replacement_size = 0;
  std::uint32_t label_size = 0;      // host_label: the host label is [begin, begin + label_size)
  std::uint32_t fallback_offset = 0;  // host_label: where the domain alone starts, from begin
  Kind kind = Kind::fixed;
  std::uint8_t category = 0;         // a Category, or k_secret
  // Plans are held for every queued member: keep a span small.
  std::string_view text() const { return {replacement, replacement_size}; }
  std::string_view category_text() const { return text_of(category); }
  // The name of a `category` value in counts: a Category's, or "secret".
  static std::string_view text_of(std::uint8_t category) {
    return category == k_secret ? std::string_view("secret") : category_name(static_cast<Category>(category));
  }
};

Span span_at(std::size_t begin, std::size_t end, Span::Kind kind = Span::Kind::fixed) {
  Span span;
  span.begin = begin;
  span.end = end;
  span.kind = kind;
  return span;
}

bool is_label_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') || c == '-' || c == '.';
}

// A run of at least this many NUL bytes is a hole, not a sign of binary data.
constexpr std::size_t k_nul_hole = 64;

// Binary content (a NUL byte gives it away) cannot be scrubbed. Runs of
// k_nul_hole NUL bytes or more are not binary: a log on a host that crashed
// holds blocks of zeros where its data was never written, a sparse log is
// zeros up to its text, and the text around them must be kept and scrubbed.
// With `open_edges` (a chunk of a larger text) a run touching either end may
// go on in the next chunk, so it counts as a hole whatever its length here.
bool is_binary(std::string_view bytes, bool open_edges = false) {
  for (std::size_t at = bytes.find('\0'); at != std::string_view::npos;) {
    std::size_t end = bytes.find_first_not_of('\0', at);
    if (end == std::string_view::npos) end = bytes.size();
    const bool at_edge = open_edges && (at == 0 || end == bytes.size());
    if (end - at < k_nul_hole && !at_edge) return true;
    at = end == bytes.size() ? std::string_view::npos : bytes.find('\0', end);
  }
  return false;
}

std::string without_gz(const std::string& path) {
  return path.size() > 3 && path.ends_with(".gz") ? path.substr(0, path.size() - 3) : path;
}

// Non-overlapping spans into `out`: secrets always win, then leftmost-longest.
void merge_into(const std::vector<Span>& secrets, std::vector<Span>& others, std::vector<Span>& out) {
  std::sort(others.begin(), others.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  out.clear();
  out.reserve(others.size() + secrets.size());
  std::size_t secret = 0;
  std::size_t covered = 0;
  for (Span& span : others) {
    while (secret < secrets.size() && secrets[secret].end <= span.begin) out.push_back(secrets[secret++]);
    if (span.begin < covered && span.kind == Span::Kind::host_label && span.begin + span.fallback_offset >= covered) {
      span.begin += span.fallback_offset;
      span.kind = Span::Kind::fixed;
      span.category = static_cast<std::uint8_t>(Category::domain);
    }
    if (span.begin < covered) continue;
    if (secret < secrets.size() && secrets[secret].begin < span.end) continue;
    covered = span.end;
    out.push_back(span);
  }
  while (secret < secrets.size()) out.push_back(secrets[secret++]);
}

// What one analysis works in, kept by each thread from one text to the next:
// the matches of a 1 MiB chunk fill hundreds of KiB, and fresh memory for
// every chunk cost a tenth of a collect's CPU in page faults.
struct Scratch {
  std::vector<Span> secrets;
  std::vector<Span> others;
  std::vector<NameMatch> names;
  std::vector<PatternMatch> patterns;

  // What a text of some MiB left behind (a long line, a large document) is let go.
  void trim() {
    constexpr std::size_t k_kept = 1 << 16;  // entries
    if (others.capacity() > k_kept) std::vector<Span>().swap(others);
    if (names.capacity() > k_kept) std::vector<NameMatch>().swap(names);
    if (patterns.capacity() > k_kept) std::vector<PatternMatch>().swap(patterns);
    if (secrets.capacity() > k_kept) std::vector<Span>().swap(secrets);
  }
};

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
  auto names = compile_names(inventory, settings);
  if (!names) return std::unexpected(names.error());
  return create(std::move(*names), settings, map);
}

Result<ContentScrubber::CompiledNames> ContentScrubber::compile_names(const Inventory& inventory,
                                                                      const ScrubSettings& settings) {
  CompiledNames names;
  names.service_accounts = inventory.service_accounts;
  for (const InventoryName& name : inventory.names) {
    if (settings.keep.contains(name.category)) continue;
    names.entries.push_back(NameEntry{name.name, {}, name.category, is_generic_name(name.name)});
    ++names.counts[std::string(category_name(name.category))];
  }
  for (const std::string& word : settings.words) {
    names.entries.push_back(NameEntry{word, {}, Category::word, false});
    ++names.counts["word"];
  }
  auto matcher = NameMatcher::compile(names.entries, settings.cache_dir);
  if (!matcher) return std::unexpected(matcher.error());
  names.matcher = std::move(*matcher);
  return names;
}

std::unique_ptr<ContentScrubber> ContentScrubber::create(CompiledNames names, const ScrubSettings& settings,
                                                         PseudonymMap& map) {
  std::unique_ptr<ContentScrubber> scrubber(new ContentScrubber(settings, map));
  scrubber->m_service_accounts = std::move(names.service_accounts);
  scrubber->m_report.inventory = std::move(names.counts);
  // Pseudonyms are made now, in inventory order, then --scrub-word's.
  names.matcher.assign([&](std::size_t i) {
    const NameEntry& entry = names.entries[i];
    return map.pseudonym(entry.category, entry.name);
  });
  scrubber->m_names = std::move(names.matcher);
  return scrubber;
}

struct ContentScrubber::Plan {
  std::vector<Span> spans;
};

struct ContentScrubber::Prepared final : PreparedScrub {
  bool binary = false;    // left out: it cannot be scrubbed
  bool streamed = false;  // a large body, scrubbed chunk by chunk in bundle order
  bool as_is = false;     // packed unscrubbed on purpose (CollectedItem::unscrubbed_ok)
  Plan plan;
  std::uint64_t held_bytes() const override { return plan.spans.capacity() * sizeof(Span); }
};

ContentScrubber::ContentScrubber(ScrubSettings settings, PseudonymMap& map)
    : m_settings(std::move(settings)), m_map(map) {}

ContentScrubber::~ContentScrubber() = default;

ContentScrubber::Plan ContentScrubber::analyse(std::string_view text) const {
  thread_local Scratch scratch;
  std::vector<Span>& secrets = scratch.secrets;
  secrets.clear();
  for (const SecretSpan& s : find_secrets(text)) {
    Span span = span_at(s.begin, s.end);
    span.replacement = s.replacement.data();
    span.replacement_size = static_cast<std::uint32_t>(s.replacement.size());
    span.category = Span::k_secret;
    secrets.push_back(span);
  }
  std::vector<Span>& others = scratch.others;
  others.clear();
  std::vector<NameMatch>& names = scratch.names;
  m_names.find(text, names);
  std::vector<PatternMatch>& patterns = scratch.patterns;
  find_patterns(text, patterns);
  others.reserve(names.size() + patterns.size() + 16);
  for (const NameMatch& m : names) {
    Span span = span_at(m.begin, m.end);
    span.replacement = m.replacement.data();
    span.replacement_size = static_cast<std::uint32_t>(m.replacement.size());
    span.category = static_cast<std::uint8_t>(m.category);
    // A host name under a known domain: esx-prod-08.corp.example -> host-0007.domain-01.invalid
    if (m.category == Category::domain && m.begin > 1 && text[m.begin - 1] == '.' && !keeps(Category::host)) {
      std::size_t start = m.begin - 1;
      while (start > 0 && is_label_char(text[start - 1])) --start;
      while (start < m.begin - 1 && (text[start] == '.' || text[start] == '-')) ++start;
      const std::string_view label = text.substr(start, m.begin - 1 - start);
      if (!label.empty() && label.find_first_not_of("0123456789.") != std::string_view::npos) {
        span.kind = Span::Kind::host_label;
        span.begin = start;
        span.fallback_offset = static_cast<std::uint32_t>(m.begin - start);
        span.label_size = static_cast<std::uint32_t>(label.size());
        span.category = static_cast<std::uint8_t>(Category::host);
      }
    }
    others.push_back(span);
  }
  if (!keeps(Category::user)) {
    for (const UserField& field : find_user_fields(text)) {
      if (m_service_accounts.contains(ascii_lower(text.substr(field.begin, field.end - field.begin)))) continue;
      Span span = span_at(field.begin, field.end, Span::Kind::address);
      span.category = static_cast<std::uint8_t>(Category::user);
      others.push_back(span);
    }
  }
  for (const PatternMatch& p : patterns) {
    if (keeps(p.category)) continue;
    Span span = span_at(p.begin, p.end, Span::Kind::address);
    span.category = static_cast<std::uint8_t>(p.category);
    others.push_back(span);
  }
  Plan plan = take_plan();
  merge_into(secrets, others, plan.spans);
  scratch.trim();
  return plan;
}

// Plans of earlier texts, kept for their span vectors (see Scratch): the
// plans of a streamed body's chunks and of the items in flight.
constexpr std::size_t k_plans_kept = 4;
constexpr std::size_t k_plan_kept_spans = 1 << 16;

ContentScrubber::Plan ContentScrubber::take_plan() const {
  std::lock_guard lock(m_plans_mutex);
  if (m_spare_plans.empty()) return {};
  Plan plan = std::move(m_spare_plans.back());
  m_spare_plans.pop_back();
  return plan;
}

void ContentScrubber::give_back(Plan plan) const {
  if (plan.spans.capacity() > k_plan_kept_spans) return;
  plan.spans.clear();
  std::lock_guard lock(m_plans_mutex);
  if (m_spare_plans.size() < k_plans_kept) m_spare_plans.push_back(std::move(plan));
}

std::future<ContentScrubber::Plan> ContentScrubber::analyse_later(std::string_view text) const {
  if (!m_settings.analyse_ahead) return std::async(std::launch::deferred, [this, text] { return analyse(text); });
  TaskThread& analyser = m_analysers[m_next_analyser.fetch_add(1) % m_analysers.size()];
  return analyser.run([this, text] { return analyse(text); });
}

std::string ContentScrubber::apply(std::string_view text, const Plan& plan, ScrubCounts& counts) const {
  std::string out;
  apply_into(text, plan, counts, out);
  return out;
}

void ContentScrubber::apply_into(std::string_view text, const Plan& plan, ScrubCounts& counts,
                                 std::string& out) const {
  out.clear();
  out.reserve(text.size() + text.size() / 16);
  // Logs repeat the same few addresses: look each up in the shared map once.
  std::unordered_map<std::string, std::string> seen;
  std::string key;  // reused: category, then the original
  std::array<std::size_t, 256> replaced{};  // per Span::category
  std::size_t at = 0;
  for (const Span& span : plan.spans) {
    out.append(text.substr(at, span.begin - at));
    at = span.end;
    if (span.kind == Span::Kind::fixed) {
      out.append(span.text());
    } else if (span.kind == Span::Kind::host_label) {
      out.append(m_map.pseudonym(Category::host, text.substr(span.begin, span.label_size)));
      out += '.';
      out.append(span.text());
    } else {
      const auto address = static_cast<Category>(span.category);
      const std::string_view original = text.substr(span.begin, span.end - span.begin);
      key.assign(1, static_cast<char>('0' + span.category));
      key.append(original);
      auto it = seen.find(key);
      if (it == seen.end()) it = seen.emplace(key, m_map.pseudonym(address, original)).first;
      out.append(it->second);
      if (it->second == original) continue;  // a special address, kept
    }
    ++replaced[span.category];
  }
  out.append(text.substr(at));
  for (std::size_t category = 0; category < replaced.size(); ++category) {
    if (replaced[category] > 0) counts[std::string(Span::text_of(static_cast<std::uint8_t>(category)))] += replaced[category];
  }
}

std::string ContentScrubber::scrub_text(std::string_view text, ScrubCounts& counts) const {
  Plan plan = analyse(text);
  std::string scrubbed = apply(text, plan, counts);
  give_back(std::move(plan));
  return scrubbed;
}

// A gzip member becomes its decompressed text (in memory, or in a spool
// file when large); false when it is gzip and cannot be decompressed.
bool ContentScrubber::decompress(CollectedItem& item) const {
  char head[2] = {};
  if (item.body) {
    auto n = read_at(*item.body, 0, head, sizeof head);
    if (!n || !is_gzip(std::string_view(head, *n))) return true;
  } else if (!is_gzip(item.content)) {
    return true;
  }
  Body plain(m_settings.spool_dir);
  auto done = gunzip(item.body ? gzip_source(*item.body) : gzip_source(item.content), m_settings.max_decompressed, plain);
  if (!done) {
    item.reason += std::string(item.reason.empty() ? "" : "; ") + done.error().message;
    return false;
  }
  item.reason += std::string(item.reason.empty() ? "" : "; ") + "decompressed from " +
                 item.archive_path.substr(item.archive_path.rfind('/') + 1) + " to be scrubbed";
  item.archive_path = without_gz(item.archive_path);
  item.original_size = done->total;
  item.truncated = item.truncated || done->truncated;
  if (plain.in_memory()) {
    item.content = plain.take_memory();
    item.body.reset();
  } else {
    item.content.clear();
    item.body = plain.range();
  }
  return true;
}

std::unique_ptr<PreparedScrub> ContentScrubber::prepare(CollectedItem& item) const {
  if (item.archive_path.empty() || !item.link_target.empty()) return nullptr;
  auto prepared = std::make_unique<Prepared>();
  if (item.unscrubbed_ok) {
    prepared->as_is = true;
    return prepared;
  }
  prepared->binary = !decompress(item);
  if (prepared->binary) return prepared;
  if (item.body) {
    prepared->streamed = true;  // scrubbed chunk by chunk in scrub_prepared()
    return prepared;
  }
  prepared->binary = is_gzip(item.content) || is_binary(item.content);
  if (!prepared->binary) prepared->plan = analyse(item.content);
  return prepared;
}

namespace {

// Longest line a streamed text is buffered for; longer ones are cut at a blank.
constexpr std::size_t k_max_line = 2 << 20;

// Where the next chunk of a streamed text ends: after its last line end, but
// before a PEM block that has not ended yet (so it is masked whole); npos
// when more text is needed first.
std::size_t chunk_end(std::string_view pending, bool at_end) {
  if (at_end) return pending.size();
  std::size_t cut = pending.rfind('\n');
  if (cut == std::string_view::npos) {
    if (pending.size() < k_max_line) return std::string_view::npos;
    cut = pending.find_last_of(" \t,;");
    return cut == std::string_view::npos ? pending.size() : cut + 1;
  }
  ++cut;
  const std::size_t pem = pending.rfind("-----BEGIN ", cut);
  if (pem != std::string_view::npos && pending.find("-----END ", pem) >= cut) {
    const std::size_t line = pending.rfind('\n', pem);
    if (line != std::string_view::npos) return line + 1;
    if (pending.size() < k_max_line) return std::string_view::npos;
  }
  return cut;
}

}  // namespace

// Buffers kept: a body in flight uses four (two chunks, pending, scrubbed).
constexpr std::size_t k_buffers_kept = 4;

std::string ContentScrubber::take_buffer() const {
  std::lock_guard lock(m_buffers_mutex);
  if (m_buffers.empty()) {
    std::string fresh;
    fresh.reserve(k_chunk_size + k_chunk_size / 4);  // a chunk and a line cut short, or a chunk scrubbed
    return fresh;
  }
  std::string buffer = std::move(m_buffers.back());
  m_buffers.pop_back();
  return buffer;
}

void ContentScrubber::give_back(std::string buffer) const {
  buffer.clear();
  std::lock_guard lock(m_buffers_mutex);
  // One that grew for a very long line is let go.
  if (m_buffers.size() < k_buffers_kept && buffer.capacity() <= 4 * k_chunk_size) m_buffers.push_back(std::move(buffer));
}

// A chunk of a streamed text and its plan, analysed on another thread while
// the chunks before it are applied (analysing is read-only; applying makes
// pseudonyms, so it keeps the text's order).
struct ContentScrubber::PendingChunk {
  std::string text;
  std::future<Plan> plan;
};

// Scrubs a large body chunk by chunk into a new body. Returns false when it
// turned out to be binary; a read or spool failure is recorded on the item.
// Runs in bundle order (one body at a time); the next chunk is analysed
// meanwhile on the scrubber's analysing thread.
bool ContentScrubber::scrub_body(CollectedItem& item, ScrubCounts& counts) const {
  Body out(m_settings.spool_dir);
  std::optional<Error> failure;
  bool binary = false;
  std::deque<PendingChunk> ahead;
  // Buffers of chunk size are reused, not allocated per chunk or per body:
  // fresh memory for every MiB costs page faults on this path, which runs in
  // bundle order.
  std::string pending = take_buffer();   // read, not yet cut into chunks
  std::string scrubbed = take_buffer();  // the chunk being applied, scrubbed
  std::vector<std::string> spare;        // texts of chunks applied
  const auto apply_first = [&] {
    PendingChunk& chunk = ahead.front();
    Plan plan = chunk.plan.get();  // first: the analysis reads chunk.text
    if (!failure && !binary) {
      apply_into(chunk.text, plan, counts, scrubbed);
      if (auto ok = out.append(scrubbed); !ok) failure = ok.error();
    }
    give_back(std::move(plan));
    spare.push_back(std::move(chunk.text));
    ahead.pop_front();
  };
  auto flush = [&](bool at_end) {
    std::size_t cut = 0;
    while (!binary && !failure && !pending.empty() && (cut = chunk_end(pending, at_end)) != std::string::npos) {
      if (is_binary(std::string_view(pending).substr(0, cut), true)) {
        binary = true;
        break;
      }
      // The analysis reads the text where it lies in the deque: growing a
      // deque at its end moves no element.
      PendingChunk& chunk = ahead.emplace_back();
      if (spare.empty()) {
        chunk.text = take_buffer();
      } else {
        chunk.text = std::move(spare.back());
        spare.pop_back();
      }
      chunk.text.assign(pending, 0, cut);
      pending.erase(0, cut);
      chunk.plan = analyse_later(chunk.text);
      if (ahead.size() > m_chunks_ahead) apply_first();
    }
  };
  auto read = for_each_chunk(*item.body, k_chunk_size, [&](std::string_view bytes) -> Result<void> {
    pending.append(bytes);
    flush(false);
    if (binary) return fail("binary");
    if (failure) return std::unexpected(*failure);
    return {};
  });
  if (!binary && !failure) {
    if (read) flush(true);
    else failure = read.error();  // what was read before is kept
  }
  while (!ahead.empty()) apply_first();  // waits for every thread it started
  for (std::string& buffer : spare) give_back(std::move(buffer));
  give_back(std::move(scrubbed));
  give_back(std::move(pending));
  if (binary) return false;
  if (read && *read < item.body->length) {
    item.reason += std::string(item.reason.empty() ? "" : "; ") + "shrank while read (kept what was there)";
  }
  if (failure) {
    item.status = Status::failed;
    item.reason += std::string(item.reason.empty() ? "" : "; ") + "could not be scrubbed whole: " + failure->message;
    item.truncated = true;
  }
  if (out.in_memory()) {
    item.content = out.take_memory();
    item.body.reset();
  } else {
    item.body = out.range();
  }
  return !binary;
}

void ContentScrubber::leave_out(CollectedItem& item) {
  ScrubCounts ignored;
  const std::string path = scrub_text(item.archive_path, ignored);
  {
    std::lock_guard lock(m_report_mutex);
    m_report.left_out.emplace_back(path, "binary content cannot be scrubbed");
  }
  item.archive_path.clear();
  item.content.clear();
  item.body.reset();
  item.status = Status::skipped;
  item.reason = "binary content left out: it cannot be scrubbed (--no-scrub includes it)" +
                (item.reason.empty() ? "" : "; " + item.reason);
}

ScrubbedItem ContentScrubber::scrub(CollectedItem item) {
  std::unique_ptr<PreparedScrub> prepared = prepare(item);
  return scrub_prepared(std::move(item), std::move(prepared));
}

ScrubbedItem ContentScrubber::scrub_prepared(CollectedItem item, std::unique_ptr<PreparedScrub> prepared) {
  ScrubCounts counts;
  ScrubCounts path_counts;
  auto* mine = dynamic_cast<Prepared*>(prepared.get());
  if (mine && mine->as_is) {
    std::lock_guard lock(m_report_mutex);
    m_report.unscrubbed.emplace_back(scrub_text(item.archive_path, path_counts), item.reason);
  } else if (mine) {
    if (mine->binary || (mine->streamed && !scrub_body(item, counts))) leave_out(item);
    else if (!mine->streamed) item.content = apply(item.content, mine->plan, counts);
    give_back(std::move(mine->plan));
  }
  item.archive_path = scrub_text(item.archive_path, path_counts);
  item.link_target = scrub_text(item.link_target, path_counts);
  item.source = scrub_text(item.source, path_counts);
  item.reason = scrub_text(item.reason, path_counts);
  std::lock_guard lock(m_report_mutex);
  for (const auto& [category, count] : counts) m_report.totals[category] += count;
  for (const auto& [category, count] : path_counts) m_report.totals[category] += count;
  if (item.archive_path.empty()) counts.clear();  // left out: no member to count them for
  return make(std::move(item), !(mine && mine->as_is), std::move(counts));
}

// Not counted in the report: a value of a document is not a member's content
// (and the page reads some members' texts a second time through here).
std::string ContentScrubber::scrub_value(std::string_view text) {
  ScrubCounts ignored;
  return scrub_text(text, ignored);
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
