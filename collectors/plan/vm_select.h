// One-VM bundles (`--vm NAME`): the VMs a manifest's `vm.find` sources name
// on a root, and the choice of one of them by display name, directory name
// (case-insensitive) or .vmx path.
#pragma once

#include <string>
#include <vector>

#include "host/filesystem.h"
#include "manifest/spec.h"
#include "util/result.h"

namespace vmsupport {

struct VmEntry {
  std::string display_name;  // displayName of the .vmx ("" when it has none)
  std::string directory;     // the VM's directory inside the root (resolved)
  std::string vmx;           // the .vmx file inside the root (resolved)
};

// Every VM the sources name on `fs`, in .vmx path order, each once (by its
// resolved .vmx). Unreadable sources are passed over.
std::vector<VmEntry> find_vms(const VmSpec& spec, FileSystem& fs);

// The one VM `name` designates: a path to a .vmx (as seen inside the root, or
// under `root` on this machine) - one of `vms`, or any existing .vmx file of
// the root, listed nowhere - else a display name or directory name of one of
// `vms`, ASCII case-insensitively. Fails when none or several match; the
// error's hint lists the VMs found.
Result<VmEntry> select_vm(const std::vector<VmEntry>& vms, const std::string& name, FileSystem& fs);

// "NAME (directory DIR)" lines of the VMs, for messages.
std::string describe_vms(const std::vector<VmEntry>& vms);

// `dir` with its wildcard characters escaped, to be used as a glob prefix.
std::string escape_glob(const std::string& dir);

}  // namespace vmsupport
