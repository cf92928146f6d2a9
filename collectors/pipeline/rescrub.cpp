// The scrub pipeline, step by step: manifests -> pass 1 over the input
// (inventory files, markers) -> platform -> scrubber -> output name -> pass 2
// (every member through the scrubber into the new archive) -> documents
// (index.html made anew from this bundle's data) ->
// commit -> map -> encryption. Each step lives in its own file; this one only orders them.
#include "pipeline/rescrub.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <filesystem>

#include "bundle/archive_reader.h"
#include "bundle/encrypt.h"
#include "bundle/rescrub_documents.h"
#include "pipeline/collect.h"
#include "pipeline/executor.h"
#include "pipeline/rescrub_members.h"
#include "pipeline/rescrub_survey.h"
#include "report/run_report.h"

namespace vmsupport {
namespace {

namespace stdfs = std::filesystem;

RescrubSummary failed(int exit_code, Error error) {
  RescrubSummary summary;
  summary.exit_code = exit_code;
  summary.error = std::move(error);
  return summary;
}

// "name.tar.gz" -> ("name", ".tar.gz"); the extension is "" when it is not an archive's.
std::pair<std::string, std::string> split_archive_name(const std::string& file_name) {
  for (const char* extension :
       {".tar.gz", ".tar.zst", ".tar.xz", ".tar.bz2", ".tgz", ".tzst", ".txz", ".tbz2", ".tar"}) {
    if (file_name.size() > std::strlen(extension) && file_name.ends_with(extension)) {
      return {file_name.substr(0, file_name.size() - std::strlen(extension)), extension};
    }
  }
  return {file_name, ""};
}

struct Output {
  std::string path;
  std::string top_dir;      // named after the file, scrubbed
  Compression compression;  // from the file's extension; gzip when unknown
};

// A bundle's name, scrubbed. The host name the survey found is replaced as a
// whole first: vm-support's "esx-esx01.corp.example-2026..." becomes
// "esx-host-0001.domain-01.invalid-2026..." (alone, "esx-esx01" would read as
// one host label under the known domain).
std::string scrub_name(std::string name, const std::string& host_name,
                       const ContentScrubber& scrubber) {
  ScrubCounts ignored;
  if (host_name != "unknown" && !host_name.empty()) {
    const std::string pseudonym = scrubber.scrub_text(host_name, ignored);
    for (std::size_t at = name.find(host_name); at != std::string::npos;
         at = name.find(host_name, at + pseudonym.size())) {
      name.replace(at, host_name.size(), pseudonym);
    }
  }
  return scrubber.scrub_text(name, ignored);
}

// NAME-scrubbed.EXT beside the input (NAME scrubbed; .tgz, .tar.gz, .tar.zst, .tar
// kept, others become .tgz), or as -o says: a file, or a directory for it.
Result<Output> choose_output(const RescrubOptions& options, const std::string& host_name,
                             const ContentScrubber& scrubber) {
  const auto [stem, extension] = split_archive_name(stdfs::path(options.input).filename().string());
  const bool kept = extension == ".tgz" || extension == ".tar.gz" || extension == ".tar.zst" ||
                    extension == ".tar";
  const std::string file_name =
      scrub_name(stem, host_name, scrubber) + "-scrubbed" + (kept ? extension : ".tgz");
  const std::string directory = stdfs::path(options.input).parent_path().string();
  const std::string path = options.output.empty()
                               ? (directory.empty() ? "" : directory + "/") + file_name
                               : bundle_path(options.output, file_name);
  if (path == "-") return fail("-o -: scrub writes a file, not standard output");
  std::error_code ec;
  if (stdfs::equivalent(path, options.input, ec))
    return fail("-o ", path, ": that is the input itself");
  // Never overwrite: it may be an earlier scrubbed bundle the vendor already has, or another file.
  if (stdfs::symlink_status(path, ec).type() != stdfs::file_type::not_found) {
    auto error = fail(path, ": exists already; vmsupport scrub does not overwrite it");
    error.error().hint = "remove it first, or name another output with -o FILE";
    return error;
  }
  const auto [out_stem, out_extension] = split_archive_name(stdfs::path(path).filename().string());
  const std::string top_dir = scrub_name(out_stem, host_name, scrubber);
  return Output{path, top_dir.empty() ? "scrubbed-bundle" : top_dir,
                out_extension == ".tar.zst" ? Compression::zstd
                : out_extension == ".tar"   ? Compression::none
                                            : Compression::gzip};
}

// Pass 1, with the checks that make an input unusable.
Result<BundleSurvey> survey_input(const std::string& input,
                                  const std::vector<Manifest>& manifests) {
  auto reader = ArchiveReader::open(input);
  if (!reader) return std::unexpected(reader.error());
  auto survey = survey_bundle(**reader, manifests);
  if (!survey) return survey;
  const auto& own = survey->own_manifest;
  if (own.is_object() &&
      own.value("scrub", nlohmann::ordered_json::object()).value("scrubbed", false)) {
    auto error = fail(input, ": already scrubbed by vmsupport");
    error.error().hint =
        "scrub the bundle made with --no-scrub instead, or collect again with the options you need";
    return error;
  }
  return survey;
}

// Adds a document through the shared add_document, keeping its record.
Result<void> add_document(RescrubRecord& record, Scrubber& scrubber, ArchiveWriter& writer,
                          const std::string& path, std::string content) {
  auto document = vmsupport::add_document(scrubber, writer, path, std::move(content));
  if (!document) return std::unexpected(document.error());
  record.items.push_back(std::move(*document));
  return {};
}

// scrub-report.json, README.txt, index.html (a new page, made from this
// bundle's data by the renderer `inspect --html` uses) and manifest.json.
Result<void> add_documents(RescrubRecord& record, const ScrubSetup& scrub, ArchiveWriter& writer,
                           const LeftOut& left_out,
                           const std::map<std::string, std::string>& report_documents) {
  ScrubReport report = scrub.content->report();
  report.left_out.insert(report.left_out.end(), left_out.begin(), left_out.end());
  Scrubber& scrubber = *scrub.scrubber;
  const std::string scrub_report = render_scrub_report(report, record.items);
  if (auto ok = add_document(record, scrubber, writer, "scrub-report.json", scrub_report); !ok)
    return ok;
  record.finished = Clock::now();
  record.scrub = scrubber.description();
  if (auto ok = add_document(record, scrubber, writer, "README.txt", render_rescrub_readme(record));
      !ok)
    return ok;
  const std::string page = render_rescrub_report(record, {{"scrub-report.json", render_scrub_report_summary(report)}},
                                                 report_documents, scrubber);
  if (auto ok = add_document(record, scrubber, writer, "index.html", page); !ok) return ok;
  return add_document(record, scrubber, writer, "manifest.json", render_rescrub_manifest(record));
}

void note_platform(RescrubRecord& record, const PlatformChoice& platform) {
  spdlog::info("platform {} ({})", platform.manifest->platform, platform.reason);
  record.platform = platform.manifest->platform;
  record.platform_manifest = platform.manifest->source;
  record.platform_reason = platform.reason;
}

// Saves the map; the bundle is complete either way.
void keep_map(const ScrubSetup& scrub, RescrubSummary& summary) {
  if (auto saved = save_map(scrub); !saved) {
    summary.map_warning = "pseudonym map not saved: " + saved.error().message;
    spdlog::warn("{}", summary.map_warning);
  } else {
    summary.map_path = scrub.map_path;
  }
}

RescrubSummary summarise(const RescrubRecord& record, const CommittedBundle& bundle) {
  RescrubSummary summary;
  summary.bundle = bundle;
  summary.platform = record.platform;
  summary.platform_reason = record.platform_reason;
  summary.scrub = record.scrub;
  for (const ItemRecord& item : record.items) {
    if (item.collector == SIZE_MAX) continue;
    ++(item.path.empty() ? summary.left_out : summary.members);
  }
  return summary;
}

}  // namespace

RescrubSummary rescrub(const RescrubOptions& options) {
  RescrubRecord record;
  record.started = Clock::now();
  record.options = options.given;
  if (!options.scrub.enabled || options.scrub.map_path.empty()) {
    return failed(k_exit_usage, Error{"scrub: needs scrubbing on and a map path", {}, 0});
  }
  // 0. Check the --encrypt-to key first: nothing is read for a key gpg cannot use.
  PosixProcessRunner runner;
  auto key = prepare_encryption(options.encrypt_to, options.output, runner);
  if (!key) return failed(k_exit_usage, key.error());
  // 1. Load the built-in manifests: their inventory, detect and forbid sections.
  auto manifests = load_manifests("");
  if (!manifests) return failed(k_exit_usage, manifests.error());
  // 2. Pass 1: read the input once for its top directory, inventory files and markers.
  auto survey = survey_input(options.input, *manifests);
  if (!survey) return failed(k_exit_usage, survey.error());
  if (options.cancel && options.cancel->load()) {
    return failed(k_exit_no_bundle, Error{"interrupted: nothing written", {}, 0});
  }
  record.source_is_vmsupport = survey->own_manifest.is_object();
  record.hostname = survey->host_name;
  // 3. Pick the platform from the markers found in the input (or take --platform).
  auto platform = choose_platform(*manifests, survey->files, options.platform);
  if (!platform) return failed(k_exit_usage, platform.error());
  note_platform(record, *platform);
  // 3a. Take STATE_DIR/lock (--wait-lock: wait for it): one run at a time reads and saves the map.
  auto lock = RunLock::acquire(options.lock, options.cancel);
  if (!lock) return failed(lock_exit_code(lock.error()), lock.error());
  // 4. Read the inventory of names from those files; set up the scrubber and its map.
  auto scrub =
      prepare_scrubber(options.scrub, *platform->manifest, survey->files, survey->host_name);
  if (!scrub) return failed(k_exit_usage, scrub.error());
  // 5. Name the output after the input (scrubbed); open it as NAME.partial.
  auto output = choose_output(options, survey->host_name, *scrub->content);
  if (!output) return failed(k_exit_usage, output.error());
  record.bundle_name = output->top_dir;
  record.source_bundle = scrub_name(stdfs::path(options.input).filename().string(),
                                    survey->host_name, *scrub->content);
  auto writer = ArchiveWriter::open(output->path, output->compression, output->top_dir);
  if (!writer) return failed(k_exit_no_bundle, writer.error());
  record.items = ItemLog(spool_directory_beside(output->path));
  // 6. Pass 2: every member of the input through the scrubber into the new archive.
  auto reader = ArchiveReader::open(options.input);
  if (!reader) return failed(k_exit_usage, reader.error());
  const MemberCopySettings settings{
      survey->top_dir, scrub_name(survey->top_dir, survey->host_name, *scrub->content),
      &platform->manifest->forbid, options.max_member, options.cancel};
  LeftOut left_out;
  std::map<std::string, std::string> report_documents;  // what index.html reads, as written
  if (auto ok = copy_members(**reader, settings, *scrub, **writer, record.items, left_out,
                             report_documents);
      !ok) {
    return failed((*reader)->damaged() ? k_exit_usage : k_exit_no_bundle, ok.error());
  }
  // 7. Add scrub-report.json, README.txt, a new index.html and the new manifest.json.
  if (auto ok = add_documents(record, *scrub, **writer, left_out, report_documents); !ok) {
    return failed(k_exit_no_bundle, ok.error());
  }
  // 8. Commit: rename NAME.partial to NAME, write NAME.sha256 beside it.
  auto committed = (*writer)->commit();
  if (!committed) return failed(k_exit_no_bundle, committed.error());
  // 9. Keep the pseudonym map for the next bundle of this site.
  RescrubSummary summary = summarise(record, *committed);
  keep_map(*scrub, summary);
  // 10. With --encrypt-to: NAME.gpg and its .sha256 replace NAME and NAME.sha256.
  if (*key) {
    auto encrypted = (*key)->encrypt(summary.bundle, runner, options.cancel);
    if (!encrypted) return failed(k_exit_no_bundle, encrypted.error());
    summary.bundle = *encrypted;
    summary.encrypted_for = (*key)->description();
  }
  return summary;
}

}  // namespace vmsupport
