// `vmsupport inspect BUNDLE`: the bundle's summary in the terminal, as JSON,
// as a page (--html), or one member (--file); see k_inspect_footer.
#include <fstream>
#include <iostream>

#include "commands.h"
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
  if (!raw.inspect_file.empty()) {
    auto copied = copy_member(raw.bundle, raw.inspect_file, std::cout);
    if (copied) return 0;
    print_error(copied.error().error);
    return exit_code(copied.error());
  }
  auto inputs = read_report_inputs(raw.bundle);
  if (!inputs) {
    print_error(inputs.error().error);
    return exit_code(inputs.error());
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
