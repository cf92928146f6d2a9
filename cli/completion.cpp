// The bash completion script, generated from the CLI11 command tree (see completion.h).
#include "completion.h"

#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

#include "commands.h"
#include "manifest/loader.h"
#include "scrub/category.h"

namespace vmsupport::cli {
namespace {

// How an option's value is completed: from `words`, as a file, a directory, or not at all.
struct ValueRule {
  std::string mode;  // "words", "files", "dirs" or "none"
  std::vector<std::string> words;
};

// One (sub)command: its path ("/collect"), options, value rules and positional kind.
struct CommandShape {
  std::string path;
  std::vector<std::string> words;  // subcommands and option names offered at it
  std::vector<std::pair<std::string, ValueRule>> values;  // "-g|--group" -> rule
  std::string positional = "none";                        // "files" or "none"
};

// `word` in single quotes for bash.
std::string quoted(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

// The value type before any validator ("FILE" of "FILE", "TEXT" of "TEXT:{a,b}").
std::string base_type(const CLI::Option& option) {
  const std::string full = option.get_type_name();
  return full.substr(0, full.find(':'));
}

// The choices of a CLI::IsMember validator, which CLI11 appends as ":{a,b,c}".
std::vector<std::string> member_words(const CLI::Option& option) {
  const std::string full = option.get_type_name();
  const std::size_t open = full.find(":{");
  const std::size_t close = full.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  std::vector<std::string> words;
  std::stringstream list(full.substr(open + 2, close - open - 2));
  for (std::string word; std::getline(list, word, ',');) words.push_back(word);
  return words;
}

bool has_long_name(const CLI::Option& option, const std::string& name) {
  const auto& names = option.get_lnames();
  return std::find(names.begin(), names.end(), name.substr(2)) != names.end();
}

ValueRule value_rule(const CLI::Option& option, const std::vector<CompletedValues>& values) {
  const std::string type = base_type(option);
  for (const CompletedValues& known : values) {
    if (type == known.type_name && has_long_name(option, known.option))
      return {"words", known.words};
  }
  if (auto members = member_words(option); !members.empty()) return {"words", members};
  if (type == "DIR") return {"dirs", {}};
  if (type == "FILE" || type == "PATH" || type.starts_with("FILE|")) return {"files", {}};
  if (option.get_positional() && type == "TEXT") return {"files", {}};
  return {"none", {}};
}

// "-g|--group": the names of an option as a bash case pattern.
std::string case_pattern(const CLI::Option& option) {
  std::vector<std::string> names;
  for (const std::string& name : option.get_snames()) names.push_back("-" + name);
  for (const std::string& name : option.get_lnames()) names.push_back("--" + name);
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : "|") + name;
  return out;
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

void collect_shapes(const CLI::App& app, const std::string& path,
                    const std::vector<CompletedValues>& values, std::vector<CommandShape>& out) {
  CommandShape shape;
  shape.path = path;
  for (const CLI::App* sub : visible_subcommands(app)) shape.words.push_back(sub->get_name());
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;
    if (option->get_positional()) {
      if (value_rule(*option, values).mode == "files") shape.positional = "files";
      continue;
    }
    for (const std::string& name : option->get_snames()) shape.words.push_back("-" + name);
    for (const std::string& name : option->get_lnames()) shape.words.push_back("--" + name);
    if (option->get_items_expected_max() > 0)
      shape.values.emplace_back(case_pattern(*option), value_rule(*option, values));
  }
  out.push_back(std::move(shape));
  for (const CLI::App* sub : visible_subcommands(app))
    collect_shapes(*sub, path + "/" + sub->get_name(), values, out);
}

void print_shape(std::ostream& out, const CommandShape& shape) {
  out << "    " << quoted(shape.path) << ")\n";
  out << "      words=" << quoted(joined(shape.words)) << " positional=" << shape.positional
      << "\n";
  out << "      case \"$prev\" in\n";
  for (const auto& [pattern, rule] : shape.values) {
    out << "        " << pattern << ") mode=" << rule.mode;
    if (!rule.words.empty()) out << " values=" << quoted(joined(rule.words));
    out << " ;;\n";
  }
  out << "      esac ;;\n";
}

// Everything after the per-command table: the same for every command tree.
const char* k_script_tail = R"(  esac
  case "$mode" in
    none) return ;;
    files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    dirs) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
    words)
      # Comma-separated lists (-g a,b): complete the item after the last comma.
      local head=""
      [[ $cur == *,* ]] && head="${cur%,*},"
      mapfile -t COMPREPLY < <(compgen -P "$head" -W "$values" -- "${cur##*,}") ;;
    *)
      if [[ $cur != -* && $positional == files ]]; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      else
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
      fi ;;
  esac
  # ':' breaks words for readline: reply with what follows the last ':' of cur.
  if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
    local colon="${cur%"${cur##*:}"}"
    COMPREPLY=("${COMPREPLY[@]#"$colon"}")
  fi
}
complete -F _vmsupport vmsupport
)";

}  // namespace

