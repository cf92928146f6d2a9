// The NAME.sha256 file beside a bundle, in sha256sum's format ("HASH  NAME" a
// line), and SHA-256 of files on disk: written by commit and encryption, read by
// verify and upload.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace vmsupport {

// Lowercase hex SHA-256 of the file at `path`; fails naming the file when it cannot be read.
Result<std::string> sha256_of_file(const std::string& path);
// SHA-256 of the files' concatenation (a bundle kept in parts), as sha256_of_file.
Result<std::string> sha256_of_files(const std::vector<std::string>& paths);

// The lines of a sha256sum file, in order.
struct Sha256Sums {
  std::vector<std::pair<std::string, std::string>> lines;  // file name (no leading '*'), lowercase hash
  // The hash listed for `file_name`, or nullptr.
  const std::string* find(const std::string& file_name) const;
};

// Reads a sha256sum file. Fails when it cannot be read or a line is not
// "HASH  NAME" (the message gives path:line).
Result<Sha256Sums> read_sha256_file(const std::string& path);

// Compares a bundle with the NAME.sha256 beside it (`path` is NAME): the line
// of NAME (or the first line, for a renamed bundle) against `whole_sha256`
// and, for a bundle in parts (`parts` other than {NAME}), each part's line
// against the part. Returns the problems found, each naming the file;
// nullopt when there is no NAME.sha256.
std::optional<std::vector<std::string>> compare_with_sha256_file(const std::string& path,
                                                                 const std::vector<std::string>& parts,
                                                                 const std::string& whole_sha256);

// One sha256sum line: "HASH  NAME\n".
std::string sha256_line(const std::string& hash, const std::string& file_name);

// Writes `text` to `path` through path.partial and a rename: a reader never
// sees a half-written file. Fails naming the file.
Result<void> write_file_atomically(const std::string& path, const std::string& text);

}  // namespace vmsupport
