// Tests for host/rooted_fs (RootedFileSystem on a real temporary tree: symlinks
// and ".." stay inside the root, loops and dangling links fail cleanly, reads
// keep the newest bytes and never block or open special files) and for
// host/memory_fs (MemoryFileSystem, the fake the plan tests use).
#include <doctest/doctest.h>

#include "../support/temp_tree.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include "host/filesystem.h"

namespace vmsupport {
namespace {

using vmsupport::testing::TempTree;

using namespace std::chrono_literals;
namespace stdfs = std::filesystem;

std::string message_of(const Result<FileContent>& result) {
  return result ? std::string() : result.error().message;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("an absolute symlink inside the root resolves relative to the root") {
    TempTree tree;
    tree.file("/var/run/log/a.log", "hostd says hi\n");
    tree.symlink("/var/run/log/a.log", "/var/log/a.log");
    RootedFileSystem fs(tree.path());

    auto content = fs.read("/var/log/a.log", 1 << 20);
    REQUIRE_MESSAGE(content.has_value(), message_of(content));
    CHECK(content->bytes == "hostd says hi\n");
    auto resolved = fs.resolve("/var/log/a.log");
    REQUIRE(resolved.has_value());
    CHECK(*resolved == "/var/run/log/a.log");
  }

  TEST_CASE("an absolute symlink to /etc/shadow never reaches the host's file") {
    TempTree tree;
    tree.dir("/etc");
    tree.symlink("/etc/shadow", "/var/log/sneaky");
    RootedFileSystem fs(tree.path());

    auto missing = fs.read("/var/log/sneaky", 1 << 20);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == ENOENT);
    CHECK(missing.error().message.find("/var/log/sneaky") != std::string::npos);

    tree.file("/etc/shadow", "root:fake-hash-in-the-tree\n");
    auto inside = fs.read("/var/log/sneaky", 1 << 20);
    REQUIRE_MESSAGE(inside.has_value(), message_of(inside));
    CHECK(inside->bytes == "root:fake-hash-in-the-tree\n");
    auto info = fs.stat("/var/log/sneaky");
    REQUIRE(info.has_value());
    CHECK(info->resolved == "/etc/shadow");
  }

  TEST_CASE("a directory swapped for a symlink out of the root after it was walked leads nowhere out") {
    // Directories met once are not looked at again (a run of many small files
    // spent most of its time in lstat); the kernel still confines each open.
    TempTree outside;
    outside.file("/dir/f.log", "outside the root\n");
    TempTree tree;
    tree.file("/var/log/dir/f.log", "inside the root\n");
    RootedFileSystem fs(tree.path());
    auto first = fs.read("/var/log/dir/f.log", 1 << 20);
    REQUIRE_MESSAGE(first.has_value(), message_of(first));
    CHECK(first->bytes == "inside the root\n");

    stdfs::remove_all(tree.path() + "/var/log/dir");
    stdfs::create_directory_symlink(outside.path() + "/dir", tree.path() + "/var/log/dir");
    auto second = fs.read("/var/log/dir/f.log", 1 << 20);
    if (second) CHECK(second->bytes != "outside the root\n");
    auto info = fs.stat("/var/log/dir/f.log");
    if (info) CHECK(info->resolved.find(outside.path()) == std::string::npos);
  }

  TEST_CASE("a relative symlink climbing with many '..' stops at the root") {
    TempTree tree;
    tree.file("/etc/passwd", "root:x:0:0:in the tree\n");
    tree.symlink("../../../../../../../../etc/passwd", "/var/lib/deep/up");
    RootedFileSystem fs(tree.path());

    auto content = fs.read("/var/lib/deep/up", 1 << 20);
    REQUIRE_MESSAGE(content.has_value(), message_of(content));
    CHECK(content->bytes == "root:x:0:0:in the tree\n");
    CHECK(fs.resolve("/var/lib/deep/up") == std::string("/etc/passwd"));
  }

  TEST_CASE("'..' in a requested path stops at the root") {
    TempTree tree;
    tree.file("/etc/passwd", "tree passwd\n");
    tree.dir("/var/log");
    RootedFileSystem fs(tree.path());

    CHECK(fs.resolve("/../../..") == std::string("/"));
    CHECK(fs.resolve("/var/log/../../../../etc/passwd") == std::string("/etc/passwd"));
    auto content = fs.read("/../../../etc/passwd", 1 << 20);
    REQUIRE_MESSAGE(content.has_value(), message_of(content));
    CHECK(content->bytes == "tree passwd\n");
  }

