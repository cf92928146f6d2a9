// gzip decompression through libarchive's raw format (see gunzip.h).
#include "scrub/gunzip.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <vector>

namespace vmsupport {
namespace {

struct Input {
  std::function<Result<std::string_view>()> next;
  std::string error;
};

la_ssize_t read_callback(archive*, void* context, const void** buffer) {
  auto* input = static_cast<Input*>(context);
  auto chunk = input->next();
  if (!chunk) {
    input->error = chunk.error().message;
    return -1;
  }
  *buffer = chunk->data();
  return static_cast<la_ssize_t>(chunk->size());
}

// Decompresses once, passing every output chunk (with its offset) to `sink`.
Result<std::uint64_t> decompress(const GzipSource& source,
                                 const std::function<Result<void>(std::uint64_t, std::string_view)>& sink) {
  Input input{source(), {}};
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_raw(a.get());
  archive_entry* entry = nullptr;
  if (archive_read_open(a.get(), &input, nullptr, read_callback, nullptr) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) {
    const char* why = archive_error_string(a.get());
    return fail("not a readable gzip stream: ", input.error.empty() ? (why ? why : "?") : input.error);
  }
  std::vector<char> buffer(1 << 16);
  std::uint64_t total = 0;
  la_ssize_t n = 0;
  while ((n = archive_read_data(a.get(), buffer.data(), buffer.size())) > 0) {
    if (auto ok = sink(total, std::string_view(buffer.data(), static_cast<std::size_t>(n))); !ok) {
      return std::unexpected(ok.error());
    }
    total += static_cast<std::uint64_t>(n);
  }
  if (n < 0) {
    const char* why = archive_error_string(a.get());
    return fail("corrupt gzip data: ", input.error.empty() ? (why ? why : "?") : input.error);
  }
  return total;
}

}  // namespace

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

GzipSource gzip_source(std::string_view bytes) {
  return [bytes] {
    return [bytes, done = false]() mutable -> Result<std::string_view> {
      if (done) return std::string_view();
      done = true;
      return bytes;
    };
  };
}

GzipSource gzip_source(const FileRange& range) {
  return [range] {
    auto buffer = std::make_shared<std::vector<char>>(k_chunk_size);
    return [range, buffer, at = std::uint64_t{0}]() mutable -> Result<std::string_view> {
      auto n = read_at(range, at, buffer->data(), buffer->size());
      if (!n) return std::unexpected(n.error());
      at += *n;
      return std::string_view(buffer->data(), *n);
    };
  };
}

Result<Decompressed> gunzip(const GzipSource& source, std::uint64_t max_bytes, Body& out) {
  // First pass: keep up to twice the limit, count the rest.
  const std::uint64_t keep = 2 * max_bytes;
  auto total = decompress(source, [&](std::uint64_t, std::string_view chunk) -> Result<void> {
    if (out.size() >= keep) return {};
    return out.append(chunk.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), keep - out.size()))));
  });
  if (!total) return std::unexpected(total.error());
  Decompressed result{*total, *total > max_bytes};
  if (!result.truncated) return result;
  if (*total <= keep) {
    out.drop_front(*total - max_bytes);
    return result;
  }
  // Second pass: only the newest max_bytes.
  out = Body(out.directory(), out.limit());
  const std::uint64_t skip = *total - max_bytes;
  auto again = decompress(source, [&](std::uint64_t at, std::string_view chunk) -> Result<void> {
    if (at + chunk.size() <= skip) return {};
    const std::size_t from = at >= skip ? 0 : static_cast<std::size_t>(skip - at);
    return out.append(chunk.substr(from));
  });
  if (!again) return std::unexpected(again.error());
  return result;
}

}  // namespace vmsupport
