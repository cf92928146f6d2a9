// vmsupport's entry point: the CLI11 command tree and the dispatch to commands.
#include <CLI/CLI.hpp>
#include <malloc.h>

#include <algorithm>
#include <cstring>

#include "commands.h"
#include "completion.h"
#include "json_result.h"

namespace {

const char* k_collect_exit_codes = R"(Exit codes:
  0  bundle complete
  1  bundle written, but some collectors failed or timed out, or the run was
     interrupted (Ctrl-C, SIGTERM: a partial bundle of what was gathered)
  2  usage or manifest error: nothing was collected (also -o FILE that exists,
     without --overwrite)
  3  no bundle could be written (disk full, too little free space, unwritable
     output, interrupted twice)
  5  another vmsupport run holds the state directory's lock: nothing was collected
     (it names the run; --wait-lock waits for it)
)";

const char* k_top_footer = R"(
Examples:
  vmsupport collect --case 24012345 --severity 2 --since 3d   # a bundle for a support case
  ssh root@esx01 vmsupport collect -o - > esx01.tgz            # a crashed host: stream it over ssh
  vmsupport list --plan                                        # what a collect would gather here
  vmsupport verify /var/tmp/vmsupport-24012345-host-0001-20261123T065400Z.tgz
  vmsupport upload /var/tmp/vmsupport-24012345-host-0001-20261123T065400Z.tgz --case 24012345 \
      --url 'https://upload.example.com/cases/{case}/{file}' --header "Authorization: Bearer $TOKEN"
  vmsupport scrub esx-esx01-2026-11-23--08.00-12345.tgz        # scrub ESXi vm-support's bundle
  vmsupport COMMAND --help                                     # each command's options and examples

Exit codes (each command's --help has its own):
  0  done (bundle complete, valid, uploaded)
  1  bundle written but partial; verify found problems; upload refused an unverified bundle
  2  usage or manifest error: nothing was done
  3  no bundle could be written, or the bundle could not be read
  4  upload: the server or the network failed
  5  another vmsupport run holds the state directory's lock
)";

const char* k_collect_examples = R"(
Examples:
  vmsupport collect                                  # bundle in /var/tmp
  vmsupport collect --case 24012345 --severity 2 --since 3d   # for a support case, last 3 days
  vmsupport collect --case 24012345 --description "hostd crashed at 09:12" --contact "ops desk"
  ssh root@esx01 vmsupport collect -o - > esx01.tgz  # crashed host: stream over ssh
  vmsupport collect -o /vmfs/volumes/datastore1/     # no space here: write to a datastore
  vmsupport collect -g Logs:System,Configuration:System  # only some groups
  vmsupport collect --root /mnt/esx --platform esxi  # a mounted disk of another host
  vmsupport collect --case 24012345 --split 2G       # parts of 2 GiB for a portal's cap
  vmsupport collect --json -q > result.json          # for scripts: one JSON object on stdout
  vmsupport collect --wait-lock=10m                  # another run is on: wait for it, up to 10 minutes
  vmsupport collect --priority normal                # full speed (default: nice 10, I/O best-effort 7)
  vmsupport collect --show-config -j 2 --since 1d    # the settings this command line would use, and why
  vmsupport collect --case 24012345 --encrypt-to vendor.asc --split 2G   # NAME.tgz.gpg.part-001 ...

Output: the summary goes to stderr; stdout carries only the bundle's path (-q),
the JSON result (--json) or the bundle itself (-o -). A progress line is shown on
a terminal. Site defaults: /etc/vmsupport/config.yaml (see `vmsupport list --config`).
)";

const char* k_list_examples = R"(
Examples:
  vmsupport list                          # platforms, groups and their entries
  vmsupport list --plan                   # what a collect here would gather, with sizes
  vmsupport list --plan --root /mnt/esx --since 3d
  vmsupport list --detect --root /mnt/esx # which platform, and why
  vmsupport list --config                 # effective settings, and where each came from
  vmsupport list --config site.yaml       # the same, with another config file
  vmsupport collect --show-config --config site.yaml -j 3   # the same for a collect command line
)";

const char* k_scrub_footer = R"(
Scrubs an existing bundle: one made with `vmsupport collect --no-scrub`, or by another
tool such as ESXi's vm-support. The names to replace are read from the bundle's own
files (esx.conf, /etc/hosts, each .vmx, /etc/passwd ...: the platform's inventory), as
collect reads them from the host. Writes NAME-scrubbed.tgz (NAME scrubbed too) and its
.sha256 beside BUNDLE, with a new manifest.json that `vmsupport verify` checks.

Examples:
  vmsupport scrub esx-esx01.corp.example-2026-11-23--08.00-12345.tgz  # a vm-support bundle
  vmsupport verify esx-host-0001.domain-01.invalid-2026-11-23--08.00-12345-scrubbed.tgz \
      --map /var/lib/vmsupport/map.json
  vmsupport scrub vmsupport-esx01-20261123T065400Z.tgz --keep ip     # ours, made with --no-scrub
  vmsupport scrub bundle.tgz -o /var/tmp/ --scrub-word ProjectX

Exit codes:
  0  scrubbed bundle written
  2  usage error, or an input it cannot use (no such file, not a tar archive, damaged,
     cut short, already scrubbed by vmsupport)
  3  the scrubbed bundle could not be written, or interrupted (no partial file is left)
  5  another vmsupport run holds the state directory's lock (--wait-lock waits for it)
)";

