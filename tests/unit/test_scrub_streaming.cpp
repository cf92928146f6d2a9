// Large contents (host/spool, scrub/gunzip, ContentScrubber on bodies): a
// Body spills from memory to a spool file at its limit; a large member is
// scrubbed chunk by chunk with the same result as scrubbing it whole (lines,
// PEM blocks and very long lines across chunk boundaries); binary content
// found late is left out; large gzip members decompress to a spool, keeping
// their newest bytes.
#include <doctest/doctest.h>

#include <unistd.h>

#include <memory>
#include <string>

#include "../support/gzip.h"
#include "kinds/inventory.h"
#include "kinds/item.h"
#include "scrub/content_scrubber.h"
#include "scrub/gunzip.h"
#include "scrub/pseudonyms.h"

using namespace vmsupport;
using vmsupport::testing::gzip;

namespace {

std::string read_all(const FileRange& range) {
  std::string out;
  auto n = for_each_chunk(range, 1000, [&](std::string_view chunk) -> Result<void> {
    out.append(chunk);
    return {};
  });
  REQUIRE(n.has_value());
  return out;
}

FileRange spooled(std::string_view text) {
  auto spool = Spool::create("");
  REQUIRE(spool.has_value());
  REQUIRE(spool->write(text).has_value());
  return spool->range();
}

std::unique_ptr<ContentScrubber> make_scrubber(PseudonymMap& map, ScrubSettings settings = {}) {
  Inventory inventory;
  inventory.add(Category::host, "esx01.corp.example");
  inventory.add(Category::vm, "Payroll DB");
  inventory.add(Category::user, "jdoe");
  auto scrubber = ContentScrubber::create(inventory, settings, map);
  REQUIRE(scrubber.has_value());
  return std::move(*scrubber);
}

CollectedItem large_item(std::string_view text) {
  CollectedItem item;
  item.source = "/var/log/big.log";
  item.archive_path = "var/log/big.log";
  item.body = spooled(text);
  item.original_size = text.size();
  return item;
}

std::string content_of(const CollectedItem& item) { return item.body ? read_all(*item.body) : item.content; }

// About `size` bytes of log lines full of names, addresses and CRLF, with a
// PEM key and a 9 MiB line somewhere in the middle.
std::string big_log(std::size_t size) {
  std::string text;
  for (std::size_t i = 0; text.size() < size; ++i) {
    text += "2026-11-23T08:00:00Z hostd esx01 vm 'Payroll DB' from 10.1." + std::to_string(i % 200) + "." +
            std::to_string(i % 250 + 1) + " user jdoe@corp.example mac 00:50:56:aa:bb:" +
            (i % 2 ? "0c" : "1d") + (i % 7 ? "\n" : "\r\n");
    if (i == 20000) {
      text += "-----BEGIN PRIVATE KEY-----\n";
      for (int k = 0; k < 30; ++k) text += "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC" + std::to_string(k) + "\n";
      text += "-----END PRIVATE KEY-----\n";
    }
    if (i == 40000) text += std::string(9 << 20, 'x') + " esx01 " + std::string(1000, 'y') + "\n";
  }
  return text;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("a body stays in memory under its limit and spills to a spool file above it") {
    Body small("", 100);
    REQUIRE(small.append(std::string(60, 'a')).has_value());
    CHECK(small.in_memory());
    small.drop_front(10);
    CHECK(small.size() == 50);
    CHECK(small.take_memory() == std::string(50, 'a'));

    Body large("", 100);
    REQUIRE(large.append(std::string(60, 'a')).has_value());
    REQUIRE(large.append(std::string(60, 'b')).has_value());
    CHECK_FALSE(large.in_memory());
    CHECK(large.size() == 120);
    large.drop_front(30);
    CHECK(read_all(large.range()) == std::string(30, 'a') + std::string(60, 'b'));
  }

  TEST_CASE("a spool in a directory that does not exist fails naming it") {
    auto spool = Spool::create("/nonexistent/vmsupport-spool");
    REQUIRE_FALSE(spool.has_value());
    CHECK(spool.error().message.find("/nonexistent/vmsupport-spool") != std::string::npos);
  }

  TEST_CASE("a large member scrubbed chunk by chunk equals the member scrubbed whole") {
    const std::string text = big_log(24 << 20);
    PseudonymMap whole_map;
    ScrubCounts whole_counts;
    const std::string expected = make_scrubber(whole_map)->scrub_text(text, whole_counts);

    // Chunks analysed ahead on the scrubber's threads (as with --jobs 2 and
    // more; two, or one where memory is short), or each when applied (--jobs
    // 1): the same pseudonyms, in the same order.
    ScrubSettings settings;
    std::size_t chunks_ahead = 2;
    SUBCASE("two chunks analysed ahead") { settings.analyse_ahead = true; }
    SUBCASE("one chunk analysed ahead") {
      settings.analyse_ahead = true;
      chunks_ahead = 1;
    }
    SUBCASE("analysed when applied") { settings.analyse_ahead = false; }
    PseudonymMap map;
    const auto scrubber = make_scrubber(map, settings);
    scrubber->set_chunks_ahead(chunks_ahead);
    const ScrubbedItem scrubbed = scrubber->scrub(large_item(text));
    CHECK(scrubbed.item().status == Status::ok);
    REQUIRE(scrubbed.item().body.has_value());
    const std::string got = read_all(*scrubbed.item().body);
    CHECK(got.size() == expected.size());
    CHECK(got == expected);
    CHECK(got.find("esx01") == std::string::npos);
    CHECK(got.find("MIIEvQIBADANBgkq") == std::string::npos);
    CHECK(got.find("\r\n") != std::string::npos);
    CHECK(scrubber->report().totals == std::map<std::string, std::size_t>(whole_counts.begin(), whole_counts.end()));
  }

  TEST_CASE("a large member that shrank while read keeps what was there, scrubbed") {
    const std::string text = big_log(3 << 20);
    CollectedItem item = large_item(text);
    item.body->length += 5000;  // planned larger than the file is now
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const ScrubbedItem scrubbed = scrubber->scrub(std::move(item));
    CHECK(scrubbed.item().status == Status::ok);
    CHECK(scrubbed.item().reason.find("shrank while read (kept what was there)") != std::string::npos);
    PseudonymMap whole_map;
    ScrubCounts counts;
    CHECK(content_of(scrubbed.item()) == make_scrubber(whole_map)->scrub_text(text, counts));
  }

  TEST_CASE("a read error fails a large member, saying so") {
    // A descriptor that cannot be read at an offset (a pipe: ESPIPE) stands
    // for a disk error.
    const std::string text = big_log(3 << 20);
    CollectedItem item = large_item(text);
    const FileRange good = *item.body;
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    ::close(fds[1]);
    auto broken = std::make_shared<const detail::UniqueFd>(fds[0]);  // pread on a pipe: ESPIPE
    item.body = FileRange{broken, 0, good.length};
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const ScrubbedItem scrubbed = scrubber->scrub(std::move(item));
    CHECK(scrubbed.item().status == Status::failed);
    CHECK(scrubbed.item().truncated);
    CHECK(scrubbed.item().reason.find("could not be scrubbed whole: read error") != std::string::npos);
  }

  TEST_CASE("a small result of a large member comes back in memory") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const ScrubbedItem scrubbed = scrubber->scrub(large_item("esx01 booted\nno final newline esx01"));
    CHECK_FALSE(scrubbed.item().body.has_value());
    CHECK(scrubbed.item().content == "host-0001 booted\nno final newline host-0001");
  }

