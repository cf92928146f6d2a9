// Tests for manifest/glob: strict validation of manifest globs, path
// splitting and joining, one-component matching (dotfiles need an explicit
// '.'), and matches_or_under, which makes a forbid rule on a directory cover
// everything below it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "manifest/glob.h"

namespace vmsupport {
namespace {

struct GlobCase {
  const char* glob;
  const char* error;  // nullptr: valid
};

const GlobCase k_globs[] = {
    {"/", nullptr},
    {"/etc/hosts", nullptr},
    {"//etc//hosts/", nullptr},
    {"/var/log/*.log", nullptr},
    {"/var/run/log/*.[0-9].gz", nullptr},
    {"/dev/sd?", nullptr},
    {"/dev/[!x]*", nullptr},
    {"/a/[]]", nullptr},
    {"/a/[!]]x", nullptr},
    {"/a/\\[literal", nullptr},
    {"/etc/.hidden", nullptr},
    {"/etc/..hidden", nullptr},
    {"/var/log/*/*.log", nullptr},
    {"", "empty path"},
    {"etc/hosts", "not an absolute path (paths start with '/')"},
    {"*.log", "not an absolute path (paths start with '/')"},
    {"/var/log/[abc", "unterminated '['"},
    {"/a/[", "unterminated '['"},
    {"/a/[!", "unterminated '['"},
    {"/a/[]", "unterminated '['"},
    {"/a/[x]/b[", "unterminated '['"},
    {"/a/./b", "'.' is not allowed in a path"},
    {"/a/..", "'..' is not allowed in a path"},
    {"/var/log/../../etc/shadow", "'..' is not allowed in a path"},
    {"/var/**/x.log", "'**' is not supported (use 'recursive: true' on the directory)"},
    {"/var/log**", "'**' is not supported (use 'recursive: true' on the directory)"},
};

struct MatchCase {
  const char* pattern;
  const char* name;
  bool matches;
};

const MatchCase k_components[] = {
    {"*", "syslog", true},
    {"*", "a.b", true},
    {"*", ".bashrc", false},
    {"?bashrc", ".bashrc", false},
    {"[.]bashrc", ".bashrc", false},
    {".*", ".bashrc", true},
    {".bash*", ".bashrc", true},
    {"*.log", "hostd.log", true},
    {"*.log", "hostd.log.1", false},
    {"*.log", ".log", false},
    {"*.[0-9].gz", "vmkernel.1.gz", true},
    {"*.[0-9].gz", "vmkernel.x.gz", false},
    {"sy?log", "syslog", true},
    {"sy?log", "sylog", false},
    {"[!x]*", "yz", true},
    {"[!x]*", "xz", false},
    {"[abc]", "b", true},
    {"[abc]", "d", false},
    {"hosts", "hosts", true},
    {"hosts", "Hosts", false},
};

struct UnderCase {
  const char* glob;
  const char* path;
  bool covered;
};

const UnderCase k_under[] = {
    {"/etc/shadow", "/etc/shadow", true},
    {"/etc/shadow", "/etc/shadow-", false},
    {"/etc/shadow", "/etc", false},
    {"/etc/ssh", "/etc/ssh/ssh_host_rsa_key", true},
    {"/etc/ssh", "/etc/ssh/keys/a/b", true},
    {"/etc/ssh", "/etc/sshd_config", false},
    {"/etc/ssh/*_key", "/etc/ssh/ssh_host_rsa_key", true},
    {"/etc/ssh/*_key", "/etc/ssh/ssh_host_rsa_key.pub", false},
    {"/etc/ssh/ssh_host_*_key", "/etc/ssh/ssh_host_ed25519_key", true},
    {"/var/log/*", "/var/log/a/b/c", true},
    {"/var/log/*", "/var/log", false},
    {"/root/*", "/root/.ssh/id_rsa", true},  // forbid fails closed: '*' covers dotfiles
    {"/root/.*", "/root/.ssh/id_rsa", true},
    {"/proc/kcore", "/proc/kcore", true},
    {"/sys/kernel/debug", "/sys/kernel/debug/tracing/trace_pipe", true},
    {"/", "/anything/at/all", true},
    {"/etc//shadow", "/etc/shadow", true},  // empty components count for nothing, on either side
    {"/etc/shadow", "//etc///shadow/", true},
    {"/etc/ssh/ssh_host_[re]*_key", "/etc/ssh/ssh_host_ed25519_key", true},
    {"/etc/ssh/ssh_host_[re]*_key", "/etc/ssh/ssh_host_dsa_key", false},
    {"/var/log/a\\*b", "/var/log/a*b", true},  // an escaped '*' is a literal star
    {"/var/log/a\\*b", "/var/log/axb", false},
};

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("validate_glob accepts good patterns and names what is wrong with bad ones") {
    for (const GlobCase& c : k_globs) {
      const std::string glob = c.glob;
      CAPTURE(glob);
      auto ok = validate_glob(c.glob);
      if (c.error == nullptr) {
        CHECK_MESSAGE(ok.has_value(), (ok ? "" : ok.error().message));
      } else {
        REQUIRE_FALSE(ok.has_value());
        CHECK(ok.error().message == std::string(c.error));
      }
    }
  }

  TEST_CASE("split_path drops empty components") {
    CHECK(split_path("/var/log/*.log") == std::vector<std::string>{"var", "log", "*.log"});
    CHECK(split_path("/").empty());
    CHECK(split_path("").empty());
    CHECK(split_path("//a///b/") == std::vector<std::string>{"a", "b"});
    CHECK(split_path("a/b") == std::vector<std::string>{"a", "b"});
    CHECK(split_path("/.hidden/..") == std::vector<std::string>{".hidden", ".."});
  }

  TEST_CASE("join_path joins the first count components under '/'") {
    const std::vector<std::string> parts{"var", "log", "syslog"};
    CHECK(join_path(parts, 0) == "/");
    CHECK(join_path(parts, 1) == "/var");
    CHECK(join_path(parts, 2) == "/var/log");
    CHECK(join_path(parts, 3) == "/var/log/syslog");
    CHECK(join_path(parts, 10) == "/var/log/syslog");
    CHECK(join_path({}, 0) == "/");
    CHECK(join_path(split_path("//etc//hosts/"), 2) == "/etc/hosts");
  }

  TEST_CASE("has_wildcard spots *, ? and [") {
    CHECK(has_wildcard("*.log"));
    CHECK(has_wildcard("sy?log"));
    CHECK(has_wildcard("[0-9]"));
    CHECK_FALSE(has_wildcard("syslog"));
    CHECK_FALSE(has_wildcard(""));
  }

  TEST_CASE("match_component matches one component; a leading dot needs an explicit dot") {
    for (const MatchCase& c : k_components) {
      const std::string pattern = c.pattern;
      const std::string name = c.name;
      CAPTURE(pattern);
      CAPTURE(name);
      CHECK(match_component(pattern, name) == c.matches);
    }
  }

  TEST_CASE("matches_or_under covers a matched path and everything below it") {
    for (const UnderCase& c : k_under) {
      const std::string glob = c.glob;
      const std::string path = c.path;
      CAPTURE(glob);
      CAPTURE(path);
      CHECK(matches_or_under(glob, path) == c.covered);
    }
  }
}

}  // namespace vmsupport
