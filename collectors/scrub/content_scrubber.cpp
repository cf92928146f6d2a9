// The collect's scrubber (see content_scrubber.h): secrets first, then
// names and patterns, leftmost-longest, in one pass over each text.
#include "scrub/content_scrubber.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
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

bool before(const Span& a, const Span& b) { return a.begin != b.begin ? a.begin < b.begin : a.end > b.end; }

// Non-overlapping spans into `out`: secrets always win, then leftmost-longest.
// `others` holds consecutive runs ending at `run_ends` (names, user fields,
// patterns), each found in text order: they are merged, not sorted (a sort
// was a twentieth of the analysis). A run out of order (a host label reaches
// back before an earlier match) is sorted first. On a tie the earlier run wins.
template <std::size_t Runs>
void merge_into(const std::vector<Span>& secrets, std::vector<Span>& others,
                const std::array<std::size_t, Runs>& run_ends, std::vector<Span>& out) {
  std::array<std::size_t, Runs> next{};
  for (std::size_t r = 0; r < Runs; ++r) {
    next[r] = r == 0 ? 0 : run_ends[r - 1];
    const auto first = others.begin() + static_cast<std::ptrdiff_t>(next[r]);
    const auto last = others.begin() + static_cast<std::ptrdiff_t>(run_ends[r]);
    if (!std::is_sorted(first, last, before)) std::sort(first, last, before);
  }
  out.clear();
  out.reserve(others.size() + secrets.size());
  std::size_t secret = 0;
  std::size_t covered = 0;
  while (true) {
    std::size_t pick = Runs;
    for (std::size_t r = 0; r < Runs; ++r) {
      if (next[r] < run_ends[r] && (pick == Runs || before(others[next[r]], others[next[pick]]))) pick = r;
    }
    if (pick == Runs) break;
    Span& span = others[next[pick]++];
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
  const std::size_t names_end = others.size();
  if (!keeps(Category::user)) {
    for (const UserField& field : find_user_fields(text)) {
      if (m_service_accounts.contains(ascii_lower(text.substr(field.begin, field.end - field.begin)))) continue;
      Span span = span_at(field.begin, field.end, Span::Kind::address);
      span.category = static_cast<std::uint8_t>(Category::user);
      others.push_back(span);
    }
  }
  const std::size_t users_end = others.size();
  for (const PatternMatch& p : patterns) {
    if (keeps(p.category)) continue;
    Span span = span_at(p.begin, p.end, Span::Kind::address);
    span.category = static_cast<std::uint8_t>(p.category);
    others.push_back(span);
  }
  Plan plan = take_plan();
  merge_into(secrets, others, std::array<std::size_t, 3>{names_end, users_end, others.size()}, plan.spans);
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

std::string ContentScrubber::apply(std::string_view text, Plan& plan, ScrubCounts& counts) const {
  PseudonymCache pseudonyms;
  resolve(text, plan, pseudonyms, counts);
  std::string out;
  render(text, plan, out);
  return out;
}

// Logs repeat the same few addresses: each is looked up in the shared map
// once per text, and the resolved spans point into `pseudonyms`.
void ContentScrubber::resolve(std::string_view text, Plan& plan, PseudonymCache& pseudonyms,
                              ScrubCounts& counts) const {
  std::string key;  // reused: category, the original (and a host label's domain pseudonym)
  std::array<std::size_t, 256> replaced{};  // per Span::category
  for (Span& span : plan.spans) {
    if (span.kind != Span::Kind::fixed) {
      const bool label = span.kind == Span::Kind::host_label;
      const std::string_view original = text.substr(span.begin, label ? span.label_size : span.end - span.begin);
      key.assign(1, static_cast<char>('0' + span.category));
      key.append(original);
      if (label) key.append(1, '\n').append(span.text());
      auto it = pseudonyms.find(key);
      if (it == pseudonyms.end()) {
        // host_label: esx-prod-08.corp.example -> host-0007.domain-01.invalid
        std::string pseudonym = label ? m_map.pseudonym(Category::host, original) + "." + std::string(span.text())
                                      : m_map.pseudonym(static_cast<Category>(span.category), original);
        it = pseudonyms.emplace(key, std::move(pseudonym)).first;
      }
      span.kind = Span::Kind::fixed;
      span.replacement = it->second.data();
      span.replacement_size = static_cast<std::uint32_t>(it->second.size());
      if (!label && it->second == original) continue;  // a special address, kept
    }
    ++replaced[span.category];
  }
  for (std::size_t category = 0; category < replaced.size(); ++category) {
    if (replaced[category] > 0) counts[std::string(Span::text_of(static_cast<std::uint8_t>(category)))] += replaced[category];
  }
}

void ContentScrubber::render(std::string_view text, const Plan& plan, std::string& out) {
  out.clear();
  out.reserve(text.size() + text.size() / 16);
  std::size_t at = 0;
  for (const Span& span : plan.spans) {
    out.append(text.substr(at, span.begin - at));
    out.append(span.text());
    at = span.end;
  }
  out.append(text.substr(at));
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

// The last "-----BEGIN " that starts at or before `pos`, or npos. Not
// string_view::rfind: that compares at every byte going back (a million
// memcmp calls per chunk); this goes from 'B' to 'B' with memrchr.
std::size_t last_pem_begin(std::string_view text, std::size_t pos) {
  constexpr std::string_view k_marker = "-----BEGIN ";
  constexpr std::size_t k_dashes = 5;  // the 'B' is at begin + 5
  if (text.size() < k_marker.size()) return std::string_view::npos;
  std::size_t limit = std::min(pos, text.size() - k_marker.size()) + k_dashes + 1;  // 'B's before it
  while (limit > k_dashes) {
    const void* b = memrchr(text.data() + k_dashes, 'B', limit - k_dashes);
    if (b == nullptr) break;
    const auto begin = static_cast<std::size_t>(static_cast<const char*>(b) - text.data()) - k_dashes;
    if (text.compare(begin, k_marker.size(), k_marker) == 0) return begin;
    limit = begin + k_dashes;
  }
  return std::string_view::npos;
}

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
  const std::size_t pem = last_pem_begin(pending, cut);
  if (pem != std::string_view::npos && pending.find("-----END ", pem) >= cut) {
    const std::size_t line = pending.rfind('\n', pem);
    if (line != std::string_view::npos) return line + 1;
    if (pending.size() < k_max_line) return std::string_view::npos;
  }
  return cut;
}

}  // namespace

// Buffers kept: a body in flight uses five (two chunks analysed, one written, one read, the rest).
constexpr std::size_t k_buffers_kept = 5;

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

// A chunk of a streamed text on its way: analysed on an analysing thread,
// its pseudonyms resolved in bundle order, then written out on the writing
// thread (analysing and writing need no order: only resolving makes pseudonyms).
struct ContentScrubber::PendingChunk {
  std::string text;
  std::future<Plan> analysed;
  Plan plan;                          // resolved
  PseudonymCache pseudonyms;          // what the resolved plan points into
  std::future<Result<void>> written;  // none when it is not written
};

namespace {

// Chunks being written while the next ones are resolved (one: a second
// was no faster and held a MiB more).
constexpr std::size_t k_chunks_writing = 1;

}  // namespace

// Scrubs a large body chunk by chunk into a new body. Returns false when it
// turned out to be binary; a read or spool failure is recorded on the item,
// and what was read before it is kept. Runs in bundle order (one body at a
// time); meanwhile the next chunks are analysed on the analysing threads and
// the chunks before are written on the writing thread, so the in-order part
// is the resolving alone.
bool ContentScrubber::scrub_body(CollectedItem& item, ScrubCounts& counts) const {
  // A body too large for memory (k_in_memory_limit) goes straight to a spool:
  // a MiB gathered in fresh memory first, only to be written out, cost page
  // faults per body. A small one (a spooled output) may come back in memory.
  const FileRange& range = *item.body;
  Body out(m_settings.spool_dir, range.length > k_in_memory_limit ? 0 : k_in_memory_limit);
  std::optional<Error> read_failure;
  std::optional<Error> write_failure;  // set on the writing thread; read once every write is done
  bool write_stopped = false;          // write_failure is set: nothing more is read
  bool binary = false;
  std::deque<PendingChunk> chunks;  // in text order: being written, then being analysed
  std::size_t resolved = 0;         // chunks[0, resolved) are being written
  // Chunk-sized buffers are reused, not allocated per chunk or per body:
  // fresh memory for every MiB costs page faults.
  std::vector<std::string> spare;
  const auto buffer = [&] {
    if (spare.empty()) return take_buffer();
    std::string text = std::move(spare.back());
    spare.pop_back();
    return text;
  };
  const auto finish_oldest = [&] {
    PendingChunk& chunk = chunks.front();
    if (chunk.written.valid() && !chunk.written.get()) write_stopped = true;  // the failure is in write_failure
    give_back(std::move(chunk.plan));
    chunk.text.clear();
    spare.push_back(std::move(chunk.text));
    chunks.pop_front();
    --resolved;
  };
  const auto resolve_next = [&] {
    PendingChunk& chunk = chunks[resolved++];
    chunk.plan = chunk.analysed.get();  // first: the analysis reads chunk.text
    if (!binary) {
      resolve(chunk.text, chunk.plan, chunk.pseudonyms, counts);
      auto write = [&chunk, &out, &write_failure]() -> Result<void> {
        if (write_failure) return {};  // nothing after a failed write
        thread_local std::string scrubbed;
        render(chunk.text, chunk.plan, scrubbed);
        auto ok = out.append(scrubbed);
        if (!ok) write_failure = ok.error();
        if (scrubbed.capacity() > 4 * k_chunk_size) std::string().swap(scrubbed);  // one very long line
        return ok;
      };
      // --jobs 1: one thread does all, in order.
      chunk.written = m_settings.analyse_ahead ? m_writer.run(std::move(write))
                                               : std::async(std::launch::deferred, std::move(write));
    }
    if (resolved > k_chunks_writing) finish_oldest();
  };
  // Reads straight into the chunk buffers: the text after the last cut (a
  // line not yet ended) starts the next one.
  std::uint64_t offset = 0;
  bool at_end = false;
  std::string rest = buffer();
  while (!binary && !at_end && !write_stopped) {
    std::string text = buffer();
    text.swap(rest);  // text: what was left over; rest: an empty buffer
    std::size_t cut = std::string::npos;
    while (cut == std::string::npos) {
      const std::size_t have = text.size();
      std::size_t got = 0;
      text.resize_and_overwrite(have + k_chunk_size, [&](char* data, std::size_t) {
        auto n = read_at(range, offset, data + have, k_chunk_size);
        if (!n) read_failure = n.error();
        got = n ? *n : 0;
        return have + got;
      });
      offset += got;
      at_end = got == 0 || offset >= range.length;
      cut = chunk_end(text, at_end);
    }
    rest.assign(text, cut);
    text.resize(cut);
    if (text.empty()) {
      spare.push_back(std::move(text));
      continue;
    }
    if (is_binary(text, true)) {
      binary = true;
      spare.push_back(std::move(text));
      break;
    }
    PendingChunk& chunk = chunks.emplace_back();
    chunk.text = std::move(text);
    // The analysis reads the text where it lies in the deque: growing a
    // deque at its end moves no element.
    chunk.analysed = analyse_later(chunk.text);
    if (chunks.size() - resolved > m_chunks_ahead) resolve_next();
  }
  while (resolved < chunks.size()) resolve_next();  // waits for every thread it started
  while (!chunks.empty()) finish_oldest();
  for (std::string& text : spare) give_back(std::move(text));
  give_back(std::move(rest));
  if (binary) return false;
  if (!read_failure && !write_stopped && offset < range.length) {
    item.reason += std::string(item.reason.empty() ? "" : "; ") + "shrank while read (kept what was there)";
  }
  if (const std::optional<Error>& failure = write_failure ? write_failure : read_failure) {
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
  return true;
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
