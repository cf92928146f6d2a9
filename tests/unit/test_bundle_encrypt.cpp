// Tests for bundle/encrypt's pure part: which keys of gpg's --with-colons
// listing can encrypt (gpg itself is exercised by tests/e2e/upload.sh).
#include <doctest/doctest.h>

#include <string>

#include "bundle/encrypt.h"

namespace vmsupport {
namespace {

// gpg 2.2 --with-colons --list-keys: an RSA key with an encryption subkey,
// then a signing-only ed25519 key.
const char* k_listing =
    "tru:o:1:1796396486:1:3:1:5\n"
    "pub:u:3072:1:F598F481FF81FCB8:1796396484:::u:::scESC::::::23::0:\n"
    "fpr:::::::::A26F9BB96E31578E92E26B0EF598F481FF81FCB8:\n"
    "uid:u::::1796396484::62917250367C41BA146713D4C031CC5DFD095FFE::Vendor Support <support@vendor.example>::::::::::0:\n"
    "sub:u:3072:1:236822C907992284:1796396484::::::e::::::23:\n"
    "fpr:::::::::75134DBF7AA95553CFA5FE66236822C907992284:\n"
    "pub:u:255:22:C32E8145BE3CAA71:1796396486:::u:::scSC:::::ed25519:::0:\n"
    "fpr:::::::::A970278F9683E58015A67009C32E8145BE3CAA71:\n"
    "uid:u::::1796396486::BD05971A37BB88AA1F98E439F7633D64877A86DB::Sign Only <sign@vendor.example>::::::::::0:\n";

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("keys that can encrypt are found by their primary fingerprint; signing-only keys are not") {
    const UsableKeys keys = parse_gpg_key_list(k_listing);
    CHECK(keys.fingerprints == std::vector<std::string>{"A26F9BB96E31578E92E26B0EF598F481FF81FCB8"});
    CHECK(keys.user_id == "Vendor Support <support@vendor.example>");
    CHECK(keys.unusable == 1);
  }

  TEST_CASE("revoked and expired keys cannot encrypt") {
    for (const char* validity : {"r", "e"}) {
      CAPTURE(validity);
      const std::string listing = std::string("pub:") + validity +
                                  ":3072:1:F598F481FF81FCB8:1796396484:::u:::scESC::::::23::0:\n"
                                  "fpr:::::::::A26F9BB96E31578E92E26B0EF598F481FF81FCB8:\n";
      const UsableKeys keys = parse_gpg_key_list(listing);
      CHECK(keys.fingerprints.empty());
      CHECK(keys.unusable == 1);
    }
    CHECK(parse_gpg_key_list("").fingerprints.empty());
  }

  TEST_CASE("without gpg, --encrypt-to fails at once, saying what to install") {
    FakeProcessRunner runner;
    auto key = EncryptionKey::prepare("vendor.asc", runner);
    REQUIRE_FALSE(key);
    CHECK(key.error().message == "--encrypt-to vendor.asc: the gpg program is not installed (Debian: apt-get install gnupg)");
    CHECK(runner.calls.empty());
  }

  TEST_CASE("a key in the keyring that gpg does not know fails naming the key") {
    FakeProcessRunner runner;
    ProcessOutcome unknown;
    unknown.exit_code = 2;
    unknown.output = "gpg: error reading key: No public key\n";
    runner.programs["gpg"] = unknown;
    auto key = EncryptionKey::prepare("support@vendor.example", runner);
    REQUIRE_FALSE(key);
    CHECK(key.error().message.starts_with("--encrypt-to support@vendor.example: no such key in the keyring "));
    REQUIRE(runner.calls.size() == 1);
    CHECK(runner.calls[0].argv.back() == "support@vendor.example");
  }

  TEST_CASE("a stream is not encrypted; no key, no encryption") {
    FakeProcessRunner runner;
    auto stream = prepare_encryption("vendor.asc", "-", runner);
    REQUIRE_FALSE(stream);
    CHECK(stream.error().message.find("-o -") != std::string::npos);
    auto none = prepare_encryption("", "/var/tmp", runner);
    REQUIRE(none);
    CHECK_FALSE(none->has_value());
  }
}

}  // namespace vmsupport
