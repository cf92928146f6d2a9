// The pseudonym map file (see map_file.h): JSON through nlohmann, bytes
// through plain POSIX calls so that the mode, the fsyncs and the errno of a
// failure stay in our hands.
#include "scrub/map_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <nlohmann/json.hpp>

#include "util/text.h"

namespace vmsupport::detail {
namespace {

using Entry = PseudonymMap::Entry;

constexpr int k_format_version = 1;

const std::string* string_field(const nlohmann::json& object, const char* name) {
  const auto field = object.find(name);
  return field == object.end() ? nullptr : field->get_ptr<const std::string*>();
}

Result<Entry> parse_entry(const nlohmann::json& item) {
  if (!item.is_object()) return fail("not an object");
  const std::string* category = string_field(item, "category");
  const std::string* original = string_field(item, "original");
  const std::string* original_base64 = string_field(item, "original_base64");
  const std::string* pseudonym = string_field(item, "pseudonym");
  if (!category || !pseudonym || (!original && !original_base64)) {
    return fail("needs \"category\", \"original\" (or \"original_base64\") and \"pseudonym\"");
  }
  const std::optional<Category> known = category_from_name(*category);
  if (!known) return fail("unknown category \"", *category, "\"");
  return Entry{*known, original ? *original : base64_decode(*original_base64), *pseudonym};
}

Result<std::map<std::string, std::uint64_t>> parse_counters(const nlohmann::json& document) {
  std::map<std::string, std::uint64_t> counters;
  const auto field = document.find("counters");
  if (field == document.end()) return counters;
  if (!field->is_object()) return fail("\"counters\" is not an object");
  for (const auto& [space, value] : field->items()) {
    if (!value.is_number_unsigned()) return fail("counter \"", space, "\" is not a number");
    counters[space] = value.get<std::uint64_t>();
  }
  return counters;
}

// Each element of "entries" is taken as the parser finishes it and then
// dropped: a map of tens of thousands of names is never held as a JSON tree.
Result<MapFile> parse_document(const std::string& text) {
  using Event = nlohmann::json::parse_event_t;
  MapFile file;
  std::string top_key;
  std::size_t index = 0;
  std::optional<Error> failure;
  const auto take_entry = [&](int depth, Event event, nlohmann::json& parsed) {
    if (depth == 1 && event == Event::key) top_key = parsed.get<std::string>();
    if (depth != 2 || top_key != "entries") return true;
    if (event != Event::object_end && event != Event::array_end && event != Event::value) return true;
    Result<Entry> entry = parse_entry(parsed);
    if (!entry && !failure) failure = fail("entries[", index, "]: ", entry.error().message).error();
    if (entry) file.entries.push_back(std::move(*entry));
    ++index;
    return false;
  };
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text, take_entry);
  } catch (const nlohmann::json::parse_error& error) {
    return fail("invalid JSON near byte ", error.byte);
  } catch (const nlohmann::json::exception& error) {  // e.g. a number too large for a double
    return fail("invalid JSON: ", error.what());
  }
  if (!json.is_object()) return fail("not a JSON object");
  const auto version = json.find("format_version");
  if (version == json.end() || !version->is_number_integer()) return fail("no \"format_version\"");
  if (*version != k_format_version) {
    return fail("format_version ", version->dump(), " (this vmsupport reads ", k_format_version,
                ")");
  }
  const auto entries = json.find("entries");
  if (entries == json.end() || !entries->is_array()) return fail("no \"entries\" list");
  if (failure) return std::unexpected(*failure);
  auto counters = parse_counters(json);
  if (!counters) return std::unexpected(counters.error());
  file.counters = std::move(*counters);
  return file;
}

// The bytes of `path`; the error carries errno (ENOENT: no such file).
Result<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return fail_errno(error, path, ": cannot read: ", errno_text(error));
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count > 0) text.append(buffer, static_cast<std::size_t>(count));
    if (count == 0) break;
    if (count < 0 && errno != EINTR) {
      const int error = errno;
      ::close(fd);
      return fail_errno(error, path, ": cannot read: ", errno_text(error));
    }
  }
  ::close(fd);
  return text;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

void sync_directory_of(const std::string& path) {
  const std::string directory = std::filesystem::path(path).parent_path().string();
  const int fd =
      ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

Result<MapFile> read_map_file(const std::string& path) {
  const Result<std::string> text = read_file(path);
  if (!text && text.error().code == ENOENT) return MapFile{};
  if (!text) return std::unexpected(text.error());
  Result<MapFile> file = parse_document(*text);
  if (!file) return std::unexpected(map_file_fault(path, file.error().message));
  return file;
}

Error map_file_fault(const std::string& path, std::string_view detail) {
  return fail(path, ": not a vmsupport pseudonym map: ", detail).error();
}

std::string map_file_text(const std::vector<Entry>& entries,
                          const std::map<std::string, std::uint64_t>& counters) {
  return map_file_text(
      entries.size(), [&entries](const MapEntryVisitor& visit) {
        for (const Entry& entry : entries) visit(entry);
      },
      counters);
}

std::string map_file_text(std::size_t count, const std::function<void(const MapEntryVisitor&)>& for_each_entry,
                          const std::map<std::string, std::uint64_t>& counters) {
  // One entry a line, written as it goes: a document tree of a large site's
  // map was the peak of a whole collect's memory (scripts/bench-collect.sh).
  std::string text = "{\n  \"format_version\": " + std::to_string(k_format_version) + ",\n  \"entries\": [";
  text.reserve(count * 96 + 256);
  const char* separator = "\n    ";
  for_each_entry([&](const Entry& entry) {
    text += separator;
    separator = ",\n    ";
    text += "{\"category\": ";
    text += nlohmann::json(std::string(category_name(entry.category))).dump();
    // nlohmann refuses to write invalid UTF-8; such bytes travel as base64.
    if (is_valid_utf8(entry.original)) {
      text += ", \"original\": ";
      text += nlohmann::json(entry.original).dump();
    } else {
      text += ", \"original_base64\": ";
      text += nlohmann::json(base64_encode(entry.original)).dump();
    }
    text += ", \"pseudonym\": ";
    text += nlohmann::json(entry.pseudonym).dump();
    text += '}';
  });
  text += count == 0 ? "],\n" : "\n  ],\n";
  text += "  \"counters\": " + nlohmann::json(counters).dump() + "\n}\n";
  return text;
}

Result<void> write_map_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int error = errno;
    return fail_errno(error, temporary, ": cannot create: ", errno_text(error));
  }
  // fchmod: a temporary file left behind keeps its old mode through O_TRUNC.
  bool written = ::fchmod(fd, 0600) == 0 && write_all(fd, text) && ::fsync(fd) == 0;
  int error = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    error = errno;
  }
  if (written && std::rename(temporary.c_str(), path.c_str()) != 0) {
    written = false;
    error = errno;
  }
  if (!written) {
    ::unlink(temporary.c_str());
    return fail_errno(error, path, ": cannot write: ", errno_text(error));
  }
  sync_directory_of(path);
  return {};
}

}  // namespace vmsupport::detail
