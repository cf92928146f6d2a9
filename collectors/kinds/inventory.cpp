// Gathering the inventory of names (see inventory.h): parsing `inventory:`
// entries, and extracting names from hostname files, key = value files,
// /etc/hosts, resolv.conf, passwd, directory names, XML elements, property
// list keys and log lines matched by a pattern.
#include "kinds/inventory.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "host/glob_walk.h"
#include "kinds/listed.h"
#include "manifest/glob.h"
#include "scrub/gunzip.h"
#include "scrub/user_fields.h"
#include "util/text.h"

namespace vmsupport {
namespace {

constexpr std::array<std::string_view, 11> k_takes = {"line",        "key",         "hosts",     "resolv",
                                                      "passwd",      "dir_name",    "path_names", "xml_element",
                                                      "user_fields", "plist_key",   "pattern"};

// How much of a log `take: user_fields` or `take: pattern` reads: its newest bytes, in chunks.
constexpr std::uint64_t k_user_field_scan = 64ull << 20;

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Where a '#' comment starts, outside quotes; npos when there is none.
std::size_t comment_start(const std::string& line) {
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (quote) {
      if (line[i] == quote) quote = 0;
    } else if (line[i] == '"' || line[i] == '\'') {
      quote = line[i];
    } else if (line[i] == '#') {
      return i;
    }
  }
  return std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto hash = comment_start(line);
    line = trim(hash == std::string::npos ? line : line.substr(0, hash));
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// .vmx files write special characters as |XX (hex): "Lab |232" is "Lab #2".
std::string decode_vmx(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '|' && i + 2 < value.size() && std::isxdigit(static_cast<unsigned char>(value[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(value[i + 2]))) {
      out += static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += value[i];
    }
  }
  return out;
}

// The five predefined XML entities and numeric character references (ASCII).
std::string decode_xml(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::size_t semicolon = value[i] == '&' ? value.find(';', i) : std::string::npos;
    if (semicolon == std::string::npos || semicolon - i > 8) {
      out += value[i];
      continue;
    }
    const std::string entity = value.substr(i + 1, semicolon - i - 1);
    static const std::map<std::string, char> k_named = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    if (const auto it = k_named.find(entity); it != k_named.end()) {
      out += it->second;
    } else if (entity.size() > 1 && entity[0] == '#' && std::isdigit(static_cast<unsigned char>(entity[1]))) {
      const long code = std::strtol(entity.c_str() + 1, nullptr, 10);
      if (code <= 0 || code >= 128) {
        out += value.substr(i, semicolon - i + 1);
        i = semicolon;
        continue;
      }
      out += static_cast<char>(code);
    } else {
      out += value[i];
      continue;
    }
    i = semicolon;
  }
  return out;
}

bool is_loopback_name(const std::string& name) {
  const std::string n = ascii_lower(name);
  return n == "localhost" || n.rfind("localhost.", 0) == 0 || n.rfind("ip6-", 0) == 0 ||
         n == "localdomain" || n == "broadcasthost";
}

std::vector<std::string> hosts_names(const std::string& text) {
  std::vector<std::string> names;
  for (const std::string& line : lines_of(text)) {
    const std::vector<std::string> words = words_of(line);
    names.insert(names.end(), words.size() > 1 ? words.begin() + 1 : words.end(), words.end());
  }
  return names;
}

std::vector<std::string> resolv_domains(const std::string& text) {
  std::vector<std::string> domains;
  for (const std::string& line : lines_of(text)) {
    const std::vector<std::string> words = words_of(line);
    if (words.empty() || (words[0] != "search" && words[0] != "domain")) continue;
    domains.insert(domains.end(), words.begin() + 1, words.end());
  }
  return domains;
}

// Accounts of a passwd file: people (uid >= min_uid) when `people`, else the
// system's and services' own (root, daemon, postgres, nobody…).
std::vector<std::string> passwd_accounts(const std::string& text, int min_uid, bool people) {
  std::vector<std::string> users;
  for (const std::string& line : lines_of(text)) {
    std::vector<std::string> fields;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, ':');) fields.push_back(field);
    if (fields.size() < 3) continue;
    const long uid = std::strtol(fields[2].c_str(), nullptr, 10);
    const bool person = uid >= min_uid && uid != 65534 && uid != 4294967294L;
    if (person == people) users.push_back(fields[0]);
  }
  return users;
}

