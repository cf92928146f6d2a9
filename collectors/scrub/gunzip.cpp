// gzip decompression through libarchive's raw format (see gunzip.h).
#include "scrub/gunzip.h"

#include <archive.h>
#include <archive_entry.h>

namespace vmsupport {

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Result<Decompressed> gunzip(std::string_view compressed, std::uint64_t max_bytes) {
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_raw(a);
  Decompressed out;
  archive_entry* entry = nullptr;
  if (archive_read_open_memory(a, compressed.data(), compressed.size()) != ARCHIVE_OK ||
      archive_read_next_header(a, &entry) != ARCHIVE_OK) {
    auto error = fail("not a readable gzip stream: ", archive_error_string(a) ? archive_error_string(a) : "?");
    archive_read_free(a);
    return error;
  }
  char buffer[1 << 16];
  la_ssize_t n = 0;
  while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) {
    out.total += static_cast<std::uint64_t>(n);
    out.bytes.append(buffer, static_cast<std::size_t>(n));
    if (out.bytes.size() > 2 * max_bytes) out.bytes.erase(0, out.bytes.size() - max_bytes);
  }
  const bool failed = n < 0;
  const std::string message = failed && archive_error_string(a) ? archive_error_string(a) : "";
  archive_read_free(a);
  if (failed) return fail("corrupt gzip data: ", message);
  if (out.bytes.size() > max_bytes) out.bytes.erase(0, out.bytes.size() - max_bytes);
  out.truncated = out.total > out.bytes.size();
  return out;
}

}  // namespace vmsupport
