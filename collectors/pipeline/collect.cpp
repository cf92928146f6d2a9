// The collect pipeline, step by step: manifests -> platform -> plan -> free
// space -> host facts -> scrubber -> recent changes -> archive -> parallel
// collection through the scrubber (within --max-size; an interrupt stops it
// and the rest still runs, so that what was gathered is written) ->
// documents -> commit -> encryption. Each step lives in its own file; this
// one only orders them.
#include "pipeline/collect.h"

#include <spdlog/spdlog.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "bundle/documents.h"
#include "bundle/encrypt.h"
#include "kinds/host_facts.h"
#include "manifest/loader.h"
#include "pipeline/executor.h"
#include "report/report_model.h"
#include "report/run_report.h"
#include "pipeline/performance_step.h"
#include "pipeline/space_check.h"
#include "scrub/scrubber.h"
#include "util/memory_use.h"

namespace vmsupport {
namespace {

CollectSummary failed(int exit_code, Error error) {
  CollectSummary summary;
  summary.exit_code = exit_code;
  summary.error = std::move(error);
  return summary;
}

// The host's part of the bundle name: its short name, or its pseudonym when scrubbing.
std::string bundle_host(const CollectOptions& options, const HostFacts& host, const ScrubSetup& scrub) {
  std::string hostname = short_host_name(host.hostname);
  if (scrub.map && hostname != "unknown" && !options.scrub.settings.keep.contains(Category::host)) {
    hostname = scrub.map->pseudonym(Category::host, hostname);
  }
  return hostname;
}

// vmsupport-[case-]host-time.
std::string bundle_name(const CollectOptions& options, const std::string& host, Clock::time_point when) {
  std::string name = "vmsupport-";
  if (!options.case_info.id.empty()) name += options.case_info.id + "-";
  return name + host + "-" + format_compact_utc(when);
}

// Tells the progress callback, and the run log (with the memory peak so far:
// vmsupport must not add to a struggling host's troubles unnoticed).
void notify(const CollectOptions& options, const char* step, const Plan* plan = nullptr, std::uint64_t bytes = 0) {
  spdlog::info("step {}: peak memory so far {}", step, format_size(peak_resident_bytes()));
  if (!options.on_progress) return;
  Progress progress;
  progress.step = step;
  if (plan) {
    progress.done = progress.total = plan->tasks.size();
    progress.estimated_bytes = plan->estimated_bytes;
  }
  progress.bytes = bytes;
  options.on_progress(progress);
}

std::uint64_t gathered_bytes(const RunRecord& record) { return record.items.bytes(); }

bool cancelled(const Host& host) { return host.cancel && host.cancel->load(); }

// Bytes kept free under --max-size for what is written after the collection:
// the documents (manifest.json grows with the items, index.html with the
// collectors), compressed.
std::uint64_t document_reserve(const Plan& plan) { return (96 << 10) + 160 * plan.tasks.size(); }

// Cores packed under --max-size get at most the room the collection left.
CoresOptions capped_cores(const CollectOptions& options, const Plan& plan, const ArchiveWriter& writer) {
  CoresOptions cores = options.cores;
  if (options.max_size == 0) return cores;
  const std::uint64_t used = writer.size_bound() + document_reserve(plan);
  cores.max_total = std::min(cores.max_total, options.max_size > used ? options.max_size - used : 0);
  return cores;
}

// Adds a document through the shared add_document, keeping its record (and,
// for the report, its content when index.html reads it).
Result<void> push_item(RunRecord& record, Result<ItemRecord> document) {
  if (!document) return std::unexpected(document.error());
  record.items.push_back(std::move(*document));
  return {};
}

// A document with content from the host (changes, cores, the run's log),
// scrubbed as a member is; the report reads some of them as scrubbed.
Result<void> add_document(RunRecord& record, Scrubber& scrubber, ArchiveWriter& writer,
                          const std::string& path, std::string content,
                          std::map<std::string, std::string>* report_documents = nullptr) {
  // The same rules and map give the member's text: the page reads it as scrubbed.
  if (report_documents && wanted_for_report(path)) {
    (*report_documents)[scrubber.scrub_value(path)] = scrubber.scrub_value(content);  // a diff's path names files
  }
  return push_item(record, vmsupport::add_document(scrubber, writer, path, std::move(content)));
}

// A document rendered from scrubbed values (scrub_shown_values, the records
// of scrubbed items): added as it is (Scrubber::rendered).
Result<void> add_rendered(RunRecord& record, Scrubber& scrubber, ArchiveWriter& writer, const std::string& path,
                          std::string content, std::map<std::string, std::string>* report_documents = nullptr) {
  if (report_documents && wanted_for_report(path)) (*report_documents)[path] = content;
  return push_item(record, vmsupport::add_rendered_document(scrubber, writer, path, std::move(content)));
}

// A document as large as the run (manifest.json, scrub-report.json), written
// by `write` into a Body (a spool file in `spool_dir` once large) and added as rendered.
using DocumentWriter = std::function<Result<void>(const std::function<Result<void>(std::string_view)>&)>;
Result<void> add_spooled(RunRecord& record, Scrubber& scrubber, ArchiveWriter& writer, const std::string& spool_dir,
                         const std::string& path, const DocumentWriter& write) {
  Body body(spool_dir);
  if (auto ok = write([&](std::string_view piece) { return body.append(piece); }); !ok) return ok;
  return push_item(record, vmsupport::add_rendered_document(scrubber, writer, path, std::move(body)));
}

// Options whose values are the tool's own words or numbers, shown as given;
// every other option (paths, the VM, a baseline's label) is scrubbed.
bool own_option(const std::string& key) {
  static const std::set<std::string> own{"platform", "compress", "case", "severity", "split", "since",
                                         "max_size", "timeout", "max_file_size", "jobs", "groups",
                                         "exclude", "tags", "performance", "interval", "keep", "priority",
                                         "wait_lock", "no_scrub", "no_space_check", "all_groups",
                                         "scrub_words", "chroot"};
  return own.contains(key);
}

void scrub_strings(nlohmann::ordered_json& value, Scrubber& scrubber) {
  if (value.is_string()) {
    value = scrubber.scrub_value(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (auto& element : value) scrub_strings(element, scrubber);
  }
}

// What the documents show of the host, scrubbed once, value by value: its
// name and OS, the root, the options given, the case's text, why the
// platform was chosen, the VM of --vm and the collectors' paths. The
// documents are then rendered from these values and from the records of
// scrubbed items, and added as they are (see Scrubber::rendered).
void scrub_shown_values(Plan& plan, RunRecord& record, Scrubber& scrubber) {
  const auto scrub = [&](std::string& value) { value = scrubber.scrub_value(value); };
  scrub(record.root);
  scrub(record.host.hostname);
  scrub(record.host.hostname_source);
  scrub(record.host.os);
  scrub(record.host.kernel);
  scrub(record.case_info.description);
  scrub(record.case_info.contact);
  for (auto& [key, value] : record.options.items()) {
    if (!own_option(key)) scrub_strings(value, scrubber);
  }
  scrub(plan.platform.reason);
  if (plan.vm) {
    scrub(plan.vm->name);
    scrub(plan.vm->directory);
    scrub(plan.vm->vmx);
    for (std::string& directory : plan.vm->other_directories) scrub(directory);
  }
  for (CollectorPlan& collector : plan.collectors) {
    // The collectors of --vm are named after the VM's paths ("VirtualMachine:Selected files /vmfs/…/NAME/*.vmx").
    const std::string spec = collector.spec;
    scrub(collector.spec);
    if (const std::size_t at = collector.id.find(spec); at != std::string::npos && !spec.empty()) {
      collector.id.replace(at, spec.size(), collector.spec);
    }
  }
}

Result<void> add_documents(RunRecord& record, const ScrubSetup& scrub, ArchiveWriter& writer,
                           RunLog& log, const std::optional<ChangeReport>& changes, const CoreReport& cores,
                           const CoresOptions& core_options, const std::string& spool_dir) {
  Scrubber& scrubber = *scrub.scrubber;
  std::map<std::string, std::string> read_by_report;  // as scrubbed
  if (!record.case_info.empty()) {
    if (auto ok = add_rendered(record, scrubber, writer, "case.json", render_case_json(record.case_info),
                               &read_by_report);
        !ok) {
      return ok;
    }
  }
  if (changes) {
    for (auto& [path, content] : change_members(*changes)) {
      if (auto ok = add_document(record, scrubber, writer, path, std::move(content), &read_by_report); !ok) return ok;
    }
  }
  if (auto ok = add_document(record, scrubber, writer, "cores/cores.json", render_cores_json(cores, core_options),
                              &read_by_report);
      !ok) {
    return ok;
  }
  for (const CoreFinding& core : cores.cores) {
    if (core.backtrace.empty()) continue;
    const std::string name = "cores/" + core.path.substr(core.path.rfind('/') + 1) + ".bt.txt";
    if (auto ok = add_document(record, scrubber, writer, name, core.backtrace); !ok) return ok;
  }
  record.finished = Clock::now();
  summarise_collectors(record);
  spdlog::info("collected {} items in {:.1f} s", record.items.size(),
               std::chrono::duration<double>(record.finished - record.started).count());
  RunLog::Capture captured = log.take();
  if (captured.lost > 0) {
    spdlog::warn("vmsupport.log in the bundle misses its last {} lines: {}", captured.lost, captured.failure);
  }
  if (auto ok = push_item(record, vmsupport::add_document(scrubber, writer, "vmsupport.log", std::move(captured.body)));
      !ok) {
    return ok;
  }
  if (scrub.content) {
    // Its members come from the records (a spool file once large); the page reads the rest.
    const ScrubReport report = scrub.content->report();
    read_by_report["scrub-report.json"] = render_scrub_report_summary(report);
    if (auto ok = add_spooled(record, scrubber, writer, spool_dir, "scrub-report.json",
                              [&](const auto& sink) { return write_scrub_report(report, record.items, sink); });
        !ok) {
      return ok;
    }
  }
  if (auto ok = add_rendered(record, scrubber, writer, "README.txt", render_readme(record)); !ok) return ok;
  const std::string page = render_run_report(record, read_by_report, scrubber);
  if (auto ok = add_rendered(record, scrubber, writer, "index.html", page); !ok) return ok;
  return add_spooled(record, scrubber, writer, spool_dir, "manifest.json",
                     [&](const auto& sink) { return write_manifest_json(record, sink); });
}

CollectSummary summarise(const RunRecord& record, const CommittedBundle& bundle, const ScrubSetup& scrub,
                         const CollectOptions& options) {
  CollectSummary summary;
  summary.bundle = bundle;
  summary.platform = record.plan->platform.manifest->platform;
  summary.collectors = count_collectors(record);
  summary.scrub = record.scrub;
  summary.scrubbed = record.scrubbed;
  summary.duration = std::chrono::duration_cast<std::chrono::milliseconds>(record.finished - record.started);
  summary.interrupted = record.interrupted;
  if (record.interrupted) summary.exit_code = k_exit_partial;
  const std::string cap_reason = options.max_size_text + " reached";
  for (const ItemRecord& item : record.items) {
    const bool cut = item.status == Status::skipped && item.collector != SIZE_MAX &&
                     (item.reason.starts_with("not run: interrupted") || item.reason.starts_with("interrupted") ||
                      item.reason.ends_with(cap_reason));
    if (cut) ++summary.not_gathered;
  }
  summary.root = record.root_privileges;
  summary.permission_denied = count_permission_denied(record);
  if (record.scrubbed) {
    for (Category category : options.scrub.settings.keep) summary.kept.emplace_back(category_name(category));
  }
  if (scrub.content) {
    const ScrubReport& scrub_report = scrub.content->report();
    summary.replaced = scrub_report.totals;
    for (const auto& [path, why] : scrub_report.left_out) summary.left_out.push_back(path + ": " + why);
    for (const auto& [path, why] : scrub_report.unscrubbed) summary.unscrubbed.push_back(path + ": " + why);
  }
  for (std::size_t i = 0; i < record.collectors.size(); ++i) {
    const CollectorRecord& c = record.collectors[i];
    if (!is_failure(c.status)) continue;
    summary.exit_code = k_exit_partial;
    summary.problems.push_back("[" + std::string(status_name(c.status)) + "] " +
                               record.plan->collectors[i].id + ": " + c.reason);
  }
  return summary;
}

}  // namespace

Result<std::vector<Manifest>> load_manifests(const std::string& directory) {
  return directory.empty() ? load_builtin_manifests() : load_manifest_directory(directory);
}

int lock_exit_code(const Error& error) {
  return error.code == k_lock_interrupted ? k_exit_no_bundle : k_exit_locked;
}

Result<void> check_output(const std::string& output) {
  if (output == "-" || output.empty()) return {};
  const bool directory_given = output.back() == '/';
  std::string directory = directory_given ? output : std::filesystem::path(output).parent_path().string();
  if (directory.empty()) return {};  // a file name in the working directory
  struct stat st {};
  if (::stat(directory.c_str(), &st) != 0) {
    const int error = errno;
    const std::string what = error != ENOENT        ? directory + ": " + errno_text(error)
                             : directory_given ? std::string("no such directory")
                                               : "no such directory " + directory;
    auto failure = fail_errno(error, "-o ", output, ": ", what);
    failure.error().hint = error == ENOENT ? "create it first (mkdir -p " + directory +
                                                 "), or give another place with -o, or -o - for stdout"
                                           : "give another place with -o, or -o - for stdout";
    return failure;
  }
  if (!S_ISDIR(st.st_mode)) {
    auto failure = fail("-o ", output, ": ", directory, " is not a directory");
    failure.error().hint = "give a directory (ending in /) or a file name in an existing directory";
    return failure;
  }
  return {};
}

std::string bundle_path(const std::string& output, const std::string& file_name) {
  if (output == "-") return output;
  struct stat st {};
  const bool is_dir = (!output.empty() && output.back() == '/') ||
                      (::stat(output.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  if (!is_dir) return output;
  return output + (output.back() == '/' ? "" : "/") + file_name;
}

CollectSummary collect(const CollectOptions& options, Host& host, RunLog& log) {
  RunRecord record;
  record.started = Clock::now();
  record.root = host.fs.root();
  record.root_privileges = ::geteuid() == 0;
  record.options = options.given;
  const auto run_start = std::chrono::steady_clock::now();

  spdlog::info("vmsupport {} collect, options {}", VMSUPPORT_VERSION,
               options.given.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  // 0. Check the --encrypt-to key first: nothing is collected for a key gpg cannot use.
  auto key = prepare_encryption(options.encrypt_to, options.output, host.runner);
  if (!key) return failed(k_exit_usage, key.error());
  // 1. Load the manifests: built in, or --manifests DIR.
  auto manifests = load_manifests(options.manifests_dir);
  if (!manifests) return failed(k_exit_usage, manifests.error());
  // 2. Pick the platform of the root (or take --platform).
  auto platform = choose_platform(*manifests, host.fs, options.plan.platform);
  if (!platform) return failed(k_exit_usage, platform.error());
  spdlog::info("platform {} ({})", platform->manifest->platform, platform->reason);
  // 3. Plan every file and command, reading metadata only.
  notify(options, "plan");
  auto plan = build_plan(*platform, options.plan, host.fs, host.runner);
  if (!plan) return failed(k_exit_usage, plan.error());
  record.plan = &*plan;
  ::malloc_trim(0);  // the walk's sets and sort buffers (tens of MiB for 100,000 files) go back to the system
  spdlog::info("plan: {} groups, {} tasks, about {}", plan->groups.size(), plan->tasks.size(),
               format_size(plan->estimated_bytes));
  // 3a. Check -o and --baseline ID.
  if (auto ok = check_output(options.output); !ok) return failed(k_exit_usage, ok.error());
  if (auto ok = check_baseline_id(options.changes); !ok) return failed(k_exit_usage, ok.error());
  // 3b. Refuse early when the output's file system cannot hold the bundle (unless --no-space-check).
  if (options.space_check) {
    const std::string where = bundle_path(options.output, "bundle" + std::string(compression_extension(options.compression)));
    if (auto ok = check_free_space(*plan, where, options.compression, options.max_size); !ok) {
      return failed(k_exit_no_bundle, ok.error());
    }
  }
  // 3c. Take STATE_DIR/lock (--wait-lock: wait for it): one run at a time writes the map and baselines.
  const auto lock_asked = std::chrono::steady_clock::now();
  auto lock = RunLock::acquire(options.lock, host.cancel);
  if (!lock) return failed(lock_exit_code(lock.error()), lock.error());
  // The whole run's deadline; the time spent waiting for the lock is not the run's.
  const auto deadline = run_start + options.timeout + (std::chrono::steady_clock::now() - lock_asked);
  // 4. Learn the host's name and OS, for the bundle name and manifest.json.
  record.host = read_host_facts(host.fs);
  // 5. Read the inventory of names and set up the scrubber, before anything is written.
  notify(options, "inventory");
  ScrubOptions scrub_options = options.scrub;
  scrub_options.settings.spool_dir = spool_directory_beside(bundle_path(options.output, "bundle"));
  record.items = ItemLog(scrub_options.settings.spool_dir);
  log.spool_in(scrub_options.settings.spool_dir);
  scrub_options.settings.analyse_ahead = options.jobs > 1;  // --jobs 1: one thread does all
  auto scrub = prepare_scrubber(scrub_options, *platform->manifest, host.fs, record.host.hostname);
  if (!scrub) return failed(k_exit_usage, scrub.error());
  record.scrub = scrub->scrubber->description();
  record.scrubbed = scrub->scrubber->active();
  const std::string host_name = bundle_host(options, record.host, *scrub);
  record.bundle_name = bundle_name(options, host_name, record.started);
  record.case_info = options.case_info;
  // 6. Snapshot the tracked state and compare it with the baseline (or record one);
  //    not for one VM (--vm): the tracked state is the whole host's.
  std::optional<ChangeReport> changes;
  if (options.changes.enabled && !plan->vm) {
    notify(options, "changes");
    auto report = gather_changes(*platform->manifest, options.plan, host.fs, host.runner, options.changes, deadline,
                                 host.cancel);
    if (!report) return failed(k_exit_usage, report.error());
    changes = std::move(*report);
  }
  // 7. Open the archive: NAME.partial, renamed when complete (or stdout).
  const std::string path = bundle_path(
      options.output, record.bundle_name + compression_extension(options.compression));
  auto writer = ArchiveWriter::open(path, options.compression, record.bundle_name, options.split_bytes);
  if (!writer) return failed(k_exit_no_bundle, writer.error());
  // 8. Start the performance snapshots (--performance), beside the collection.
  auto sampler = start_performance(options.performance, *plan, options.root, host.runner, deadline, host.cancel);
  // 9. Collect in parallel; scrub; append to the archive in plan order.
  ExecutorSettings settings{options.jobs, deadline, "--timeout " + options.given.value("timeout", std::string("")), host.cancel,
                            options.on_progress, options.max_size, document_reserve(*plan), options.max_size_text};
  if (auto ok = execute_plan(*plan, settings, host.fs, host.runner, *scrub->scrubber, **writer, record.items); !ok) {
    return failed(k_exit_no_bundle, ok.error());
  }
  // 10. Find crash cores (not other VMs' with --vm): describe them, quote the logs, pack them when
  //     allowed (within what --max-size leaves; none once interrupted).
  notify(options, "cores", &*plan, gathered_bytes(record));
  CoresOptions core_options = capped_cores(options, *plan, **writer);
  if (cancelled(host)) core_options.include_files = false;
  CoreReport cores = find_cores(*platform->manifest, host.fs, core_options);
  std::erase_if(cores.cores, [&](const CoreFinding& core) { return in_other_vm(*plan, core.path); });
  quote_core_logs(cores, *plan, host.fs);
  add_backtraces(cores, host.fs, host.runner, host.cancel);
  if (auto ok = pack_cores(cores, core_options, host.fs, *scrub->scrubber, **writer, record.items); !ok) {
    return failed(k_exit_no_bundle, ok.error());
  }
  // 11. Wait for the performance snapshots (the run lasts at least DURATION); add performance/.
  if (auto ok = add_performance(sampler.get(), *plan, *scrub->scrubber, **writer, record.items, record.report_documents); !ok) {
    return failed(k_exit_no_bundle, ok.error());
  }
  // An interrupt (SIGINT, SIGTERM) stops the gathering, not the bundle: what was gathered is written.
  record.interrupted = cancelled(host);
  plan->tasks = {};  // done with them: the records say what happened (100,000 files hold megabytes)
  scrub_shown_values(*plan, record, *scrub->scrubber);
  // 12. Add case.json, changes/, cores/, vmsupport.log, scrub-report.json, README.txt, index.html and manifest.json.
  notify(options, "documents", &*plan, gathered_bytes(record));
  if (auto ok = add_documents(record, *scrub, **writer, log, changes, cores, core_options,
                              scrub_options.settings.spool_dir);
      !ok) {
    return failed(k_exit_no_bundle, ok.error());
  }
  // 13. Commit: rename NAME.partial to NAME, write NAME.sha256 beside it.
  auto committed = (*writer)->commit();
  if (!committed) return failed(k_exit_no_bundle, committed.error());
  // 14. Keep the pseudonym map for the next bundle of this site.
  CollectSummary summary = summarise(record, *committed, *scrub, options);
  summary.host = host_name;
  notify(options, "done", &*plan, gathered_bytes(record));
  if (auto saved = save_map(*scrub); !saved) {
    summary.map_warning = "pseudonym map not saved: " + saved.error().message;
    spdlog::warn("{}", summary.map_warning);
  } else if (scrub->map) {
    summary.map_path = scrub->map_path;
  }
  // 15. With --encrypt-to: NAME.gpg and its .sha256 replace NAME and NAME.sha256.
  if (*key) {
    // Once interrupted, the partial bundle is still encrypted: a second signal stops it at once.
    auto encrypted = (*key)->encrypt(summary.bundle, host.runner, record.interrupted ? nullptr : host.cancel);
    if (!encrypted) return failed(k_exit_no_bundle, encrypted.error());
    summary.bundle = *encrypted;
    summary.encrypted_for = (*key)->description();
  }
  return summary;
}

}  // namespace vmsupport