  TEST_CASE("a symlink loop fails with ELOOP and names the path") {
    TempTree tree;
    tree.symlink("b", "/loop/a");
    tree.symlink("a", "/loop/b");
    RootedFileSystem fs(tree.path());

    auto info = fs.stat("/loop/a");
    REQUIRE_FALSE(info.has_value());
    CHECK(info.error().code == ELOOP);
    CHECK(info.error().message.find("/loop/a") != std::string::npos);
    auto content = fs.read("/loop/a", 1 << 20);
    REQUIRE_FALSE(content.has_value());
    CHECK(content.error().code == ELOOP);
  }

  TEST_CASE("a dangling symlink fails with ENOENT") {
    TempTree tree;
    tree.symlink("/nowhere/at/all", "/dangling");
    RootedFileSystem fs(tree.path());

    auto info = fs.stat("/dangling");
    REQUIRE_FALSE(info.has_value());
    CHECK(info.error().code == ENOENT);
    CHECK(info.error().message.find("/dangling") != std::string::npos);
  }

  TEST_CASE("stat without follow reports the symlink itself") {
    TempTree tree;
    tree.file("/var/run/log/a.log", "123456");
    tree.symlink("/var/run/log/a.log", "/var/log/a.log");
    RootedFileSystem fs(tree.path());

    auto link = fs.stat("/var/log/a.log", false);
    REQUIRE(link.has_value());
    CHECK(link->type == FileType::symlink);
    CHECK(link->resolved == "/var/log/a.log");

    auto target = fs.stat("/var/log/a.log");
    REQUIRE(target.has_value());
    CHECK(target->type == FileType::regular);
    CHECK(target->size == 6);
    CHECK(target->resolved == "/var/run/log/a.log");

    tree.symlink("/nowhere", "/var/log/gone");
    auto dangling_link = fs.stat("/var/log/gone", false);
    REQUIRE(dangling_link.has_value());
    CHECK(dangling_link->type == FileType::symlink);
  }

  TEST_CASE("stat of the root and of a directory reports a directory") {
    TempTree tree;
    tree.dir("/var/log");
    RootedFileSystem fs(tree.path() + "/");
    CHECK(fs.root() == tree.path());

    auto root = fs.stat("/");
    REQUIRE(root.has_value());
    CHECK(root->type == FileType::directory);
    CHECK(root->resolved == "/");
    auto dir = fs.stat("/var/log");
    REQUIRE(dir.has_value());
    CHECK(dir->type == FileType::directory);
  }

  TEST_CASE("host_path maps a path inside the root to the host") {
    CHECK(RootedFileSystem("/").host_path("/etc/hosts") == "/etc/hosts");
    CHECK(RootedFileSystem("/").host_path("/") == "/");
    CHECK(RootedFileSystem("/").root() == "/");
    CHECK(RootedFileSystem("/mnt/esx/").host_path("/etc/hosts") == "/mnt/esx/etc/hosts");
    CHECK(RootedFileSystem("/mnt/esx").host_path("/") == "/mnt/esx");
  }

  TEST_CASE("list_dir returns the names sorted bytewise, without . and ..") {
    TempTree tree;
    for (const char* name : {"b", "a", "C", "_x", ".hidden"}) tree.file(std::string("/d/") + name, "");
    tree.dir("/d/sub");
    RootedFileSystem fs(tree.path());

    auto names = fs.list_dir("/d");
    REQUIRE(names.has_value());
    CHECK(*names == std::vector<std::string>{".hidden", "C", "_x", "a", "b", "sub"});

    auto not_dir = fs.list_dir("/d/a");
    REQUIRE_FALSE(not_dir.has_value());
    CHECK(not_dir.error().code == ENOTDIR);
    auto missing = fs.list_dir("/nope");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == ENOENT);
  }

  TEST_CASE("a file bigger than max_bytes keeps exactly its newest max_bytes") {
    TempTree tree;
    tree.file("/log", "0123456789");
    RootedFileSystem fs(tree.path());

    auto tail = fs.read("/log", 4);
    REQUIRE(tail.has_value());
    CHECK(tail->bytes == "6789");
    CHECK(tail->truncated);
    CHECK(tail->original_size == 10);
    CHECK_FALSE(tail->changed_while_read);
  }

