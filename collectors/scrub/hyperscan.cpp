// LiteralSet over Hyperscan's literal API (see hyperscan.h).
#include "scrub/hyperscan.h"

#include <hs/hs.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "util/sha256.h"

namespace vmsupport {
namespace {

int on_match(unsigned int id, unsigned long long, unsigned long long to, unsigned int, void* context) {
  auto* hits = static_cast<std::pair<std::vector<LiteralHit>*, const std::vector<std::size_t>*>*>(context);
  const std::size_t end = static_cast<std::size_t>(to);
  hits->first->push_back(LiteralHit{end - (*hits->second)[id], end, id});
  return 0;
}

}  // namespace

LiteralSet::LiteralSet() = default;

LiteralSet::~LiteralSet() {
  for (hs_scratch* scratch : m_idle) hs_free_scratch(scratch);
  if (m_prototype) hs_free_scratch(m_prototype);
  for (hs_database* database : m_databases) hs_free_database(database);
}

LiteralSet::LiteralSet(LiteralSet&& other) noexcept { *this = std::move(other); }

LiteralSet& LiteralSet::operator=(LiteralSet&& other) noexcept {
  std::swap(m_databases, other.m_databases);
  std::swap(m_lengths, other.m_lengths);
  std::swap(m_idle, other.m_idle);
  std::swap(m_prototype, other.m_prototype);
  return *this;
}

namespace {

namespace stdfs = std::filesystem;
constexpr std::size_t k_cached_sets = 4;

// The cache file of part `part` of a literal set: the whole set's content,
// Hyperscan's version and the platform decide its name.
stdfs::path cache_file(const std::string& cache_dir, const std::vector<std::string>& literals, std::size_t part) {
  Sha256 hash;
  hash.update(hs_version());
  for (const std::string& literal : literals) {
    hash.update(std::to_string(literal.size()) + ":");
    hash.update(literal);
  }
  return stdfs::path(cache_dir) / ("names-" + hash.hex_digest().substr(0, 32) + "-" + std::to_string(part) + ".hsdb");
}

// The set a cache file belongs to: its name without the part number.
std::string set_of(const stdfs::path& file) {
  const std::string name = file.filename().string();
  return name.substr(0, name.rfind('-'));
}

hs_database* load_cached(const stdfs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return nullptr;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  hs_database* database = nullptr;
  if (hs_deserialize_database(bytes.data(), bytes.size(), &database) != HS_SUCCESS) return nullptr;
  std::error_code ignored;
  stdfs::last_write_time(file, stdfs::file_time_type::clock::now(), ignored);  // recently used
  return database;
}

// Best effort: a cache that cannot be written only costs the next run a compile.
void store_cached(const stdfs::path& file, const hs_database* database) {
  char* bytes = nullptr;
  std::size_t size = 0;
  if (hs_serialize_database(database, &bytes, &size) != HS_SUCCESS) return;
  std::error_code error;
  stdfs::create_directories(file.parent_path(), error);
  ::chmod(file.parent_path().c_str(), 0700);
  const stdfs::path partial = file.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(bytes, static_cast<std::streamsize>(size));
  }
  std::free(bytes);
  ::chmod(partial.c_str(), 0600);
  stdfs::rename(partial, file, error);
}

// Keeps the parts of the k_cached_sets sets used most recently.
void prune_cache(const stdfs::path& directory) {
  std::error_code error;
  std::vector<std::pair<stdfs::file_time_type, stdfs::path>> cached;
  for (const auto& entry : stdfs::directory_iterator(directory, error)) {
    if (entry.path().extension() == ".hsdb") cached.emplace_back(entry.last_write_time(error), entry.path());
  }
  std::sort(cached.begin(), cached.end(), std::greater<>());
  std::vector<std::string> kept;
  for (const auto& [time, file] : cached) {
    const std::string set = set_of(file);
    if (std::find(kept.begin(), kept.end(), set) != kept.end()) continue;
    if (kept.size() < k_cached_sets) {
      kept.push_back(set);
      continue;
    }
    stdfs::remove(file, error);
  }
}

Result<hs_database*> compile_part(const std::vector<std::string>& literals, std::size_t first, std::size_t last) {
  std::vector<const char*> expressions;
  std::vector<std::size_t> lengths;
  std::vector<unsigned> ids;
  for (std::size_t i = first; i < last; ++i) {
    expressions.push_back(literals[i].data());
    lengths.push_back(literals[i].size());
    ids.push_back(static_cast<unsigned>(i));
  }
  std::vector<unsigned> flags(expressions.size(), HS_FLAG_CASELESS);
  hs_database* database = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &database,
                           &error) != HS_SUCCESS) {
    auto failure = fail("cannot compile the scrubber's names: ", error ? error->message : "unknown error");
    hs_free_compile_error(error);
    return std::unexpected(failure.error());
  }
  return database;
}

}  // namespace

Result<LiteralSet> LiteralSet::compile(const std::vector<std::string>& literals, const std::string& cache_dir) {
  LiteralSet set;
  if (literals.empty()) return set;
  for (const std::string& literal : literals) set.m_lengths.push_back(literal.size());
  const bool cached = !cache_dir.empty() && literals.size() >= k_cache_min;
  bool stored = false;
  for (std::size_t first = 0, part = 0; first < literals.size(); first += k_part_literals, ++part) {
    const std::size_t last = std::min(literals.size(), first + k_part_literals);
    const stdfs::path file = cached ? cache_file(cache_dir, literals, part) : stdfs::path();
    hs_database* database = cached ? load_cached(file) : nullptr;
    if (!database) {
      auto compiled = compile_part(literals, first, last);
      if (!compiled) return std::unexpected(compiled.error());
      database = *compiled;
      if (cached) store_cached(file, database);
      stored = stored || cached;
    }
    set.m_databases.push_back(database);
    // One scratch space grows to fit every part.
    if (hs_alloc_scratch(database, &set.m_prototype) != HS_SUCCESS) {
      return fail("cannot allocate Hyperscan scratch space");
    }
  }
  if (stored) prune_cache(cache_dir);
  return set;
}

hs_scratch* LiteralSet::take_scratch() const {
  std::lock_guard lock(m_mutex);
  if (!m_idle.empty()) {
    hs_scratch* scratch = m_idle.back();
    m_idle.pop_back();
    return scratch;
  }
  hs_scratch* scratch = nullptr;
  hs_clone_scratch(m_prototype, &scratch);
  return scratch;
}

void LiteralSet::give_back(hs_scratch* scratch) const {
  std::lock_guard lock(m_mutex);
  m_idle.push_back(scratch);
}

std::vector<LiteralHit> LiteralSet::scan(std::string_view text) const {
  std::vector<LiteralHit> hits;
  scan(text, hits);
  return hits;
}

void LiteralSet::scan(std::string_view text, std::vector<LiteralHit>& hits) const {
  hits.clear();
  if (m_databases.empty() || text.empty()) return;
  hs_scratch* scratch = take_scratch();
  std::pair<std::vector<LiteralHit>*, const std::vector<std::size_t>*> context{&hits, &m_lengths};
  // Hyperscan scans at most 4 GiB per call; bundles cap members far below that.
  for (hs_database* database : m_databases) {
    hs_scan(database, text.data(), static_cast<unsigned>(text.size()), 0, scratch, on_match, &context);
  }
  give_back(scratch);
}

}  // namespace vmsupport
