// User names in log and configuration fields (scrub/user_fields): each field
// shape, the name's exact bounds, built-in and service accounts ignored, and
// look-alikes (paths, systemd escapes, words that start with "user") left alone.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scrub/user_fields.h"

using namespace vmsupport;

namespace {

std::vector<std::string> names(std::string_view text) {
  std::vector<std::string> out;
  for (const UserField& field : find_user_fields(text)) out.emplace_back(text.substr(field.begin, field.end - field.begin));
  return out;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("each field shape yields the user's name") {
    const std::vector<std::pair<std::string, Names>> cases = {
        {"opID=a1 user=jdoe] Task Created", {"jdoe"}},
        {"User: \"mkowalski\" logged in", {"mkowalski"}},
        {"Login failed. User: mkowalski\n", {"mkowalski"}},
        {"username='anna.berg', action=login", {"anna.berg"}},
        {"user_name=p_singh.", {"p_singh"}},
        {"pam_unix(sshd:session): session opened for user jsmith(uid=1000) by (uid=0)", {"jsmith"}},
        {"sshd[2201]: Accepted publickey for mkowalski from 198.51.100.31 port 52144 ssh2", {"mkowalski"}},
        {"sshd[2202]: Failed password for anna from 192.0.2.7 port 4242 ssh2", {"anna"}},
        {"sudo: pam_unix(sudo:session): session opened for user jsmith by (uid=0)", {"jsmith"}},
        {"Event 42 : User rkumar@192.0.2.60 logged in as VMware-client/6.5.0", {"rkumar"}},
        {"[Originator@6876 sub=Vimsvc user=vpxuser:LAB.EXAMPLE\\jdoe]", {"jdoe"}},
        {"login by VSPHERE.LOCAL\\jane-ops failed", {"jane-ops"}},
        {"profile C:\\Users\\Müller loaded", {}},  // non-ASCII names are the inventory's job
        {"profile C:\\Users\\hmueller\\AppData\\Local", {"hmueller"}},
        {"{\"path\": \"C:\\\\Users\\\\hmueller\\\\Desktop\"}", {"hmueller"}},
        {"copy C:/Users/hmueller/file.txt", {"hmueller"}},
        {"CRON[1201]: (jsmith) CMD (/home/jsmith/bin/report.sh)", {"jsmith"}},
        {"open /Users/anna/Library/Logs/VMware Fusion", {"anna"}},
        {"user=jdoe user=jdoe", {"jdoe", "jdoe"}},
    };
    for (const auto& [text, expected] : cases) {
      INFO(text);
      CHECK(names(text) == expected);
    }
  }

  TEST_CASE("built-in and service accounts are not users") {
    for (const std::string text :
         {"user=root", "User root@127.0.0.1 logged in", "for user vpxuser(uid=0)", "user=dcui",
          "Accepted password for root from 192.0.2.1 port 22", "NT AUTHORITY\\SYSTEM", "VSPHERE.LOCAL\\Administrator",
          "user: nobody", "C:\\Users\\Public\\Desktop", "/home/user/", "user=CORP$", "user=svc_backup"}) {
      INFO(text);
      CHECK(names(text).empty());
    }
  }

  TEST_CASE("pseudonyms in fields are not users again (text scrubbed twice stays the same)") {
    CHECK(names("/home/user-0001/.vmware/preferences").empty());
    CHECK(names("user=user-0042 host=host-0001").empty());
    CHECK(names("C:\\Users\\vm-0003\\x").empty());
    CHECK(names("/home/user-01/x") == std::vector<std::string>{"user-01"});  // not a pseudonym's shape
  }

  TEST_CASE("look-alikes are left alone") {
    for (const std::string text :
         {"users: 12 sessions", "userid 1000", "user session opened", "the user cancelled the task",
          "C:\\Windows\\System32\\drivers", "dev-disk-by\\x2duuid-1234.swap", "user=", "user = (null)",
          "Accepted publickey for jsmith", "for user", "a\\b", "VMFS\\datastore\\path", "user=-x", "userland tools",
          "Failed password for invalid user oracle from 192.0.2.7 port 4242 ssh2",
          "input_userauth_request: invalid user user [preauth]", "Use Hesiod for user lookups",
          "Timeout Waiting for user selection of boot source", "1400  CD\\RW 40X",
          "Creating database VCDB.\\n2025-01-16 03:58:13", "VCDB\\nDatabase exists", "DEV\\x2dNAME",
          "Authenticated user vcenter.example.com@vsphere.local", "user=esx01.lab.example",
          "AHCI-USER: Already in check condition 02 3a 00", "User: Already logged in"}) {
      INFO(text);
      CHECK(names(text).empty());
    }
  }

  TEST_CASE("names stop at the characters that end a name") {
    CHECK(names("user=jdoe,") == Names{"jdoe"});
    CHECK(names("user=jdoe;next") == Names{"jdoe"});
    CHECK(names("user=\"jdoe\"") == Names{"jdoe"});
    CHECK(names("user=jdoe@corp.example") == Names{"jdoe"});
    CHECK(names("user=j.doe.") == Names{"j.doe"});
    CHECK(names("user=" + std::string(100, 'a')).front().size() == 64);
  }
}