  TEST_CASE("a file of exactly max_bytes, or smaller, is not truncated") {
    TempTree tree;
    tree.file("/log", "0123456789");
    RootedFileSystem fs(tree.path());

    auto exact = fs.read("/log", 10);
    REQUIRE(exact.has_value());
    CHECK(exact->bytes == "0123456789");
    CHECK_FALSE(exact->truncated);
    CHECK(exact->original_size == 10);

    auto roomy = fs.read("/log", 1 << 20);
    REQUIRE(roomy.has_value());
    CHECK(roomy->bytes == "0123456789");
    CHECK_FALSE(roomy->truncated);
  }

  TEST_CASE("an empty regular file reads as empty") {
    TempTree tree;
    tree.file("/empty", "");
    RootedFileSystem fs(tree.path());
    auto content = fs.read("/empty", 1 << 20);
    REQUIRE(content.has_value());
    CHECK(content->bytes.empty());
    CHECK(content->original_size == 0);
    CHECK_FALSE(content->truncated);
  }

  TEST_CASE("a FIFO is refused at once, without blocking") {
    TempTree tree;
    const std::string fifo = tree.host("/fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    RootedFileSystem fs(tree.path());

    auto pending = std::async(std::launch::async, [&fs] { return fs.read("/fifo", 1 << 20); });
    if (pending.wait_for(2s) != std::future_status::ready) {
      // Unblock a reader stuck in open() or read() so the suite does not hang.
      const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (writer >= 0) ::close(writer);
      FAIL_CHECK("reading a FIFO blocked for more than 2 s");
    }
    auto content = pending.get();
    REQUIRE_FALSE(content.has_value());
    CHECK(content.error().message.find("FIFO") != std::string::npos);
    CHECK(content.error().message.find("/fifo") != std::string::npos);

    auto info = fs.stat("/fifo");
    REQUIRE(info.has_value());
    CHECK(info->type == FileType::fifo);
  }

  TEST_CASE("a UNIX socket is refused") {
    TempTree tree;
    const std::string path = tree.host("/sock");
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof address.sun_path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    const int bind_errno = errno;
    RootedFileSystem fs(tree.path());
    auto content = fs.read("/sock", 1 << 20);
    auto info = fs.stat("/sock");
    ::close(fd);

    REQUIRE_MESSAGE(bound == 0, std::strerror(bind_errno));
    REQUIRE_FALSE(content.has_value());
    CHECK(content.error().message.find("socket") != std::string::npos);
    REQUIRE(info.has_value());
    CHECK(info->type == FileType::socket);
  }

  TEST_CASE("a directory is refused by read") {
    TempTree tree;
    tree.dir("/var/log");
    RootedFileSystem fs(tree.path());
    auto content = fs.read("/var/log", 1 << 20);
    REQUIRE_FALSE(content.has_value());
    CHECK(content.error().message.find("directory") != std::string::npos);
    CHECK(content.error().code == EINVAL);
  }

  TEST_CASE("a pseudo file reporting size 0 is read up to the cap") {
    RootedFileSystem fs("/");
    auto info = fs.stat("/proc/self/status");
    REQUIRE(info.has_value());
    CHECK(info->size == 0);

    auto content = fs.read("/proc/self/status", 1 << 20);
    REQUIRE_MESSAGE(content.has_value(), message_of(content));
    CHECK_FALSE(content->bytes.empty());
    CHECK(content->bytes.find("Name:") != std::string::npos);
    CHECK(content->original_size == content->bytes.size());
    CHECK_FALSE(content->truncated);

    auto capped = fs.read("/proc/self/status", 16);
    REQUIRE(capped.has_value());
    CHECK(capped->bytes.size() == 16);
    CHECK(capped->truncated);
    CHECK(capped->bytes == content->bytes.substr(0, 16));
  }

  TEST_CASE("a sparse 2 GiB file is read quickly down to its newest MiB") {
    TempTree tree;
    const std::string path = tree.host("/sparse");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    const off_t two_gib = off_t{2} << 30;
    const int truncated = ::ftruncate(fd, two_gib);
    ::close(fd);
    REQUIRE(truncated == 0);
    RootedFileSystem fs(tree.path());

    const auto start = std::chrono::steady_clock::now();
    auto content = fs.read("/sparse", 1 << 20);
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_MESSAGE(content.has_value(), message_of(content));
    CHECK(content->bytes.size() == (1u << 20));
    CHECK(content->bytes == std::string(1 << 20, '\0'));
    CHECK(content->truncated);
    CHECK(content->original_size == (std::uint64_t{2} << 30));
    CHECK(took < 2s);
  }

  TEST_CASE("NUL bytes, invalid UTF-8, CRLF and no final newline come back byte-identical") {
    TempTree tree;
    const std::string raw = std::string("a\0b\0\0c", 6) + "\xff\xfe\xc3\x28 \xe2\x82" +
                            "line one\r\nline two\r\n\r\nno newline at end";
    tree.file("/raw.bin", raw);
    RootedFileSystem fs(tree.path());
    auto content = fs.read("/raw.bin", 1 << 20);
    REQUIRE(content.has_value());
    CHECK(content->bytes.size() == raw.size());
    CHECK(content->bytes == raw);
    CHECK(content->original_size == raw.size());

    auto tail = fs.read("/raw.bin", 3);
    REQUIRE(tail.has_value());
    CHECK(tail->bytes == "end");
  }

  TEST_CASE("a file without read permission fails with EACCES") {
    if (::geteuid() == 0) {
      MESSAGE("running as root: permission bits do not stop reads, check skipped");
      return;
    }
    TempTree tree;
    tree.file("/secret", "hidden");
    REQUIRE(::chmod(tree.host("/secret").c_str(), 0) == 0);
    RootedFileSystem fs(tree.path());
    auto content = fs.read("/secret", 1 << 20);
    REQUIRE_FALSE(content.has_value());
    CHECK(content.error().code == EACCES);
    CHECK(content.error().message.find("/secret") != std::string::npos);
  }

  TEST_CASE("MemoryFileSystem holds files and their parent directories") {
    MemoryFileSystem fs;
    const auto when = Clock::from_time_t(1'700'000'000);
    fs.add_file("/var/log/syslog", "hello\n", when);
    CHECK(fs.root() == "/");

    auto file = fs.stat("/var/log/syslog");
    REQUIRE(file.has_value());
    CHECK(file->type == FileType::regular);
    CHECK(file->size == 6);
    CHECK(file->mtime == when);
    CHECK(file->resolved == "/var/log/syslog");

    for (const std::string dir : {"/", "/var", "/var/log"}) {
      CAPTURE(dir);
      auto info = fs.stat(dir);
      REQUIRE(info.has_value());
      CHECK(info->type == FileType::directory);
    }
    auto normalised = fs.stat("//var//log/syslog/");
    REQUIRE(normalised.has_value());
    CHECK(normalised->resolved == "/var/log/syslog");

    auto missing = fs.stat("/var/log/messages");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == ENOENT);
    CHECK(missing.error().message.find("/var/log/messages") != std::string::npos);
  }

  TEST_CASE("MemoryFileSystem lists a directory's direct children sorted") {
    MemoryFileSystem fs;
    fs.add_file("/etc/b", "");
    fs.add_file("/etc/a", "");
    fs.add_file("/etc/ssh/sshd_config", "");
    fs.add_file("/etc-old/x", "");
    fs.add_file("/etc.d/y", "");

    auto names = fs.list_dir("/etc");
    REQUIRE(names.has_value());
    CHECK(*names == std::vector<std::string>{"a", "b", "ssh"});
    auto top = fs.list_dir("/");
    REQUIRE(top.has_value());
    CHECK(*top == std::vector<std::string>{"etc", "etc-old", "etc.d"});
    auto not_dir = fs.list_dir("/etc/a");
    REQUIRE_FALSE(not_dir.has_value());
    CHECK(not_dir.error().message.find("Not a directory") != std::string::npos);
  }

  TEST_CASE("MemoryFileSystem reads keep the newest bytes and refuse special files") {
    MemoryFileSystem fs;
    fs.add_file("/log", "0123456789");
    fs.add_special("/run/fifo", FileType::fifo);

    auto tail = fs.read("/log", 4);
    REQUIRE(tail.has_value());
    CHECK(tail->bytes == "6789");
    CHECK(tail->truncated);
    CHECK(tail->original_size == 10);
    auto exact = fs.read("/log", 10);
    REQUIRE(exact.has_value());
    CHECK_FALSE(exact->truncated);
    CHECK(exact->bytes == "0123456789");

    auto info = fs.stat("/run/fifo");
    REQUIRE(info.has_value());
    CHECK(info->type == FileType::fifo);
    auto fifo = fs.read("/run/fifo", 4);
    REQUIRE_FALSE(fifo.has_value());
    CHECK(fifo.error().message.find("FIFO") != std::string::npos);
    auto dir = fs.read("/run", 4);
    REQUIRE_FALSE(dir.has_value());
    CHECK(dir.error().message.find("directory") != std::string::npos);
  }
}

}  // namespace vmsupport
