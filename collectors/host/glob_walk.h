// Expanding a manifest glob on a FileSystem, one component at a time (only
// the directories a wildcard needs are listed). Used by the files kind and by
// the inventory.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "host/filesystem.h"

namespace vmsupport {

// Paths inside the root matching `glob`, sorted within each directory. A
// directory that cannot be listed for another reason than not existing is
// reported to `on_error` (its path and the error) and skipped.
std::vector<std::string> expand_glob(
    FileSystem& fs, const std::string& glob,
    const std::function<void(const std::string&, const Error&)>& on_error = {});

}  // namespace vmsupport
