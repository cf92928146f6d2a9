// The tar framing of one member, exactly what libarchive's pax_restricted
// writer makes (a pax extended header when a name is long or not ASCII, then
// the ustar header; a short ASCII name's single block is made without
// libarchive, which is slow to set up per member), without its data: the
// caller writes the data, then the padding to a whole block. Lets each member
// be encoded on its own thread.
#pragma once

#include <cstdint>
#include <string>

#include "kinds/item.h"
#include "util/result.h"

namespace vmsupport {

// Tar's block: headers, and each member's data padded to a multiple of it.
inline constexpr std::uint64_t k_tar_block = 512;
// The end of an archive: two zero blocks.
inline constexpr std::uint64_t k_tar_end_size = 2 * k_tar_block;
// An uncompressed archive is padded with zeros to a multiple of this (tar's record).
inline constexpr std::uint64_t k_tar_record = 10240;

// The header block(s) of `item` as the member `top_dir/archive_path`: owner
// root:root, mode 0644 (a symlink: 0777, size 0), mtime (now when unknown),
// size content_size(). Fails only when libarchive cannot build it.
Result<std::string> tar_header(const CollectedItem& item, const std::string& top_dir);

// Zero bytes that follow `size` bytes of data to end on a block boundary.
inline std::uint64_t tar_padding(std::uint64_t size) { return (k_tar_block - size % k_tar_block) % k_tar_block; }

}  // namespace vmsupport