  TEST_CASE("a NUL byte deep inside a large member leaves the member out") {
    std::string text = big_log(6 << 20);
    text[5 << 20] = '\0';
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const ScrubbedItem scrubbed = scrubber->scrub(large_item(text));
    CHECK(scrubbed.item().archive_path.empty());
    CHECK_FALSE(scrubbed.item().body.has_value());
    CHECK(scrubbed.item().status == Status::skipped);
    CHECK(scrubber->report().left_out.size() == 1);
  }

  TEST_CASE("a large log with runs of zeros (a crash's holes, a sparse file) is kept and scrubbed") {
    std::string text = std::string(3 << 20, '\0') + "esx01 booted\n";  // the newest bytes of a sparse log
    text += big_log(2 << 20) + std::string(4096, '\0') + "after the hole: esx01\n";
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const ScrubbedItem scrubbed = scrubber->scrub(large_item(text));
    CHECK(scrubbed.item().status == Status::ok);
    REQUIRE_FALSE(scrubbed.item().archive_path.empty());
    const std::string got = content_of(scrubbed.item());
    CHECK(got.starts_with(std::string(3 << 20, '\0') + "host-0001 booted\n"));
    CHECK(got.ends_with(std::string(4096, '\0') + "after the hole: host-0001\n"));
    CHECK(got.find("esx01") == std::string::npos);
    CHECK(scrubber->report().left_out.empty());
  }

