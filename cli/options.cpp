// Command-line options of collect and list, and their conversion (see options.h).
#include "options.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <tuple>

namespace vmsupport::cli {

// What to scrub and where the map is kept: shared by collect and scrub.
static void add_scrub_choices(CLI::App& command, RawOptions& raw) {
  command.add_option("--map", raw.map, "The pseudonym map, kept on this side (default STATE_DIR/map.json)")
      ->type_name("FILE");
  command.add_option("--state-dir", raw.state_dir, "Where vmsupport keeps its state (default /var/lib/vmsupport as root)")
      ->type_name("DIR");
  command.add_option("--keep", raw.keep, "Categories left as they are: ip, ipv4, ipv6, mac, email, host, domain, vm, user")
      ->type_name("LIST");
  command.add_option("--scrub-word", raw.scrub_words, "Also replace this word (repeat for more)")->type_name("WORD");
  command.add_option("--scrub-words", raw.scrub_words_file, "Also replace each word of FILE (one per line)")
      ->type_name("FILE");
}

// --encrypt-to: shared by collect and scrub.
static void add_encrypt_option(CLI::App& command, RawOptions& raw) {
  command.add_option("--encrypt-to", raw.encrypt_to,
                     "Encrypt the bundle with gpg for this public key (a key file, or a fingerprint or e-mail "
                     "in the keyring): NAME.gpg")
      ->type_name("KEY");
}

// Which host and which manifests: shared by collect, list and baseline.
static void add_root_options(CLI::App& command, RawOptions& raw) {
  command.add_option("--root", raw.root, "Read the host's files under DIR (a mounted disk, a fixture)")
      ->type_name("DIR")->capture_default_str();
  command.add_option("--platform", raw.platform, "Use this platform's manifest instead of detecting it")
      ->type_name("NAME");
  command.add_option("--manifests", raw.manifests, "Use the *.yaml manifests of DIR instead of the built-in ones")
      ->type_name("DIR");
}

void add_selection_options(CLI::App& command, RawOptions& raw) {
  add_root_options(command, raw);
  command.add_option("-g,--group", raw.groups, "Only these groups (also disabled ones); repeat or comma-separate")
      ->type_name("ID")->delimiter(',');
  command.add_option("-e,--exclude", raw.exclude, "Leave these groups out")->type_name("ID")->delimiter(',');
  command.add_option("--tags", raw.tags, "Only groups with one of these tags")->type_name("TAG")->delimiter(',');
  command.add_flag("--all-groups", raw.all_groups, "Include groups that are disabled by default");
  command.add_option("--since", raw.since, "Skip files last modified before this: 3d, 12h, 2026-11-20, 2026-11-20T10:00:00Z")
      ->type_name("WHEN");
  command.add_option("--max-file-size", raw.max_file_size, "Keep at most the newest SIZE of each file and command output")
      ->type_name("SIZE")->capture_default_str();
  command.add_flag("--chroot", raw.chroot, "With --root: run commands inside the root (needs root)");
  command.add_option("--vm", raw.vm, "Only this VM (display name, directory name or .vmx path) and its host context")
      ->type_name("NAME");
}

void add_wait_lock_option(CLI::App& command, RawOptions& raw) {
  command.add_option("--wait-lock", raw.wait_lock,
                     "When another run holds the state directory's lock, wait for it (default 30m; plain number = seconds)")
      ->type_name("[DURATION]")->expected(0, 1);
}

Result<LockOptions> to_lock_options(const RawOptions& raw, const std::string& state_dir) {
  LockOptions lock;
  lock.state_dir = state_dir;
  lock.command_line = raw.command_line;
  if (!raw.wait_lock_given && raw.wait_lock.empty()) return lock;
  if (raw.wait_lock.empty()) {
    lock.wait = std::chrono::minutes(30);
    return lock;
  }
  auto wait = parse_duration(raw.wait_lock);
  if (!wait || wait->count() < 0) return fail("--wait-lock: ", wait ? "must not be negative" : wait.error().message);
  lock.wait = *wait;
  return lock;
}

void add_baseline_options(CLI::App& command, RawOptions& raw) {
  add_root_options(command, raw);
  command.add_option("--state-dir", raw.state_dir, "Where baselines are kept (default /var/lib/vmsupport as root)")
      ->type_name("DIR");
  command.add_option("--label", raw.label, "A note kept with the baseline, e.g. \"before the 8.0 U3 upgrade\"")
      ->type_name("TEXT");
  command.add_option("--keep", raw.keep_baselines, "Baselines kept (the oldest are removed)")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  command.add_flag("--list", raw.list_baselines, "List the baselines kept, newest first");
  add_wait_lock_option(command, raw);
}

void add_collect_options(CLI::App& command, RawOptions& raw) {
  command.add_option("--baseline", raw.baseline, "Compare with this baseline (default: the newest of this root)")
      ->type_name("ID");
  command.add_flag("--no-changes", raw.no_changes, "Do not compare with a baseline, record none, add no changes/");
  command.add_option("--performance", raw.performance,
                     "Take performance snapshots for DURATION while collecting (the run lasts at least that)")
      ->type_name("DURATION");
  command.add_option("--interval", raw.interval, "Seconds between performance snapshots (default 5)")
      ->type_name("SECONDS");
  command.add_flag("--include-cores", raw.include_cores,
                   "Pack crash core files too (binary: not scrubbed; --no-scrub packs them anyway)");
  command.add_option("--max-core-size", raw.max_core_size, "A larger core is described, not packed")
      ->type_name("SIZE")->capture_default_str();
  command.add_option("--max-cores-total", raw.max_cores_total, "All packed cores together, newest first")
      ->type_name("SIZE")->capture_default_str();
  command.add_option("-o,--output", raw.output, "Bundle file, directory for it, or - for stdout")
      ->type_name("PATH")->capture_default_str();
  command.add_option("--compress", raw.compress, "gzip, zstd or none")
      ->check(CLI::IsMember({"gzip", "zstd", "none"}))->capture_default_str();
  add_case_options(command, raw);
  command.add_option("--split", raw.split, "Write the bundle as NAME.part-001, -002 ... of at most SIZE each (e.g. 2G; at least 1M)")
      ->type_name("SIZE");
  command.add_option("--max-size", raw.max_size,
                     "Cap the bundle file at SIZE (e.g. 500MiB): the lowest-priority items are left out first")
      ->type_name("SIZE");
  command.add_flag("--no-space-check", raw.no_space_check,
                   "Write even when the output's free space looks too small for the estimated bundle");
  command.add_flag("--overwrite", raw.overwrite,
                   "Replace the bundle -o FILE names when it exists (its parts, .gpg and .sha256 too)");
  command.add_flag("--show-config", raw.show_config,
                   "Print the settings this command line would use, and where each came from; collect nothing");
  command.add_flag("--json", raw.json, "Print one JSON object with the result on stdout; all else goes to stderr");
  command.add_option("--timeout", raw.timeout, "Deadline for the whole run")->type_name("DURATION")->capture_default_str();
  command.add_option("-j,--jobs", raw.jobs, "Collectors run in parallel")->check(CLI::Range(1u, 64u))->capture_default_str();
  command.add_flag("--no-scrub", raw.no_scrub, "Do not replace names, addresses and users, nor mask secrets (recorded in the bundle)");
  add_scrub_choices(command, raw);
  add_encrypt_option(command, raw);
  add_wait_lock_option(command, raw);
  command.add_option("--priority", raw.priority,
                     "low: nice 10 and I/O best-effort 7 for the run and its commands; normal: as started")
      ->check(CLI::IsMember({"low", "normal"}))->capture_default_str();
  command.add_flag("-q,--quiet", raw.quiet, "Print only the bundle's path");
}

void add_scrub_options(CLI::App& command, RawOptions& raw) {
  command.add_option("bundle", raw.bundle, "The bundle to scrub (.tgz, .tar.gz, .tar.zst, .tar), ours or vm-support's")
      ->required();
  command.add_option("-o,--output", raw.scrub_output, "Scrubbed bundle file, or a directory for it (default: beside BUNDLE)")
      ->type_name("PATH");
  add_scrub_choices(command, raw);
  command.add_option("--platform", raw.platform, "Use this platform's inventory and forbidden paths instead of detecting it")
      ->type_name("NAME");
  add_encrypt_option(command, raw);
  add_wait_lock_option(command, raw);
  command.add_flag("-q,--quiet", raw.quiet, "Print only the scrubbed bundle's path");
  command.add_flag("--json", raw.json, "Print one JSON object with the result on stdout; all else goes to stderr");
}

void add_case_options(CLI::App& command, RawOptions& raw) {
  command.add_option("--case", raw.case_id, "Support case id (letters, digits, dashes): in the bundle's name and case.json")
      ->type_name("ID");
  command.add_option("--severity", raw.severity,
                     "Case severity: 1 production down, 2 severely degraded, 3 minor impact, 4 general question")
      ->type_name("1-4");
  command.add_option("--description", raw.description, "What happened, in a few words (case.json; scrubbed)")
      ->type_name("TEXT");
  command.add_option("--contact", raw.contact, "Who to contact about this bundle (case.json; scrubbed)")
      ->type_name("TEXT");
}

Result<CaseInfo> to_case_info(const RawOptions& raw) {
  CaseInfo info;
  if (!raw.case_id.empty()) {
    if (auto ok = check_case_id(raw.case_id); !ok) return fail("--case: ", ok.error().message);
    info.id = raw.case_id;
  }
  if (!raw.severity.empty()) {
    auto severity = parse_severity(raw.severity);
    if (!severity) return fail("--severity: ", severity.error().message);
    info.severity = *severity;
  }
  info.description = raw.description;
  info.contact = raw.contact;
  return info;
}

Result<RescrubOptions> to_rescrub_options(const RawOptions& raw) {
  RescrubOptions options;
  options.input = raw.bundle;
  options.output = raw.scrub_output;
  options.platform = raw.platform;
  options.encrypt_to = raw.encrypt_to;
  const std::string state_dir = raw.state_dir.empty() ? default_state_dir() : raw.state_dir;
  auto scrub = to_scrub_options(raw, state_dir);
  if (!scrub) return std::unexpected(scrub.error());
  options.scrub = std::move(*scrub);
  options.scrub.enabled = true;
  auto lock = to_lock_options(raw, state_dir);
  if (!lock) return std::unexpected(lock.error());
  options.lock = std::move(*lock);
  options.scrub.settings.max_decompressed = options.max_member;
  options.given = {{"platform", raw.platform}, {"output", raw.scrub_output.empty() ? "beside the input" : raw.scrub_output},
                   {"keep", raw.keep}, {"scrub_words", raw.scrub_words.size()}, {"state_dir", state_dir}};
  return options;
}


void refuse_empty_values(CLI::App& app) {
  static const CLI::Validator k_not_empty(
      [](std::string& value) { return value.empty() ? std::string("must not be empty") : std::string(); }, "",
      "NOT_EMPTY");
  for (CLI::Option* option : app.get_options()) {
    if (option->get_type_size() > 0 && option->get_expected_min() > 0) option->check(k_not_empty);
  }
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) refuse_empty_values(*command);
}

