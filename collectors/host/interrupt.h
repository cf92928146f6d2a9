// What a second Ctrl-C must undo, kept where a signal handler can reach it
// without locks or allocation: the process groups of running commands and
// the partial files of the bundle being written. The first SIGINT/SIGTERM
// only records the signal (the run then finishes a partial bundle); a second
// one calls stop_at_once(), which kills every registered group, removes every
// registered partial file and _exit()s, using only async-signal-safe calls.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace vmsupport::interrupt {

// Records the first signal (SIGINT, SIGTERM); async-signal-safe.
void note_signal(int signal_number) noexcept;
// The signal recorded by note_signal, 0 when none.
int signal_seen() noexcept;
// "interrupted by SIGINT" (SIGTERM...), or "interrupted" when no signal was
// recorded (a cancel flag set by other means).
std::string reason();

// A running command's process group (its leader's pid). Registration fails
// silently when the table is full (then only the run's own kill sequence
// reaches the group).
void add_group(pid_t group) noexcept;
void remove_group(pid_t group) noexcept;

// A bundle being written at `final_path`: its NAME.partial, or with parts > 0
// NAME.part-001.partial ... up to `parts`. Returns a handle (or -1 when the
// table is full or the path too long) for the calls below.
int add_bundle(const std::string& final_path) noexcept;
// The split bundle now has `parts` parts.
void set_parts(int handle, std::size_t parts) noexcept;
// The parts are renamed to names of `width` digits (part_width(): past 999 parts).
void set_part_width(int handle, std::size_t width) noexcept;
// The bundle is being renamed into place: from now on stop_at_once removes
// NAME (and NAME.sha256, parts) too, as the run never said it was written.
void set_committing(int handle) noexcept;
// The bundle is finished (committed or removed): stop_at_once leaves it alone.
void remove_bundle(int handle) noexcept;

// Kills every registered group (SIGKILL), removes the registered bundles'
// files, writes `message` to standard error and _exit()s with `exit_code`.
// Async-signal-safe.
[[noreturn]] void stop_at_once(const char* message, int exit_code) noexcept;

}  // namespace vmsupport::interrupt