Result<std::vector<CompletedValues>> completion_values() {
  auto manifests = load_builtin_manifests();
  if (!manifests) return std::unexpected(manifests.error());
  std::set<std::string> platforms, groups, tags;
  for (const Manifest& manifest : *manifests) {
    platforms.insert(manifest.platform);
    for (const GroupSpec& group : manifest.groups) {
      groups.insert(group.id);
      tags.insert(group.tags.begin(), group.tags.end());
    }
  }
  // parse_keep's words: "ip" and every category but "word" (--scrub-word's own).
  std::vector<std::string> keep = {"ip"};
  for (int c = 0; c <= static_cast<int>(Category::email); ++c) {
    if (static_cast<Category>(c) != Category::word)
      keep.emplace_back(category_name(static_cast<Category>(c)));
  }
  const std::vector<std::string> group_ids(groups.begin(), groups.end());
  return std::vector<CompletedValues>{
      {"--platform", "NAME", {platforms.begin(), platforms.end()}},
      {"--group", "ID", group_ids},
      {"--exclude", "ID", group_ids},
      {"--tags", "TAG", {tags.begin(), tags.end()}},
      {"--keep", "LIST", keep},
  };
}

std::string bash_completion(const CLI::App& app, const std::vector<CompletedValues>& values) {
  std::vector<CommandShape> shapes;
  collect_shapes(app, "", values, shapes);
  std::ostringstream out;
  out << "# bash completion for vmsupport " << VMSUPPORT_VERSION
      << ", generated by `vmsupport completion bash` from its command tree.\n"
      << "_vmsupport() {\n"
      << "  local line=\"${COMP_LINE:0:COMP_POINT}\" cur prev path=\"\" word mode=\"\" "
         "values=\"\"\n"
      << "  local words=\"\" positional=none\n"
      << "  local -a typed\n"
      << "  read -ra typed <<<\"$line\"\n"
      << "  [[ -z $line || $line =~ [[:space:]]$ ]] && typed+=(\"\")\n"
      << "  cur=\"${typed[-1]}\"\n"
      << "  prev=\"\"\n"
      << "  ((${#typed[@]} > 1)) && prev=\"${typed[-2]}\"\n"
      << "  for word in \"${typed[@]:1:${#typed[@]}-2}\"; do\n"
      << "    case \"$path/$word\" in\n";
  for (const CommandShape& shape : shapes) {
    if (!shape.path.empty()) out << "      " << quoted(shape.path) << ") path=\"$path/$word\" ;;\n";
  }
  out << "    esac\n  done\n  COMPREPLY=()\n  case \"$path\" in\n";
  for (const CommandShape& shape : shapes) print_shape(out, shape);
  out << k_script_tail;
  return out.str();
}

CLI::App* add_completion_command(CLI::App& app, std::string& shell) {
  CLI::App* completion = app.add_subcommand("completion", "Print a shell completion script");
  completion->group("");  // hidden: packages install its output
  completion->add_option("shell", shell, "The shell")->required()->check(CLI::IsMember({"bash"}));
  completion->footer("\nExample:\n  source <(vmsupport completion bash)\n");
  return completion;
}

int run_completion(const CLI::App& app, const std::string& shell) {
  auto values = completion_values();
  if (!values) {
    print_error(values.error());
    return k_exit_usage;
  }
  if (shell == "bash") std::cout << bash_completion(app, *values);
  return 0;
}

}  // namespace vmsupport::cli