  TEST_CASE("a small log with a hole of zeros is kept; scattered NUL bytes still mean binary") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    CollectedItem holed;
    holed.archive_path = "var/log/syslog";
    holed.content = "esx01 up\n" + std::string(512, '\0') + "esx01 back after the crash\n";
    const ScrubbedItem kept = scrubber->scrub(std::move(holed));
    CHECK(kept.item().archive_path == "var/log/syslog");
    CHECK(kept.item().content == "host-0001 up\n" + std::string(512, '\0') + "host-0001 back after the crash\n");
    CollectedItem utf16;
    utf16.archive_path = "var/log/utf16.log";
    utf16.content = std::string("e\0s\0x\0" "0\0" "1\0", 10);
    CHECK(scrubber->scrub(std::move(utf16)).item().archive_path.empty());
    CollectedItem short_run;
    short_run.archive_path = "var/log/short.log";
    short_run.content = "a" + std::string(63, '\0') + "b";
    CHECK(scrubber->scrub(std::move(short_run)).item().archive_path.empty());
  }

  TEST_CASE("a large gzip member is decompressed to a spool and scrubbed") {
    const std::string text = big_log(12 << 20);
    CollectedItem item = large_item(gzip(text));
    item.archive_path = "var/log/big.0.gz";
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const ScrubbedItem scrubbed = scrubber->scrub(std::move(item));
    CHECK(scrubbed.item().archive_path == "var/log/big.0");
    CHECK(scrubbed.item().original_size == text.size());
    const std::string got = content_of(scrubbed.item());
    CHECK(got.find("esx01") == std::string::npos);
    CHECK(got.find("Payroll DB") == std::string::npos);
  }

  TEST_CASE("gunzip keeps the newest bytes, in one pass or two") {
    std::string text;
    for (int i = 0; i < 200000; ++i) text += "line " + std::to_string(i) + "\n";
    const std::string compressed = gzip(text);
    for (const std::uint64_t max : {text.size(), text.size() * 3 / 4, text.size() / 5}) {
      INFO("max_bytes ", max);
      Body out("", 100000);
      auto done = gunzip(gzip_source(compressed), max, out);
      REQUIRE(done.has_value());
      CHECK(done->total == text.size());
      CHECK(done->truncated == (max < text.size()));
      const std::string got = out.in_memory() ? out.take_memory() : read_all(out.range());
      CHECK(got == text.substr(text.size() - max));
    }
  }

  TEST_CASE("gunzip from a file range reads the same as from memory") {
    const std::string text = big_log(2 << 20);
    Body out("", 4 << 20);  // in memory: the comparison is about the source
    auto done = gunzip(gzip_source(spooled(gzip(text))), 100 << 20, out);
    REQUIRE(done.has_value());
    REQUIRE(out.in_memory());
    CHECK(out.take_memory() == text);
  }
}