std::string default_state_dir() {
  if (geteuid() == 0) return "/var/lib/vmsupport";
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/vmsupport";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.local/state/vmsupport";
}

Result<ScrubOptions> to_scrub_options(const RawOptions& raw, const std::string& state_dir) {
  ScrubOptions scrub;
  scrub.enabled = !raw.no_scrub;
  scrub.map_path = raw.map.empty() ? state_dir + "/map.json" : raw.map;
  scrub.settings.cache_dir = state_dir + "/cache";
  auto keep = parse_keep(raw.keep);
  if (!keep) return std::unexpected(keep.error());
  scrub.settings.keep = *keep;
  scrub.settings.words = raw.scrub_words;
  if (!raw.scrub_words_file.empty()) {
    std::ifstream in(raw.scrub_words_file);
    if (!in) return fail("--scrub-words ", raw.scrub_words_file, ": cannot read it");
    for (std::string line; std::getline(in, line);) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty() && line.front() != '#') scrub.settings.words.push_back(line);
    }
  }
  return scrub;
}

// --performance DURATION and --interval SECONDS (default 5 s, at most DURATION).
static Result<void> to_performance_options(const RawOptions& raw, CollectOptions& options) {
  if (raw.performance.empty()) {
    if (!raw.interval.empty()) return fail("--interval: only with --performance DURATION");
    return {};
  }
  auto duration = parse_duration(raw.performance);
  if (!duration || duration->count() <= 0) {
    return fail("--performance: ", duration ? "must be positive" : duration.error().message);
  }
  if (*duration >= options.timeout) return fail("--performance: ", raw.performance, " is not shorter than --timeout");
  PerformanceOptions& performance = options.performance;
  performance.duration = *duration;
  if (!raw.interval.empty()) {
    auto interval = parse_duration(raw.interval);
    if (!interval || interval->count() < 1000) {
      return fail("--interval: ", interval ? "at least 1 second" : interval.error().message);
    }
    performance.interval = *interval;
  }
  if (performance.interval > performance.duration) {
    return fail("--interval: longer than --performance ", raw.performance, " (one snapshot is not a series)");
  }
  return {};
}

