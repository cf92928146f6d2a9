// `vmsupport inspect BUNDLE`: the bundle's summary in the terminal, as JSON,
// as a page (--html), or one member (--file); see k_inspect_footer.
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "json_result.h"
#include "report/html.h"
#include "report/inspect.h"

namespace vmsupport::cli {
namespace {

int exit_code(const InspectError& error) {
  switch (error.kind) {
    case InspectError::Kind::no_member: return 1;
    case InspectError::Kind::not_a_bundle: return k_exit_usage;
    case InspectError::Kind::unreadable: return k_exit_no_bundle;
  }
  return k_exit_no_bundle;
}

// Writes `data` to standard output; false once it cannot be written. A
// reader that went away (`| head`, a pager quit early) is not an error
// worth a message: `closed` says so.
bool write_stdout(std::string_view data, bool& closed) {
  while (!data.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      closed = errno == EPIPE;
      if (!closed) print_error({"standard output: cannot write: " + errno_text(errno), {}, errno});
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// --file: the member's bytes as they are, streamed (a 1 GiB core costs 1 MiB).
int print_member(const RawOptions& raw) {
  bool closed = false;
  bool failed = false;
  auto copied = copy_member(raw.bundle, raw.inspect_file, [&](std::string_view piece) {
    failed = !write_stdout(piece, closed);
    return !failed;
  });
  if (!copied) {
    print_error(copied.error().error);
    return exit_code(copied.error());
  }
  return failed && !closed ? k_exit_no_bundle : 0;
}

int write_page(const std::string& path, const std::string& page) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << page;
  out.close();
  if (!out) {
    print_error({"--html " + path + ": cannot write it: " + errno_text(errno), {}, errno});
    return k_exit_no_bundle;
  }
  std::cerr << "vmsupport: wrote " << path << "\n";
  return 0;
}

}  // namespace

int run_inspect(const RawOptions& raw) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is EPIPE, handled, not a silent death
  if (raw.inspect_file_given) return print_member(raw);
  auto inputs = read_report_inputs(raw.bundle);
  if (!inputs) {
    print_error(inputs.error().error);
    const int code = exit_code(inputs.error());
    if (raw.inspect_json) print_json(error_json("inspect", code, inputs.error().error));
    return code;
  }
  const ReportModel model = build_report_model(*inputs);
  if (!raw.inspect_html.empty()) {
    if (const int code = write_page(raw.inspect_html, render_report_html(model)); code != 0) return code;
  }
  if (raw.inspect_json) {
    std::cout << report_json(model).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else if (raw.inspect_html.empty()) {
    std::cout << render_report_text(model);
  }
  return 0;
}

}  // namespace vmsupport::cli
