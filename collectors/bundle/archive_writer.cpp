// ArchiveWriter: libarchive pax tar with a hashing, fd-writing client
// callback; atomic commit by rename (see archive_writer.h).
#include "bundle/archive_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "util/sha256.h"

namespace vmsupport {

struct ArchiveWriter::State {
  archive* writer = nullptr;
  int fd = -1;
  bool to_stdout = false;
  bool finished = false;
  bool discard = false;  // aborting: libarchive may flush, nothing more is written
  std::string final_path;
  std::string partial_path;
  std::string top_dir;
  Sha256 hash;
  std::uint64_t written = 0;
  int write_errno = 0;
};

namespace {

la_ssize_t write_callback(archive* a, void* client, const void* buffer, size_t length) {
  auto* state = static_cast<ArchiveWriter::State*>(client);
  if (state->discard) return static_cast<la_ssize_t>(length);
  const char* bytes = static_cast<const char*>(buffer);
  std::size_t done = 0;
  while (done < length) {
    const ssize_t n = write(state->fd, bytes + done, length - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      state->write_errno = errno;
      archive_set_error(a, errno, "%s", errno_text(errno).c_str());
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
  state->hash.update(std::string_view(bytes, length));
  state->written += length;
  return static_cast<la_ssize_t>(length);
}

std::string where(const ArchiveWriter::State& state) {
  return state.to_stdout ? "standard output" : state.partial_path;
}

int add_filter(archive* a, Compression compression) {
  switch (compression) {
    case Compression::gzip: return archive_write_add_filter_gzip(a);
    case Compression::zstd: return archive_write_add_filter_zstd(a);
    case Compression::none: return archive_write_add_filter_none(a);
  }
  return ARCHIVE_FATAL;
}

void fsync_directory(const std::string& file) {
  const std::string dir = std::filesystem::path(file).parent_path().string();
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

Result<void> write_text_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".partial";
  FILE* out = std::fopen(temporary.c_str(), "wbx");
  if (!out) return fail("cannot create ", temporary, ": ", errno_text(errno));
  const bool ok = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const bool closed = std::fclose(out) == 0;
  if (!ok || !closed || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    return fail("cannot write ", path, ": ", errno_text(error));
  }
  return {};
}

}  // namespace

const char* compression_extension(Compression compression) {
  switch (compression) {
    case Compression::gzip: return ".tgz";
    case Compression::zstd: return ".tar.zst";
    case Compression::none: return ".tar";
  }
  return ".tar";
}

ArchiveWriter::ArchiveWriter(std::unique_ptr<State> state) : m_state(std::move(state)) {}

ArchiveWriter::~ArchiveWriter() {
  if (!m_state->finished) abort();
}

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::open(const std::string& path,
                                                           Compression compression,
                                                           const std::string& top_dir) {
  auto state = std::make_unique<State>();
  state->top_dir = top_dir;
  state->to_stdout = path == "-";
  if (state->to_stdout) {
    state->fd = STDOUT_FILENO;
  } else {
    state->final_path = path;
    state->partial_path = path + ".partial";
    state->fd = ::open(state->partial_path.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (state->fd < 0) {
      auto error = fail_errno(errno, "cannot create ", state->partial_path, ": ", errno_text(errno));
      if (error.error().code == EEXIST) {
        error.error().hint = "another vmsupport may be writing it; remove it if not";
      }
      return error;
    }
  }
  state->writer = archive_write_new();
  archive* a = state->writer;
  // No zero padding after a compressed stream: zstd refuses trailing bytes.
  if (compression != Compression::none) archive_write_set_bytes_in_last_block(a, 1);
  if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK || add_filter(a, compression) != ARCHIVE_OK ||
      archive_write_open(a, state.get(), nullptr, write_callback, nullptr) != ARCHIVE_OK) {
    const std::string message = archive_error_string(a) ? archive_error_string(a) : "unknown error";
    ArchiveWriter cleanup(std::move(state));
    return fail("cannot start the archive: ", message);
  }
  return std::unique_ptr<ArchiveWriter>(new ArchiveWriter(std::move(state)));
}

Result<MemberDigest> ArchiveWriter::add(const ScrubbedItem& member) {
  const CollectedItem& item = member.item();
  archive* a = m_state->writer;
  archive_entry* entry = archive_entry_new();
  const std::string name = m_state->top_dir + "/" + item.archive_path;
  archive_entry_copy_pathname(entry, name.c_str());
  archive_entry_set_uname(entry, "root");
  archive_entry_set_gname(entry, "root");
  const auto mtime = Clock::to_time_t(item.mtime == Clock::time_point{} ? Clock::now() : item.mtime);
  archive_entry_set_mtime(entry, mtime, 0);
  if (!item.link_target.empty()) {
    archive_entry_set_filetype(entry, AE_IFLNK);
    archive_entry_set_perm(entry, 0777);
    archive_entry_copy_symlink(entry, item.link_target.c_str());
    archive_entry_set_size(entry, 0);
  } else {
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(item.content_size()));
  }
  int status = archive_write_header(a, entry);
  archive_entry_free(entry);
  if (status < ARCHIVE_WARN) {
    return fail_errno(m_state->write_errno, "cannot write ", where(*m_state), ": ",
                      archive_error_string(a));
  }
  if (!item.link_target.empty()) return MemberDigest{0, sha256_hex("")};
  if (!item.body) {
    if (auto ok = write_data(item.content); !ok) return std::unexpected(ok.error());
    return MemberDigest{item.content.size(), sha256_hex(item.content)};
  }
  return write_range(*item.body);
}

Result<void> ArchiveWriter::write_data(std::string_view bytes) {
  archive* a = m_state->writer;
  while (!bytes.empty()) {
    const la_ssize_t n = archive_write_data(a, bytes.data(), bytes.size());
    if (n <= 0) {
      return fail_errno(m_state->write_errno, "cannot write ", where(*m_state), ": ",
                        archive_error_string(a) ? archive_error_string(a) : "short write");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// Streams a file range; a file that shrank since it was opened is padded
// with NUL bytes to the size already written in the member's header.
Result<MemberDigest> ArchiveWriter::write_range(const FileRange& range) {
  Sha256 hash;
  std::uint64_t copied = 0;
  std::optional<Error> write_error;
  (void)for_each_chunk(range, k_chunk_size, [&](std::string_view chunk) -> Result<void> {
    hash.update(chunk);
    auto ok = write_data(chunk);
    if (!ok) write_error = ok.error();
    copied += ok ? chunk.size() : 0;
    return ok;
  });
  if (write_error) return std::unexpected(*write_error);
  MemberDigest digest{range.length, {}, range.length - copied};
  const std::string zeros(std::min<std::uint64_t>(digest.padded, k_chunk_size), '\0');
  for (std::uint64_t left = digest.padded; left > 0;) {
    const std::string_view part(zeros.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left, zeros.size())));
    hash.update(part);
    if (auto ok = write_data(part); !ok) return std::unexpected(ok.error());
    left -= part.size();
  }
  digest.sha256 = hash.hex_digest();
  return digest;
}

Result<CommittedBundle> ArchiveWriter::commit() {
  State& state = *m_state;
  if (archive_write_close(state.writer) != ARCHIVE_OK) {
    return fail_errno(state.write_errno, "cannot finish ", where(state), ": ",
                      archive_error_string(state.writer));
  }
  archive_write_free(state.writer);
  state.writer = nullptr;
  CommittedBundle bundle{state.to_stdout ? "-" : state.final_path, state.written,
                         state.hash.hex_digest(), ""};
  if (state.to_stdout) {
    state.finished = true;
    return bundle;
  }
  if (fsync(state.fd) != 0 || close(state.fd) != 0) {
    state.fd = -1;
    return fail_errno(errno, "cannot finish ", state.partial_path, ": ", errno_text(errno));
  }
  state.fd = -1;
  if (std::rename(state.partial_path.c_str(), state.final_path.c_str()) != 0) {
    return fail_errno(errno, "cannot rename ", state.partial_path, ": ", errno_text(errno));
  }
  state.finished = true;
  fsync_directory(state.final_path);
  bundle.sha256_path = state.final_path + ".sha256";
  const std::string line =
      bundle.sha256 + "  " + std::filesystem::path(state.final_path).filename().string() + "\n";
  if (auto ok = write_text_file(bundle.sha256_path, line); !ok) return std::unexpected(ok.error());
  return bundle;
}

void ArchiveWriter::abort() {
  State& state = *m_state;
  if (state.writer) {
    // Closing (rather than archive_write_fail) frees the compressor's state;
    // with `discard` set, the end-of-archive it would write goes nowhere, so
    // a stream on stdout stays visibly cut short.
    state.discard = true;
    archive_write_close(state.writer);
    archive_write_free(state.writer);
    state.writer = nullptr;
  }
  if (!state.to_stdout) {
    if (state.fd >= 0) close(state.fd);
    if (!state.finished && !state.partial_path.empty()) unlink(state.partial_path.c_str());
  }
  state.fd = -1;
  state.finished = true;
}

}  // namespace vmsupport
