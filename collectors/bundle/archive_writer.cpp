// ArchiveWriter: appends encoded members to a buffered, hashing file
// descriptor; runs of small members go through one running compressor;
// atomic commit by rename (see archive_writer.h).
#include "bundle/archive_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "bundle/sha256_file.h"
#include "bundle/tar_header.h"
#include "host/interrupt.h"
#include "util/sha256.h"

namespace vmsupport {
namespace {

// Output is written in pieces of at least this size (but for the last).
constexpr std::size_t k_output_buffer = 128 << 10;

}  // namespace

struct ArchiveWriter::State {
  int fd = -1;
  bool to_stdout = false;
  bool finished = false;
  std::string final_path;
  std::string partial_path;
  std::uint64_t split_bytes = 0;  // 0: one file
  int interrupt_handle = -1;      // the partial files a second Ctrl-C removes (host/interrupt.h)
  struct Part {
    std::string final_path;
    std::string partial_path;
    std::uint64_t size = 0;
    std::unique_ptr<Sha256> hash = std::make_unique<Sha256>();  // Sha256 does not move
  };
  std::vector<Part> parts;  // split: the parts so far; the last one is open on fd
  EncodeSettings settings;
  std::optional<Compressor> running;  // small members, compressed together here
  Sha256 hash;
  std::uint64_t written = 0;    // bytes of the archive (compressed)
  std::uint64_t tar_bytes = 0;  // bytes of tar given to plain()
  std::uint64_t run_bytes = 0;  // tar bytes in the running member (frame) not yet ended
  std::string buffer;
  const ByteSink to_output = [this](std::string_view bytes) { return output(bytes); };
  const ByteSink to_plain = [this](std::string_view bytes) { return plain(bytes); };

  std::string where() const {
    if (to_stdout) return "standard output";
    return parts.empty() ? partial_path : parts.back().partial_path;
  }