Result<CollectOptions> to_collect_options(const RawOptions& raw) {
  CollectOptions options;
  options.root = raw.root.empty() ? "/" : raw.root;
  options.manifests_dir = raw.manifests;
  options.output = raw.output;
  options.jobs = raw.jobs;
  options.encrypt_to = raw.encrypt_to;
  options.state_dir = raw.state_dir.empty() ? default_state_dir() : raw.state_dir;
  auto scrub = to_scrub_options(raw, options.state_dir);
  if (!scrub) return std::unexpected(scrub.error());
  options.scrub = std::move(*scrub);
  auto lock = to_lock_options(raw, options.state_dir);
  if (!lock) return std::unexpected(lock.error());
  options.lock = std::move(*lock);
  if (raw.no_scrub && raw.no_changes) options.lock.state_dir.clear();  // no map, no baseline: nothing to guard
  options.compression = raw.compress == "zstd" ? Compression::zstd
                        : raw.compress == "none" ? Compression::none
                                                 : Compression::gzip;
  auto case_info = to_case_info(raw);
  if (!case_info) return std::unexpected(case_info.error());
  options.case_info = std::move(*case_info);
  if (!raw.split.empty()) {
    auto split = parse_size(raw.split);
    if (!split) return fail("--split: ", split.error().message);
    if (*split < k_least_split_bytes) {
      return fail("--split: at least ", format_size(k_least_split_bytes),
                  " (smaller parts make thousands of files to attach)");
    }
    if (raw.output == "-") return fail("--split: cannot split standard output (-o -); write to a file or directory");
    // gpg writes one file: with --encrypt-to the .gpg is cut into parts afterwards.
    (raw.encrypt_to.empty() ? options.split_bytes : options.split_encrypted_bytes) = *split;
  }
  if (!raw.max_size.empty()) {
    auto max_size = parse_size(raw.max_size);
    if (!max_size) return fail("--max-size: ", max_size.error().message);
    if (*max_size < k_least_max_size) return fail("--max-size: at least ", format_size(k_least_max_size), " (room for the bundle's own documents)");
    options.max_size = *max_size;
    options.max_size_text = "--max-size " + raw.max_size;
  }
  options.space_check = !raw.no_space_check;
  auto timeout = parse_duration(raw.timeout);
  if (!timeout || timeout->count() <= 0) return fail("--timeout: ", timeout ? "must be positive" : timeout.error().message);
  options.timeout = *timeout;
  auto cap = parse_size(raw.max_file_size);
  if (!cap || *cap == 0) return fail("--max-file-size: ", cap ? "must be positive" : cap.error().message);
  PlanOptions& plan = options.plan;
  plan.max_file_size = *cap;
  options.changes.enabled = !raw.no_changes;
  options.changes.state_dir = options.state_dir;
  options.changes.baseline_id = raw.baseline;
  options.cores.include_files = raw.include_cores || raw.no_scrub;
  options.cores.include_reason = raw.include_cores ? "--include-cores" : "--no-scrub";
  for (auto [text, out, name] : {std::tuple{&raw.max_core_size, &options.cores.max_core_size, "--max-core-size"},
                                 std::tuple{&raw.max_cores_total, &options.cores.max_total, "--max-cores-total"}}) {
    auto size = parse_size(*text);
    if (!size) return fail(name, ": ", size.error().message);
    *out = *size;
  }
  options.scrub.settings.max_decompressed = *cap;
  if (!raw.since.empty()) {
    auto since = parse_since(raw.since, Clock::now());
    if (!since) return fail("--since: ", since.error().message);
    plan.since = *since;
    options.changes.since = *since;
    options.cores.since = *since;
  }
  plan.platform = raw.platform;
  plan.groups = raw.groups;
  plan.exclude = raw.exclude;
  plan.tags = raw.tags;
  plan.all_groups = raw.all_groups;
  plan.chroot = raw.chroot;
  plan.vm = raw.vm;
  if (auto ok = to_performance_options(raw, options); !ok) return std::unexpected(ok.error());
  options.given = {{"root", options.root},     {"platform", raw.platform},
                   {"manifests", raw.manifests.empty() ? "built-in" : raw.manifests},
                   {"output", raw.output},     {"compress", raw.compress},
                   {"case", raw.case_id},      {"severity", raw.severity},
                   {"split", raw.split},       {"since", raw.since},
                   {"max_size", raw.max_size}, {"no_space_check", raw.no_space_check},
                   {"timeout", raw.timeout},   {"max_file_size", raw.max_file_size},
                   {"jobs", raw.jobs},         {"groups", raw.groups},
                   {"exclude", raw.exclude},   {"tags", raw.tags},
                   {"all_groups", raw.all_groups}, {"chroot", raw.chroot},
                   {"vm", raw.vm},             {"performance", raw.performance},
                   {"interval", raw.interval.empty() && !raw.performance.empty() ? "5" : raw.interval},
                   {"no_scrub", raw.no_scrub}, {"keep", raw.keep},
                   {"scrub_words", raw.scrub_words.size()}, {"state_dir", options.state_dir},
                   {"wait_lock", raw.wait_lock_given || !raw.wait_lock.empty() ? format_duration(options.lock.wait) : "no"},
                   {"priority", raw.priority},
                   {"baseline", raw.no_changes ? "off (--no-changes)" : raw.baseline.empty() ? "newest" : raw.baseline}};
  return options;
}

}  // namespace vmsupport::cli
