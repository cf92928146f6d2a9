// The files that make up a bundle on disk, as `upload` sends them: NAME itself,
// or its parts NAME.part-001, NAME.part-002 ... (written by `collect --split`),
// and the NAME.sha256 beside it. An encrypted bundle (NAME.gpg) is recognised
// by its name.
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace vmsupport {

struct BundleFiles {
  std::string path;                 // the whole bundle's path, NAME (it may not exist when in parts)
  std::vector<std::string> parts;   // NAME alone, or its parts in order
  bool split = false;               // parts are NAME.part-NNN
  std::string sha256_path;          // NAME.sha256, "" when there is none
  bool encrypted = false;           // NAME ends in .gpg: an OpenPGP message, not a tar archive
};

// Finds the files of the bundle named `given`: NAME, or one of its parts
// (NAME.part-001). NAME itself wins when it exists and a part was not named;
// otherwise its parts are NAME.part-NNN (three or more digits) numbered from 1
// without a gap. Fails, naming what is missing, when there is neither, or a part is missing.
Result<BundleFiles> find_bundle_files(const std::string& given);

// NAME when `file_name` is NAME.part-NNN, else "".
std::string whole_name_of_part(const std::string& file_name);

}  // namespace vmsupport