const char* k_inspect_footer = R"(
Reads the bundle once, as a stream, without extracting it. The summary is the one of the
bundle's index.html: case, host, run, collectors (failures first), recent changes, cores,
performance charts and the number of members.

Examples:
  vmsupport inspect vmsupport-esx01-20261123T065400Z.tgz
  vmsupport inspect bundle.tgz --json | jq '.collectors[] | select(.status != "ok")'
  vmsupport inspect bundle.tgz --file var/log/hostd.log | less
  vmsupport inspect old-bundle.tgz --html old-bundle.html   # the page, for a bundle without one
  ssh esx01 cat /vmfs/volumes/ds1/b.tgz | vmsupport inspect -   # - reads standard input

Exit codes:
  0  summary printed (or the member, or the page written)
  1  --file: no such member (close matches are listed)
  2  usage error, or not a vmsupport bundle (no manifest.json at its top)
  3  cannot read the bundle (missing, not an archive, damaged or cut short),
     or cannot write the --html file
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace vmsupport::cli;
  // Chunk buffers are large and short-lived: give them back to the system at
  // once. A fixed threshold also stops glibc from raising it after the first
  // free, which would keep every later buffer on the heap (a third more peak
  // memory in scripts/bench-collect.sh); two arenas are enough for the workers.
  mallopt(M_MMAP_THRESHOLD, 256 << 10);
  mallopt(M_ARENA_MAX, 2);
  // Buffers of a few MiB below the threshold are allocated and freed all the
  // time: without a pad glibc gives the top of each heap back and faults it in
  // again (a fifth of a collect's CPU went to page faults). 8 MiB, not more:
  // what the pad keeps counts in the peak memory of every run.
  mallopt(M_TOP_PAD, 8 << 20);
  CLI::App app{"vmsupport: gather a diagnostic bundle from a VMware or Linux host for a support case"};
  app.set_version_flag("--version", VMSUPPORT_VERSION);
  app.require_subcommand(1);
  app.footer(k_top_footer);
  RawOptions raw;
  raw.command_line = vmsupport::command_line_of(argc, argv);
  app.add_flag("-v,--verbose", raw.verbosity, "More log output on stderr (-vv: debug)");

  CLI::App* collect = app.add_subcommand("collect", "Gather a bundle (the main job)");
  add_selection_options(*collect, raw);
  add_collect_options(*collect, raw);
  collect->add_flag("-v,--verbose", raw.verbosity, "More log output on stderr (-vv: debug)");
  collect->footer(std::string(k_collect_examples) + "\n" + k_collect_exit_codes);

  CLI::App* list = app.add_subcommand("list", "Show platforms, groups and entries, or what a collect would gather");
  add_selection_options(*list, raw);
  list->add_flag("--plan", raw.plan, "Show every file and command a collect would gather here, with sizes");
  list->add_flag("--detect", raw.detect,
                 "Show which platform the root is, which markers decided it, and which other platforms matched");
  list->add_option("--config", raw.config_path, "Show the effective settings and where each came from (with FILE: from it)")
      ->type_name("[FILE]")->expected(0, 1);
  list->add_flag("--json", raw.json, "With --plan or --detect: print the result as one JSON object");
  list->footer(k_list_examples);

  CLI::App* verify = app.add_subcommand("verify", "Check a bundle: archive readable, every checksum right");
  verify->add_option("bundle", raw.bundle, "The bundle (.tgz, .tar.zst, .tar)")->required();
  verify->add_option("--map", raw.map, "The pseudonym map: also look for every original name it holds")
      ->type_name("FILE");
  verify->add_flag("--allow-unscrubbed", raw.allow_unscrubbed, "Check only integrity for a bundle made with --no-scrub");
  verify->add_flag("--json", raw.json, "Print the result as one JSON object on stdout");
  verify->footer(
      "\nA scrubbed bundle is also searched for anything personal left: addresses that are not\n"
      "pseudonyms, and (with --map) every original name of the map, in any case and encoding.\n"
      "An unscrubbed bundle fails unless --allow-unscrubbed is given.\n"
      "A split bundle is read from its parts: give NAME.tgz (when only the parts exist) or\n"
      "NAME.tgz.part-001; NAME.tgz.sha256 is compared for the whole and for each part.\n"
      "\nExamples:\n"
      "  vmsupport verify /var/tmp/vmsupport-24012345-host-0001-20261123T065400Z.tgz\n"
      "  vmsupport verify bundle.tgz --map /var/lib/vmsupport/map.json   # also every original name\n"
      "  vmsupport verify bundle.tgz.part-001 --json\n"
      "\nExit codes: 0 bundle valid; 1 problems found; 2 usage error, or an encrypted bundle (NAME.gpg:\n"
      "decrypt it first); 3 cannot read it (no such file, damaged, cut short)\n");

  CLI::App* unscrub = app.add_subcommand("unscrub", "Turn pseudonyms back into names, with the site's map");
  unscrub->add_option("--map", raw.map, "The pseudonym map (default STATE_DIR/map.json)")->type_name("FILE");
  unscrub->add_option("files", raw.inputs, "Text to translate (default: standard input)")->type_name("FILE|-");
  unscrub->footer(
      "\nExamples:\n"
      "  vmsupport unscrub < engineer-notes.txt\n"
      "  vmsupport unscrub --map /var/lib/vmsupport/map.json analysis.txt\n");

  CLI::App* baseline = app.add_subcommand("baseline", "Record the tracked configuration and versions, for later bundles to diff");
  add_baseline_options(*baseline, raw);
  baseline->footer(
      "\nEvery collect compares the host with the newest baseline of its root and adds changes/\n"
      "(summary.txt, changes.json, diffs/). Baselines stay in STATE_DIR/baselines (mode 0700), raw.\n"
      "\nExamples:\n"
      "  vmsupport baseline --label \"before the 8.0 U3 upgrade\"\n"
      "  vmsupport baseline --list\n"
      "  vmsupport collect --baseline 20261120T100000Z\n"
      "\nExit codes: 0 recorded (or listed); 2 usage or manifest error; 3 the baseline could not be\n"
      "written; 5 another vmsupport run holds the state directory's lock (--wait-lock waits for it)\n");

  CLI::App* scrub = app.add_subcommand("scrub", "Scrub an existing bundle (ours made with --no-scrub, or vm-support's)");
  add_scrub_options(*scrub, raw);
  scrub->add_flag("-v,--verbose", raw.verbosity, "More log output on stderr (-vv: debug)");
  scrub->footer(k_scrub_footer);

  std::string shell;
  CLI::App* completion = add_completion_command(app, shell);
  CLI::App* upload = add_upload_command(app);

  for (CLI::App* command : {collect, scrub, baseline}) {
    command->add_option("--config", raw.config_path, "Site defaults from FILE (default /etc/vmsupport/config.yaml)")
        ->type_name("FILE");
  }
  CLI::App* inspect = app.add_subcommand("inspect", "Summarise a bundle without extracting it, or print one member");
  inspect->add_option("bundle", raw.bundle, "The bundle (.tgz, .tar.zst, .tar; - reads standard input)")->required();
  auto* json_flag = inspect->add_flag("--json", raw.inspect_json, "The summary as JSON (fields in README.md)");
  auto* html_option = inspect->add_option("--html", raw.inspect_html, "Write the bundle's report page to this file")
                          ->type_name("OUT.html");
  auto* file_option =
      inspect->add_option("--file", raw.inspect_file, "Print one member (path below the top directory, or the full name)")
          ->type_name("PATH")
          ->check([](const std::string& path) { return path.empty() ? std::string("the path of a member, not empty") : std::string(); })
          ->excludes(json_flag)
          ->excludes(html_option);
  inspect->footer(k_inspect_footer);

  refuse_empty_values(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // CLI11's message names the option ("--jobs: Value 0 not in range 1 to 64"); said our way.
    const bool command_given =
        argc > 1 && !app.get_subcommands([&](CLI::App* c) { return c->get_name() == argv[1]; }).empty();
    print_error({e.what(), std::string("see `vmsupport ") + (command_given ? argv[1] + std::string(" ") : "") + "--help`", 0});
    const bool json = std::any_of(argv + 1, argv + argc, [](const char* arg) { return std::strcmp(arg, "--json") == 0; });
    if (json) print_json(error_json(argc > 1 ? argv[1] : "", vmsupport::k_exit_usage, {e.what(), {}, 0}));
    return vmsupport::k_exit_usage;
  }
  if (completion->parsed()) return run_completion(app, shell);
  CLI::App* command = app.get_subcommands().front();
  raw.wait_lock_given = command->get_option_no_throw("--wait-lock") != nullptr && command->count("--wait-lock") > 0;
  auto config = load_site_config(choose_config(raw.config_path));
  if (!config) {
    print_error(config.error());
    if (raw.json) print_json(error_json(command->get_name(), vmsupport::k_exit_usage, config.error()));
    return vmsupport::k_exit_usage;
  }
  raw.config = std::move(*config);
  apply_site_config(raw.config, *command, raw);
  if (list->parsed() && list->count("--config") > 0) return run_list_config(raw, *list);
  if (collect->parsed() && raw.show_config) return run_list_config(raw, *collect);
  if (collect->parsed()) return run_collect(raw);
  if (list->parsed()) return run_list(raw);
  if (unscrub->parsed()) return run_unscrub(raw);
  if (scrub->parsed()) return run_scrub(raw);
  if (baseline->parsed()) return run_baseline(raw);
  if (inspect->parsed()) {
    raw.inspect_file_given = file_option->count() > 0;
    return run_inspect(raw);
  }
  if (upload->parsed()) return run_upload(raw.config.upload);
  return run_verify(raw);
}
