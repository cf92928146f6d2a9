// The `commands` kind: parse a command entry, decide how it may run against
// --root (host, files_only, chroot, or skipped), and run it.
#include <unistd.h>

#include <regex>

#include "host/interrupt.h"
#include "kinds/registry.h"

namespace vmsupport {
namespace {

bool valid_id(const std::string& id) {
  static const std::regex k_id("[A-Za-z0-9._-]+");
  return std::regex_match(id, k_id) && id != "." && id != "..";
}

// Group ids hold ':'; member paths use '_' so bundles extract on any OS.
std::string group_folder(const std::string& group) {
  std::string folder = group;
  for (char& c : folder) {
    if (c == ':' || c == '/' || c == '\\') c = '_';
  }
  return folder;
}

std::vector<std::string> substitute_root(const std::vector<std::string>& argv,
                                         const std::string& root) {
  std::vector<std::string> out;
  for (std::string arg : argv) {
    for (std::size_t at = arg.find("{root}"); at != std::string::npos; at = arg.find("{root}")) {
      arg.replace(at, 6, root == "/" ? "" : root);
    }
    out.push_back(std::move(arg));
  }
  return out;
}

// How the command may run on this root, or why it may not.
Result<std::string> run_mode(const CommandSpec& spec, const PlanContext& context) {
  if (context.fs.root() == "/") return std::string("host");
  if (spec.files_only) return std::string("files_only");
  if (!context.options.chroot) {
    return fail("describes the running system, not --root ", context.fs.root(),
                " (use --chroot to run it inside the root)");
  }
  if (geteuid() != 0) return fail("--chroot needs root privileges");
  return std::string("chroot");
}

}  // namespace

Result<EntrySpec> parse_command_entry(const YamlReader& reader, const YAML::Node& node) {
  CommandSpec spec;
  spec.mark = reader.mark(node);
  if (auto ok = reader.check_map(node, "command entry",
                                 {"id", "argv", "timeout", "max_bytes", "optional", "files_only", "requires",
                                  "priority"});
      !ok) {
    return std::unexpected(ok.error());
  }
  for (const char* key : {"id", "argv"}) {
    if (auto ok = reader.require(node, key, "command entry"); !ok) return std::unexpected(ok.error());
  }
  for (const auto& pair : node) {
    const std::string key = pair.first.Scalar();
    const YAML::Node& value = pair.second;
    if (key == "id") {
      auto id = reader.string(value, key);
      if (!id) return std::unexpected(id.error());
      if (!valid_id(*id)) {
        return reader.error(value, "command id '" + *id + "' may hold only letters, digits, '.', '_' and '-'",
                            "the id names the output file commands/<group>/<id>.txt");
      }
      spec.id = *id;
    } else if (key == "argv") {
      if (value.IsScalar()) {
        return reader.error(value, "'argv' must be a list, not a shell string",
                            "write [esxcli, network, nic, list]; commands never run in a shell");
      }
      auto argv = reader.string_list(value, key);
      if (!argv) return std::unexpected(argv.error());
      if (argv->empty() || argv->front().empty()) return reader.error(value, "'argv' is empty");
      spec.argv = *argv;
    } else if (key == "requires") {
      if (!value.IsSequence()) return reader.error(value, "'requires' must be a list of paths");
      for (const auto& item : value) {
        auto path = reader.glob(item, key);
        if (!path) return std::unexpected(path.error());
        spec.requires_paths.push_back(*path);
      }
    } else if (key == "timeout") {
      auto timeout = reader.duration(value, key);
      if (!timeout) return std::unexpected(timeout.error());
      spec.timeout = *timeout;
    } else if (key == "max_bytes") {
      auto size = reader.size(value, key);
      if (!size) return std::unexpected(size.error());
      spec.max_bytes = *size;
    } else if (key == "priority") {
      auto priority = reader.priority(value);
      if (!priority) return std::unexpected(priority.error());
      spec.priority = *priority;
    } else {
      auto flag = reader.boolean(value, key);
      if (!flag) return std::unexpected(flag.error());
      (key == "optional" ? spec.optional : spec.files_only) = *flag;
    }
  }
  return spec;
}

void plan_command_entry(const EntrySpec& entry, PlanContext& context) {
  const auto& spec = std::get<CommandSpec>(entry);
  const std::string line = join_argv(spec.argv);
  auto mode = run_mode(spec, context);
  if (!mode) {
    context.add(line, "", SkipTask{Status::skipped, mode.error().message});
    return;
  }
  for (const std::string& path : spec.requires_paths) {
    if (!context.fs.stat(path)) {
      context.add(line, "", SkipTask{Status::skipped, "not applicable: " + path + " does not exist"});
      return;
    }
  }
  CommandTask task;
  task.mode = *mode;
  task.chroot_dir = *mode == "chroot" ? context.fs.root() : "";
  task.argv = substitute_root(spec.argv, context.fs.root());
  task.timeout = spec.timeout;
  task.max_bytes = spec.max_bytes.value_or(context.options.max_file_size);
  auto program = context.runner.find_program(task.argv.front(), task.chroot_dir);
  if (!program) {
    const Status status = spec.optional ? Status::skipped : Status::failed;
    context.add(line, "", SkipTask{status, "program not found: " + task.argv.front() +
                                              (task.mode == "chroot" ? " (inside the root)" : "")});
    return;
  }
  task.argv.front() = *program;
  const std::string member = "commands/" + group_folder(context.group->id) + "/" + spec.id + ".txt";
  context.add(line, member, std::move(task));
}

std::string describe_command_entry(const EntrySpec& entry) {
  const auto& spec = std::get<CommandSpec>(entry);
  return join_argv(spec.argv);
}

CollectedItem collect_command(const Task& task, const CommandTask& command,
                              CollectContext& context) {
  CollectedItem item;
  item.collector = task.collector;
  item.source = task.source;
  item.mode = command.mode;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      context.deadline - std::chrono::steady_clock::now());
  ProcessRequest request{command.argv, std::min(command.timeout, left), command.max_bytes,
                         command.chroot_dir, context.cancel};
  ProcessOutcome outcome = context.runner.run(request);
  item.duration = outcome.duration;
  item.mtime = Clock::now();
  item.original_size = outcome.total_bytes;
  item.truncated = outcome.truncated;
  using End = ProcessOutcome::End;
  if (outcome.end == End::not_found || outcome.end == End::failed_to_start) {
    item.status = Status::failed;
    item.reason = outcome.error;
    return item;
  }
  item.archive_path = task.archive_path;
  item.content = std::move(outcome.output);
  switch (outcome.end) {
    case End::exited:
      item.exit_code = outcome.exit_code;
      if (outcome.exit_code != 0) {
        item.status = Status::failed;
        item.reason = "exit status " + std::to_string(outcome.exit_code);
      }
      break;
    case End::signaled:
      item.status = Status::failed;
      item.reason = "killed by signal " + std::to_string(outcome.signal);
      break;
    case End::timed_out:
      item.status = Status::timed_out;
      item.reason = request.timeout < command.timeout
                        ? "stopped at the run's deadline (--timeout)"
                        : "timed out after " + format_duration(command.timeout);
      break;
    default:  // cancelled: the run was interrupted; what the command wrote so far is kept
      item.status = Status::skipped;
      item.reason = interrupt::reason() + ": stopped after " + format_duration(outcome.duration);
  }
  if (item.truncated && item.status == Status::ok) {
    item.status = Status::truncated;
    item.reason = "kept the newest " + format_size(item.content.size()) + " of " +
                  format_size(item.original_size);
  }
  return item;
}

}  // namespace vmsupport