// Text of each <element>...</element>; a path value gives its directory and file stem.
std::vector<std::string> xml_elements(const std::string& text, const std::string& element) {
  std::vector<std::string> values;
  const std::string open = "<" + element + ">";
  const std::string close = "</" + element + ">";
  for (std::size_t at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
    const std::size_t begin = at + open.size();
    const std::size_t end = text.find(close, begin);
    if (end == std::string::npos) break;
    const std::string value = decode_xml(trim(std::string_view(text).substr(begin, end - begin)));
    const std::size_t slash = value.rfind('/');
    if (slash == std::string::npos) {
      values.push_back(value);
      continue;
    }
    const std::string file = value.substr(slash + 1);
    values.push_back(file.substr(0, file.rfind('.')));
    const std::size_t parent = value.rfind('/', slash - 1);
    if (slash > 0) values.push_back(value.substr(parent == std::string::npos ? 0 : parent + 1, slash - parent - 1));
  }
  return values;
}

// The name of a file without its extension, and its directory's ("x.vmwarevm" -> "x").
std::vector<std::string> path_names(const std::string& path) {
  auto stem = [](const std::string& name) {
    const std::size_t dot = name.rfind('.');
    return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
  };
  const std::size_t slash = path.rfind('/');
  std::vector<std::string> names{stem(path.substr(slash + 1))};
  if (slash != std::string::npos && slash > 0) {
    const std::size_t parent = path.rfind('/', slash - 1);
    const std::string directory = path.substr(parent + 1, slash - parent - 1);
    names.push_back(directory.ends_with(".vmwarevm") ? stem(directory) : directory);
  }
  return names;
}

// The <string> after each <key>KEY</key> of an XML property list (macOS
// preferences: <key>ComputerName</key> <string>Bob's Mac</string>), in any
// dictionary. A binary plist (bplist00) gives nothing.
std::vector<std::string> plist_values(const std::string& text, const std::string& key) {
  std::vector<std::string> values;
  const std::string open = "<key>" + key + "</key>";
  for (std::size_t at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
    std::size_t value = text.find_first_not_of(" \t\r\n", at + open.size());
    if (value == std::string::npos || text.compare(value, 8, "<string>") != 0) continue;
    value += 8;
    const std::size_t end = text.find("</string>", value);
    if (end == std::string::npos) break;
    values.push_back(decode_xml(trim(std::string_view(text).substr(value, end - value))));
  }
  return values;
}

// The regex of a `take: pattern` source (checked when the manifest is loaded).
std::regex compile_pattern(const std::string& pattern) {
  return std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
}

// For each line holding `contains`, the first group of each match of `pattern`
// (the whole match when it has no group).
std::vector<std::string> pattern_matches(const std::string& text, const std::string& contains, const std::string& pattern) {
  std::vector<std::string> names;
  const std::regex regex = compile_pattern(pattern);
  std::size_t searched = 0;
  for (std::size_t at = text.find(contains); at != std::string::npos; at = text.find(contains, searched)) {
    const std::size_t newline = text.rfind('\n', at);
    const std::size_t begin = newline == std::string::npos ? 0 : newline + 1;
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    searched = end;
    const auto first = text.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = text.begin() + static_cast<std::ptrdiff_t>(end);
    try {
      for (auto match = std::sregex_iterator(first, last, regex); match != std::sregex_iterator(); ++match) {
        names.push_back((*match)[match->size() > 1 ? 1 : 0].str());
      }
    } catch (const std::regex_error&) {
      continue;  // a line too complex for the regex engine: skipped (the inventory is best effort)
    }
  }
  return names;
}

// The key of a `KEY = VALUE` / `KEY: VALUE` line, and where its value starts (npos: none).
std::pair<std::string, std::size_t> split_key(const std::string& line) {
  const std::size_t sign = line.find_first_of("=:");
  if (sign == std::string::npos) return {{}, std::string::npos};
  return {trim(std::string_view(line).substr(0, sign)), sign};
}

}  // namespace

std::vector<std::string> key_values(const std::string& text, const std::string& key) {
  const bool pattern = has_wildcard(key);
  std::vector<std::string> values;
  for (const std::string& line : lines_of(text)) {
    std::string rest;
    if (pattern) {
      const auto [name, sign] = split_key(line);
      if (sign == std::string::npos || !match_component(key, name)) continue;
      rest = line.substr(sign);
    } else {
      if (line.compare(0, key.size(), key) != 0) continue;
      rest = trim(std::string_view(line).substr(key.size()));
    }
    if (rest.empty() || (rest[0] != '=' && rest[0] != ':')) continue;
    rest = trim(std::string_view(rest).substr(1));
    if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') && rest.back() == rest.front()) {
      rest = rest.substr(1, rest.size() - 2);
    }
    values.push_back(decode_vmx(rest));
  }
  return values;
}