  // Closes the current part (fsynced) and creates the next one.
  Result<void> next_part() {
    if (fd >= 0) {
      if (fsync(fd) != 0 || close(fd) != 0) {
        fd = -1;
        return fail_errno(errno, "cannot finish ", where(), ": ", errno_text(errno));
      }
      fd = -1;
    }
    Part part;
    interrupt::set_parts(interrupt_handle, parts.size() + 1);  // before the file exists
    part.final_path = part_path(final_path, parts.size() + 1);
    part.partial_path = part.final_path + ".partial";
    fd = ::open(part.partial_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return fail_errno(errno, "cannot create ", part.partial_path, ": ", errno_text(errno));
    parts.push_back(std::move(part));
    return {};
  }

  // The usual ends of a write on a sick host, said plainly.
  std::unexpected<Error> write_failure(int code) const {
    switch (code) {
      case ENOSPC:
      case EDQUOT:
        return fail_errno(code, "disk full writing ", where(), " (", errno_text(code), ")");
      case EFBIG:
        return fail_errno(code, "file size limit reached writing ", where(),
                          " (ulimit -f, or the file system's largest file): ", errno_text(code));
      case EPIPE:
        if (to_stdout) return fail_errno(code, "the reader of standard output went away (", errno_text(code), ")");
        break;
    }
    return fail_errno(code, "cannot write ", where(), ": ", errno_text(code));
  }

  Result<void> write_all(std::string_view bytes) {
    for (std::string_view left = bytes; !left.empty();) {
      const ssize_t n = write(fd, left.data(), left.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return write_failure(errno);
      left.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  // Writes and hashes `bytes`, rotating into a new part when split; fails
  // naming the file and the errno text.
  Result<void> write_fd(std::string_view bytes) {
    for (std::string_view left = bytes; !left.empty();) {
      std::string_view piece = left;
      if (split_bytes != 0) {
        if (parts.empty() || parts.back().size == split_bytes) {
          if (auto ok = next_part(); !ok) return ok;
        }
        piece = left.substr(0, static_cast<std::size_t>(split_bytes - parts.back().size));
      }
      if (auto ok = write_all(piece); !ok) return ok;
      if (split_bytes != 0) {
        parts.back().size += piece.size();
        parts.back().hash->update(piece);
      }
      left.remove_prefix(piece.size());
    }
    hash.update(bytes);
    written += bytes.size();
    return {};
  }

  Result<void> flush() {
    auto ok = write_fd(buffer);
    buffer.clear();
    return ok;
  }

  // Archive bytes, in order, through the buffer (large pieces go straight out).
  Result<void> output(std::string_view bytes) {
    if (buffer.size() + bytes.size() <= k_output_buffer) {
      buffer.append(bytes);
      return {};
    }
    if (auto ok = flush(); !ok) return ok;
    if (bytes.size() >= k_output_buffer) return write_fd(bytes);
    buffer.append(bytes);
    return {};
  }

  // Tar bytes: compressed in the running member (frame), or output as they are.
  Result<void> plain(std::string_view bytes) {
    tar_bytes += bytes.size();
    if (running) run_bytes += bytes.size();
    return running ? running->write(bytes, to_output) : output(bytes);
  }

  // Ends the running member (frame), before a member compressed elsewhere and at the end.
  Result<void> end_run() {
    run_bytes = 0;
    if (!running || !running->pending()) return {};
    return running->finish(to_output);
  }
};

namespace {

void fsync_directory(const std::string& file) {
  const std::string dir = std::filesystem::path(file).parent_path().string();
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

}  // namespace

std::string part_path(const std::string& bundle_path, std::size_t number, std::size_t width) {
  std::string digits = std::to_string(number);
  width = std::max<std::size_t>(width, 3);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return bundle_path + ".part-" + digits;
}

std::size_t part_width(std::size_t count) { return std::max<std::size_t>(3, std::to_string(count).size()); }

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
                                                           const std::string& top_dir,
                                                           std::uint64_t split_bytes) {
  auto state = std::make_unique<State>();
  if (split_bytes != 0 && path == "-") return fail("standard output cannot be split into parts");
  state->split_bytes = split_bytes;
  state->settings = EncodeSettings{compression, top_dir, spool_directory_beside(path)};
  state->to_stdout = path == "-";
  if (compression != Compression::none) {
    auto compressor = Compressor::create(compression);
    if (!compressor) return fail("cannot start the archive: ", compressor.error().message);
    state->running = std::move(*compressor);
  }
  if (state->to_stdout) {
    state->fd = STDOUT_FILENO;
  } else if (split_bytes != 0) {
    state->final_path = path;  // parts are created as bytes come
    state->interrupt_handle = interrupt::add_bundle(path);
  } else {
    state->final_path = path;
    state->partial_path = path + ".partial";
    state->interrupt_handle = interrupt::add_bundle(path);  // before the file exists
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
  return std::unique_ptr<ArchiveWriter>(new ArchiveWriter(std::move(state)));
}

const EncodeSettings& ArchiveWriter::encode_settings() const { return m_state->settings; }

// Compressed output of the running member is at most its input plus a little
// (deflate's and zstd's stored blocks), so counting its tar bytes is an upper bound.
std::uint64_t ArchiveWriter::size_bound() const {
  const State& state = *m_state;
  return state.written + state.buffer.size() + (state.run_bytes == 0 ? 0 : state.run_bytes + state.run_bytes / 64 + 1024);
}

Result<void> ArchiveWriter::settle() { return m_state->end_run(); }

Result<MemberDigest> ArchiveWriter::add(const ScrubbedItem& member) {
  auto encoded = encode_member(member, m_state->settings);
  if (!encoded) return std::unexpected(encoded.error());
  return append(*encoded);
}

Result<MemberDigest> ArchiveWriter::append(const EncodedMember& member) {
  State& state = *m_state;
  if (!member.compressed()) return member.emit(state.to_plain);
  if (auto ok = state.end_run(); !ok) return std::unexpected(ok.error());
  return member.emit(state.to_output);
}

// The end-of-archive blocks; an uncompressed archive is padded to a whole
// record, as libarchive does; a compressed one is not (zstd refuses trailing
// bytes).
Result<void> ArchiveWriter::finish_archive() {
  State& state = *m_state;
  std::uint64_t zeros = k_tar_end_size;
  if (!state.running) zeros += (k_tar_record - (state.tar_bytes + zeros) % k_tar_record) % k_tar_record;
  if (auto ok = state.plain(std::string(static_cast<std::size_t>(zeros), '\0')); !ok) return ok;
  if (auto ok = state.end_run(); !ok) return ok;
  return state.flush();
}

Result<CommittedBundle> ArchiveWriter::commit() {
  State& state = *m_state;
  if (auto ok = finish_archive(); !ok) return std::unexpected(ok.error());
  CommittedBundle bundle{state.to_stdout ? "-" : state.final_path, state.written,
                         state.hash.hex_digest(), "", {}};
  if (state.to_stdout) {
    state.finished = true;
    return bundle;
  }
  if (fsync(state.fd) != 0 || close(state.fd) != 0) {
    const std::string where = state.where();
    state.fd = -1;
    return fail_errno(errno, "cannot finish ", where, ": ", errno_text(errno));
  }
  state.fd = -1;
  interrupt::set_committing(state.interrupt_handle);
  if (!state.parts.empty()) return commit_parts(bundle);
  if (std::rename(state.partial_path.c_str(), state.final_path.c_str()) != 0) {
    return fail_errno(errno, "cannot rename ", state.partial_path, ": ", errno_text(errno));
  }
  state.finished = true;
  fsync_directory(state.final_path);
  bundle.sha256_path = state.final_path + ".sha256";
  const std::string line = sha256_line(bundle.sha256, std::filesystem::path(state.final_path).filename().string());
  if (auto ok = write_file_atomically(bundle.sha256_path, line); !ok) return std::unexpected(ok.error());
  interrupt::remove_bundle(state.interrupt_handle);
  state.interrupt_handle = -1;
  return bundle;
}

// Every part is complete (fsynced) before the first is renamed: no part
// looks complete until all are.
Result<CommittedBundle> ArchiveWriter::commit_parts(CommittedBundle bundle) {
  State& state = *m_state;
  const auto file_name = [](const std::string& path) { return std::filesystem::path(path).filename().string(); };
  std::string lines = sha256_line(bundle.sha256, file_name(state.final_path));
  // Past 999 parts every name gets the same number of digits (part-0001 ...).
  const std::size_t width = part_width(state.parts.size());
  interrupt::set_part_width(state.interrupt_handle, width);
  for (std::size_t n = 0; n < state.parts.size(); ++n) {
    State::Part& part = state.parts[n];
    part.final_path = part_path(state.final_path, n + 1, width);
    if (std::rename(part.partial_path.c_str(), part.final_path.c_str()) != 0) {
      return fail_errno(errno, "cannot rename ", part.partial_path, ": ", errno_text(errno));
    }
    BundlePart done{part.final_path, part.size, part.hash->hex_digest()};
    lines += sha256_line(done.sha256, file_name(done.path));
    bundle.parts.push_back(std::move(done));
  }
  state.finished = true;
  fsync_directory(state.final_path);
  bundle.sha256_path = state.final_path + ".sha256";
  if (auto ok = write_file_atomically(bundle.sha256_path, lines); !ok) return std::unexpected(ok.error());
  interrupt::remove_bundle(state.interrupt_handle);
  state.interrupt_handle = -1;
  return bundle;
}

// What is still buffered or in the running compressor is dropped: a stream
// on stdout stays visibly cut short (no end-of-archive).
void ArchiveWriter::abort() {
  State& state = *m_state;
  state.running.reset();
  state.buffer.clear();
  if (!state.to_stdout) {
    if (state.fd >= 0) close(state.fd);
    if (!state.finished && !state.partial_path.empty()) unlink(state.partial_path.c_str());
    if (!state.finished) {
      for (const State::Part& part : state.parts) unlink(part.partial_path.c_str());
    }
  }
  state.fd = -1;
  state.finished = true;
  interrupt::remove_bundle(state.interrupt_handle);
  state.interrupt_handle = -1;
}

}  // namespace vmsupport
