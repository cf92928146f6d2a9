// Tests for the collect summary's text: split bundles, the next step with and
// without a case, scrub counts, lists cut short, colour only when asked.
#include <doctest/doctest.h>

#include "json_result.h"
#include "summary.h"

namespace vmsupport::cli {
namespace {

CollectSummary sample(std::size_t parts) {
  CollectSummary s;
  s.bundle.path = "/var/tmp/b.tgz";
  s.bundle.size = 3 << 20;
  s.bundle.sha256 = "abc";
  s.bundle.sha256_path = "/var/tmp/b.tgz.sha256";
  for (std::size_t i = 1; i <= parts; ++i) s.bundle.parts.push_back({part_path(s.bundle.path, i), 1 << 20, "d"});
  s.platform = "linux";
  s.host = "host-0001";
  s.collectors = {{"ok", 3}, {"failed", 1}};
  s.scrubbed = true;
  s.scrub = "scrubbed";
  s.replaced = {{"host", 4}, {"ipv4", 6}, {"mac", 0}};
  s.kept = {"ip"};
  for (int i = 0; i < 12; ++i) s.problems.push_back("[failed] c" + std::to_string(i) + ": boom");
  s.exit_code = k_exit_partial;
  return s;
}

}  // namespace

TEST_SUITE("unit") {

TEST_CASE("the summary of a whole bundle for a case") {
  const std::string text = render_collect_summary(sample(0), {"24012345", 1, "", ""}, false);
  CHECK(text.find("Bundle:     /var/tmp/b.tgz (3.0 MiB)\n") != std::string::npos);
  CHECK(text.find("SHA-256:    abc (in /var/tmp/b.tgz.sha256)\n") != std::string::npos);
  CHECK(text.find("Status:     partial: some collectors failed or timed out") != std::string::npos);
  CHECK(text.find("Case:       24012345, severity 1 (production down)\n") != std::string::npos);
  CHECK(text.find("Collectors: 3 ok, 1 failed\n") != std::string::npos);
  CHECK(text.find("Scrubbed:   10 values replaced (host 4, ipv4 6); kept as they are: ip\n") != std::string::npos);
  CHECK(text.find("  [failed] c9: boom\n  ... and 2 more\n") != std::string::npos);
  CHECK(text.find("c10") == std::string::npos);
  CHECK(text.find("Next:       attach /var/tmp/b.tgz to case 24012345.\n") != std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("the summary of a split bundle without a case") {
  const std::string text = render_collect_summary(sample(7), {}, false);
  CHECK(text.find("(3.0 MiB, written as 7 parts)") != std::string::npos);
  CHECK(text.find("  /var/tmp/b.tgz.part-005 (1.0 MiB)\n  ... and 2 more\n") != std::string::npos);
  CHECK(text.find("Case:") == std::string::npos);
  CHECK(text.find("Next:       attach the 7 parts b.tgz.part-* and b.tgz.sha256 to your support request "
                  "(joined with: cat b.tgz.part-* > b.tgz).") != std::string::npos);
}

TEST_CASE("a bundle split into 1 part says '1 part' and names it") {
  const std::string text = render_collect_summary(sample(1), {}, false);
  CHECK(text.find("written as 1 part)") != std::string::npos);
  CHECK(text.find("1 parts") == std::string::npos);
  CHECK(text.find("Next:       attach b.tgz.part-001 and b.tgz.sha256 to your support request") != std::string::npos);
}

TEST_CASE("colour marks the status word only when asked, and the word stays") {
  CollectSummary s = sample(0);
  s.exit_code = k_exit_complete;
  CHECK(render_collect_summary(s, {}, true).find("Status:     \x1b[32mcomplete\x1b[0m\n") != std::string::npos);
  CHECK(render_collect_summary(s, {}, false).find("Status:     complete\n") != std::string::npos);
}

TEST_CASE("a run that was not root says how many items root would have gathered") {
  CollectSummary s = sample(0);
  s.root = false;
  s.permission_denied = 3;
  const std::string text = render_collect_summary(s, {}, false);
  CHECK(text.find("Privileges: 3 items could not be read without root: run as root to gather them\n") !=
        std::string::npos);
  CHECK(render_collect_summary(s, {}, true).find("\x1b[33mPrivileges:\x1b[0m 3 items") != std::string::npos);
  const auto doc = collect_result_json(s, {});
  CHECK(doc["privileges"]["root"] == false);
  CHECK(doc["privileges"]["permission_denied"] == 3);
  s.permission_denied = 1;
  CHECK(render_collect_summary(s, {}, false).find("Privileges: 1 item could not be read without root") !=
        std::string::npos);
  s.permission_denied = 0;
  CHECK(render_collect_summary(s, {}, false).find("Privileges: not root; nothing was refused") != std::string::npos);
}

TEST_CASE("a root run says nothing of privileges unless something was refused even so") {
  CollectSummary s = sample(0);
  CHECK(render_collect_summary(s, {}, false).find("Privileges:") == std::string::npos);
  CHECK(collect_result_json(s, {})["privileges"] == nlohmann::ordered_json{{"root", true}, {"permission_denied", 0}});
  s.permission_denied = 2;
  CHECK(render_collect_summary(s, {}, false).find("Privileges: 2 items refused even as root") != std::string::npos);
}

}  // TEST_SUITE

}  // namespace vmsupport::cli