void Inventory::add(Category category, std::string name) {
  name = trim(name);
  if (name.empty() || is_loopback_name(name)) return;
  if (category == Category::user && is_builtin_account(name)) return;
  if (category == Category::host || category == Category::domain) {
    while (!name.empty() && name.back() == '.') name.pop_back();  // absolute DNS names
  }
  if (category == Category::host) {
    const std::size_t dot = name.find('.');
    const bool ipv4_like = std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    if (ipv4_like) return;
    if (dot != std::string::npos && dot > 0 && dot + 1 < name.size()) {
      // The scrubber replaces the FQDN as host + known domain: host-0001.domain-01.invalid
      add(Category::domain, name.substr(dot + 1));
      add(Category::host, name.substr(0, dot));
      return;
    }
  }
  const std::string key = ascii_lower(name);
  for (const InventoryName& known : names) {
    if (known.category == category && ascii_lower(known.name) == key) return;
  }
  names.push_back(InventoryName{category, std::move(name)});
}

bool Inventory::is_service_account(std::string_view name) const { return service_accounts.contains(ascii_lower(name)); }

std::size_t Inventory::count(Category category) const {
  return static_cast<std::size_t>(std::count_if(names.begin(), names.end(), [&](const InventoryName& n) {
    return n.category == category;
  }));
}

Result<InventorySource> parse_inventory_source(const YamlReader& reader, const YAML::Node& node) {
  InventorySource source;
  source.mark = reader.mark(node);
  if (auto ok = reader.check_map(node, "inventory entry",
                                 {"category", "glob", "listed_in", "take", "key", "element", "min_uid", "pattern", "contains"});
      !ok) {
    return std::unexpected(ok.error());
  }
  for (const char* key : {"category", "glob", "take"}) {
    if (auto ok = reader.require(node, key, "inventory entry"); !ok) return std::unexpected(ok.error());
  }
  auto category_text = reader.string(node["category"], "category");
  if (!category_text) return std::unexpected(category_text.error());
  const auto category = category_from_name(*category_text);
  if (!category || (*category != Category::host && *category != Category::domain && *category != Category::vm &&
                    *category != Category::user)) {
    return reader.error(node["category"], "'category' must be host, domain, vm or user, got '" + *category_text + "'");
  }
  source.category = *category;
  auto glob = parse_entry_glob(reader, node, source.listed_in);
  if (!glob) return std::unexpected(glob.error());
  source.glob = *glob;
  auto take = reader.string(node["take"], "take");
  if (!take) return std::unexpected(take.error());
  if (std::find(k_takes.begin(), k_takes.end(), *take) == k_takes.end()) {
    return reader.error(node["take"], "'take' must be one of line, key, hosts, resolv, passwd, dir_name, path_names, "
                                      "xml_element, user_fields, plist_key, pattern, got '" + *take + "'");
  }
  source.take = *take;
  if (source.take == "user_fields" && source.category != Category::user) {
    return reader.error(node["take"], "take: user_fields finds users: its category must be user");
  }
  for (const auto& [key, field] : {std::pair{"key", &source.key}, std::pair{"element", &source.element},
                                   std::pair{"pattern", &source.pattern}, std::pair{"contains", &source.contains}}) {
    if (!node[key]) continue;
    auto value = reader.string(node[key], key);
    if (!value) return std::unexpected(value.error());
    *field = *value;
  }
  if (source.take == "key" && source.key.empty()) return reader.error(node, "take: key needs a 'key'");
  if (source.take == "plist_key" && source.key.empty()) return reader.error(node, "take: plist_key needs a 'key'");
  if (source.take == "pattern") {
    if (source.pattern.empty() || source.contains.empty()) {
      return reader.error(node, "take: pattern needs a 'pattern' and the text its lines contain ('contains')");
    }
    try {
      (void)compile_pattern(source.pattern);
    } catch (const std::regex_error& error) {
      return reader.error(node["pattern"], std::string("'pattern' is not a valid regular expression: ") + error.what());
    }
  }
  if (source.take == "xml_element" && source.element.empty()) return reader.error(node, "take: xml_element needs an 'element'");
  if (node["min_uid"]) {
    auto uid = reader.integer(node["min_uid"], "min_uid");
    if (!uid) return std::unexpected(uid.error());
    source.min_uid = *uid;
  }
  return source;
}

std::vector<std::string> names_from_text(const InventorySource& source, const std::string& text) {
  if (source.take == "key") return key_values(text, source.key);
  if (source.take == "hosts") return hosts_names(text);
  if (source.take == "resolv") return resolv_domains(text);
  if (source.take == "passwd") return passwd_accounts(text, source.min_uid, true);
  if (source.take == "xml_element") return xml_elements(text, source.element);
  if (source.take == "plist_key") return plist_values(text, source.key);
  if (source.take == "pattern") return pattern_matches(text, source.contains, source.pattern);
  if (source.take == "user_fields") {
    std::vector<std::string> names;
    for (const UserField& field : find_user_fields(text)) names.push_back(text.substr(field.begin, field.end - field.begin));
    return names;
  }
  // The first word of the first line that has one (a line of \v or \f has none).
  for (const std::string& line : lines_of(text)) {
    const std::vector<std::string> words = words_of(line);
    if (!words.empty()) return {words.front()};
  }
  return {};
}

// UID_MIN of the root's /etc/login.defs: where real users start there
// (500 on RHEL 6 and older, 1000 since).
static std::optional<int> login_defs_uid_min(FileSystem& fs) {
  auto content = fs.read("/etc/login.defs", 1 << 20);
  if (!content) return std::nullopt;
  for (const std::string& line : lines_of(content->bytes)) {
    const std::vector<std::string> words = words_of(line);
    if (words.size() == 2 && words[0] == "UID_MIN") return std::atoi(words[1].c_str());
  }
  return std::nullopt;
}

// Names (user fields, pattern matches) in the newest part of a log, read in
// chunks cut at line ends (a log is too large to read whole; compressed
// rotations are not read).
static void scan_log(FileSystem& fs, const std::string& path, const InventorySource& source, Inventory& inventory) {
  auto names_in = [&](const std::string& text) {
    for (std::string& name : names_from_text(source, text)) {
      if (source.category != Category::user || !inventory.is_service_account(name)) {
        inventory.add(source.category, std::move(name));
      }
    }
  };
  auto info = fs.stat(path);
  if (!info || info->type != FileType::regular) return;
  if (info->size <= k_in_memory_limit) {
    auto content = fs.read(path, k_in_memory_limit);
    if (content && !is_gzip(content->bytes)) names_in(content->bytes);
    return;
  }
  auto opened = fs.open(path, k_user_field_scan);
  if (!opened) return;
  std::string pending;
  bool first = true;
  (void)for_each_chunk(opened->range, k_chunk_size, [&](std::string_view chunk) -> Result<void> {
    if (first && is_gzip(chunk)) return fail("compressed");
    first = false;
    pending.append(chunk);
    const std::size_t cut = pending.rfind('\n');
    if (cut == std::string::npos && pending.size() < k_chunk_size * 8) return {};
    const std::size_t end = cut == std::string::npos ? pending.size() : cut + 1;
    names_in(pending.substr(0, end));
    pending.erase(0, end);
    return {};
  });
  names_in(pending);
}

Inventory gather_inventory(const Manifest& manifest, FileSystem& fs) {
  Inventory inventory;
  const std::optional<int> uid_min = login_defs_uid_min(fs);
  for (InventorySource source : manifest.inventory) {
    if (source.take == "passwd" && uid_min && *uid_min > 0) source.min_uid = *uid_min;
    const std::vector<std::string> paths =
        source.listed_in ? expand_listed(fs, *source.listed_in, source.glob) : expand_glob(fs, source.glob);
    for (const std::string& path : paths) {
      if (source.take == "path_names") {
        for (std::string& name : path_names(path)) inventory.add(source.category, std::move(name));
        continue;
      }
      if (source.take == "dir_name") {
        auto info = fs.stat(path);
        if (info && info->type == FileType::directory) inventory.add(source.category, path.substr(path.rfind('/') + 1));
        continue;
      }
      if (source.take == "user_fields" || source.take == "pattern") {
        scan_log(fs, path, source, inventory);
        continue;
      }
      auto content = fs.read(path, 4 << 20);
      if (!content) continue;
      if (source.take == "passwd") {
        for (std::string& name : passwd_accounts(content->bytes, source.min_uid, false)) {
          inventory.service_accounts.insert(ascii_lower(name));
        }
      }
      for (std::string& name : names_from_text(source, content->bytes)) inventory.add(source.category, std::move(name));
    }
  }
  return inventory;
}

}  // namespace vmsupport
