// The ordered parallel executor (see executor.h): workers take tasks in plan
// order while the window (a count) and the memory budget (expected bytes of
// collected, unwritten items) allow, and encode (compress) each member once it
// is scrubbed; the writer takes encoded members in plan order and appends them.
#include "pipeline/executor.h"

#include <spdlog/spdlog.h>

#include "host/interrupt.h"
#include "util/memory_use.h"
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace vmsupport {
namespace {

// Bytes a task is expected to hold in memory until it is written: a large
// file is streamed through chunk buffers.
std::uint64_t expected_bytes(const Task& task) {
  if (const auto* file = std::get_if<FileTask>(&task.work)) {
    const std::uint64_t size = std::min(file->size, file->max_bytes);
    return file->size == 0 ? 64 << 10 : size > k_in_memory_limit ? 4 * k_chunk_size : size;
  }
  if (const auto* command = command_task(task)) {
    return std::min<std::uint64_t>(command->max_bytes, 1 << 20);
  }
  return 0;
}

// The run's one memory decision, made when collecting starts from what is
// held already (the pseudonym map, the compiled names, the plan):
// - items collected but not yet written may hold at most 24 MiB (plus the
//   one item the writer waits for, whatever its size), less when the run
//   already holds much (a map of tens of thousands of entries, thousands of
//   compiled names), so that the whole stays near k_memory_target; never less
//   than k_least_budget. The target leaves room for what is held beside the
//   items: the scrubber's chunk buffers of a streamed body (about 6 MiB), each
//   thread's compressor and read buffer (2 MiB);
// - the scrubber analyses two chunks of a large body ahead of the one it
//   applies (1 MiB and a plan each), or one when more than k_roomy is held.
constexpr std::uint64_t k_memory_budget = 24ull << 20;
constexpr std::uint64_t k_memory_target = 44ull << 20;
constexpr std::uint64_t k_least_budget = 8ull << 20;
constexpr std::uint64_t k_roomy = 32ull << 20;

std::uint64_t fit_memory(Scrubber& scrubber) {
  const std::uint64_t resident = resident_bytes();
  const std::uint64_t room = resident < k_memory_target ? k_memory_target - resident : 0;
  const std::uint64_t budget = std::clamp(room, k_least_budget, k_memory_budget);
  const std::size_t ahead = resident > k_roomy ? 1 : 2;
  scrubber.set_chunks_ahead(ahead);
  spdlog::info("memory: {} held before collecting, {} for items in flight, {} chunk(s) analysed ahead",
               format_size(resident), format_size(budget), ahead);
  return budget;
}

// A scrubbed item waiting for the writer: its record (size and checksum
// filled in when written) and its member encoded (none when the item has no
// member). The scrubbed content itself is not kept: the encoding holds it.
struct Done {
  ItemRecord record;
  std::optional<Result<EncodedMember>> encoded;
  std::uint64_t held = 0;  // bytes counted against the budget until written
};

class OrderedRun {
 public:
  OrderedRun(const Plan& plan, const ExecutorSettings& settings, CollectContext& context,
             Scrubber& scrubber, const EncodeSettings& encode)
      : m_plan(plan), m_settings(settings), m_context(context), m_scrubber(scrubber), m_encode(encode),
        m_window(std::max<std::size_t>(4, std::size_t{settings.jobs} * 4 * k_batch_tasks)), m_slots(m_window) {}

  // Collects and prepares items in parallel; applies the scrubber in plan
  // order (pseudonyms are numbered the same way every run), off the writer;
  // then, in parallel again, encodes (compresses) the member. A worker takes
  // a run of consecutive small tasks at once (up to k_batch_tasks, and
  // k_batch_bytes expected), so that the turns of the lock and the hand-offs
  // between threads are made per run, not per small file; each change wakes
  // only the threads it concerns.
  void worker() {
    std::vector<Claimed> batch;
    while (true) {
      batch.clear();
      {
        std::unique_lock lock(m_mutex);
        m_room.wait(lock, [&] { return m_stop || m_next >= m_plan.tasks.size() || may_start(m_next); });
        if (m_stop || m_next >= m_plan.tasks.size()) return;
        claim(batch);
      }
      for (Claimed& claimed : batch) {
        claimed.item = run_one(m_plan.tasks[claimed.index]);
        claimed.prepared = m_scrubber.prepare(claimed.item);  // in parallel
      }
      const std::size_t first = batch.front().index;
      {
        // What the items really hold (a decompressed log is larger than planned).
        std::unique_lock lock(m_mutex);
        for (Claimed& claimed : batch) {
          const std::uint64_t prepared = claimed.prepared ? claimed.prepared->held_bytes() : 0;
          claimed.held = recount(claimed.held, claimed.item.content.size() * 2 + prepared);
        }
        m_turn.wait(lock, [&] { return m_stop || m_applied == first; });
        if (m_stop) return;
      }
      std::vector<ScrubbedItem> members;
      members.reserve(batch.size());
      for (Claimed& claimed : batch) {
        members.push_back(m_scrubber.scrub_prepared(std::move(claimed.item), std::move(claimed.prepared)));
      }
      pass_turn(batch.back().index);  // the next run's in-order step need not wait for this one's compression
      std::vector<Done> done;
      done.reserve(batch.size());
      for (std::size_t i = 0; i < batch.size(); ++i) {
        std::optional<Result<EncodedMember>> encoded;
        if (!members[i].item().archive_path.empty()) encoded = encode_member(members[i], m_encode);
        done.push_back(Done{record_of(members[i], {}), std::move(encoded), 0});
      }
      std::lock_guard lock(m_mutex);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto& encoded = done[i].encoded;
        done[i].held = recount(batch[i].held, encoded && *encoded ? (*encoded)->held_bytes() : 0);
        slot(batch[i].index).emplace(std::move(done[i]));
      }
      if (m_written >= first && m_written <= batch.back().index) m_done.notify_one();  // the writer waits for one
    }
  }

  // Blocks until task `index` is scrubbed, then takes it.
  Done take(std::size_t index) {
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [&] { return slot(index).has_value(); });
    Done done = std::move(*slot(index));
    slot(index).reset();
    m_written = index + 1;
    m_in_flight -= std::min(m_in_flight, done.held);
    m_room.notify_all();
    return done;
  }

  // The archive has no room left for any member (--max-size): tasks not yet
  // started are not run.
  void set_full() { m_full.store(true); }

  void stop() {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    m_room.notify_all();
    m_turn.notify_all();
    m_done.notify_all();
  }

 private:
  // Tasks in flight lie in [m_written, m_written + m_window): their slots
  // are a ring, not one per task (100,000 empty slots were 50 MiB).
  std::optional<Done>& slot(std::size_t index) { return m_slots[index % m_window]; }

  struct Claimed {
    std::size_t index = 0;
    std::uint64_t held = 0;  // counted against the budget
    CollectedItem item;
    std::unique_ptr<PreparedScrub> prepared;
  };
  // Small tasks: a run of them goes to one worker.
  static constexpr std::size_t k_batch_tasks = 32;
  static constexpr std::uint64_t k_batch_bytes = 256 << 10;
  static constexpr std::uint64_t k_small_task = 64 << 10;

  // Takes the next task, and the small ones after a small one; m_mutex held,
  // may_start(m_next) true.
  void claim(std::vector<Claimed>& batch) {
    std::uint64_t bytes = 0;
    do {
      const std::uint64_t expected = expected_bytes(m_plan.tasks[m_next]);
      batch.push_back(Claimed{m_next++, expected, {}, nullptr});
      m_in_flight += expected;
      bytes += expected;
      if (expected > k_small_task) break;
    } while (batch.size() < k_batch_tasks && m_next < m_plan.tasks.size() && may_start(m_next) &&
             expected_bytes(m_plan.tasks[m_next]) <= k_small_task && bytes <= k_batch_bytes);
  }

  // The next task to write always starts; others within the window and the budget.
  bool may_start(std::size_t index) const {
    if (index == m_written) return true;
    return index < m_written + m_window &&
           m_in_flight + expected_bytes(m_plan.tasks[index]) <= m_budget;
  }

  // Lets the item after `index` take its in-order scrubbing step.
  void pass_turn(std::size_t index) {
    std::lock_guard lock(m_mutex);
    m_applied = index + 1;
    m_turn.notify_all();
  }

  // Replaces what an item was counted for with what it holds now; m_mutex held.
  std::uint64_t recount(std::uint64_t was, std::uint64_t now) {
    m_in_flight = m_in_flight - std::min(m_in_flight, was) + now;
    if (now < was) m_room.notify_all();
    return now;
  }

  CollectedItem run_one(const Task& task) {
    const bool gathers = !std::holds_alternative<SkipTask>(task.work) &&
                         !std::holds_alternative<LinkTask>(task.work);
    const bool cancelled = m_settings.cancel && m_settings.cancel->load();
    if (gathers && (cancelled || m_full.load() || std::chrono::steady_clock::now() >= m_settings.deadline)) {
      CollectedItem item;
      item.collector = task.collector;
      item.source = task.source;
      item.status = cancelled || m_full.load() ? Status::skipped : Status::timed_out;
      item.reason = cancelled      ? "not run: " + interrupt::reason()
                    : m_full.load() ? "not run: " + m_settings.max_size_text + " reached"
                                    : "not run: the run's deadline (" + m_settings.deadline_text + ") was reached";
      return item;
    }
    CollectedItem item = collect_task(task, m_context);
    if (is_failure(item.status)) spdlog::warn("{}: {}", item.source, item.reason);
    spdlog::debug("{} {} [{} B, {} ms]{}{}", status_name(item.status), item.source, item.content_size(),
                  item.duration.count(), item.reason.empty() ? "" : ": ", item.reason);
    return item;
  }

  const Plan& m_plan;
  const ExecutorSettings& m_settings;
  CollectContext& m_context;
  Scrubber& m_scrubber;
  const EncodeSettings& m_encode;
  std::size_t m_window;
  std::vector<std::optional<Done>> m_slots;
  std::uint64_t m_budget = fit_memory(m_scrubber);
  std::mutex m_mutex;
  std::condition_variable m_room;  // a task may start: workers wait
  std::condition_variable m_turn;  // an item's in-order step may run: workers wait
  std::condition_variable m_done;  // the item to write is ready: the writer waits
  std::size_t m_next = 0;
  std::size_t m_written = 0;
  std::size_t m_applied = 0;
  std::uint64_t m_in_flight = 0;
  bool m_stop = false;
  std::atomic<bool> m_full{false};
};

// True when `member` would take the archive past --max-size (less the
// reserve). Near the cap the running compressed member is ended first, so
// that the decision uses the exact size written (and small members far from
// the cap still share one compressed member). Fails on a write error.
Result<bool> over_cap(const ExecutorSettings& settings, ArchiveWriter& writer, const EncodedMember& member) {
  if (settings.max_size == 0) return false;
  const std::uint64_t room = settings.max_size > settings.reserve ? settings.max_size - settings.reserve : 0;
  if (writer.size_bound() + member.encoded_bytes() <= room) return false;
  if (auto ok = writer.settle(); !ok) return std::unexpected(ok.error());
  return writer.size_bound() + member.encoded_bytes() > room;
}

// Left out for the cap: no member, the reason says which option.
void leave_out(ItemRecord& record, const ExecutorSettings& settings) {
  record.status = Status::skipped;
  record.reason = settings.max_size_text + " reached";
  record.path.clear();
  record.link_target.clear();
}

// No member fits any more: less room than one tar header and a little data
// (checked on the exact size, as over_cap does). A write error counts as full:
// the next append reports it.
bool no_room(const ExecutorSettings& settings, ArchiveWriter& writer) {
  const auto full = [&] { return writer.size_bound() + settings.reserve + 1024 >= settings.max_size; };
  if (settings.max_size == 0 || !full()) return false;
  return !writer.settle() || full();
}

}  // namespace

ItemRecord record_of(const ScrubbedItem& member, const MemberDigest& digest) {
  const CollectedItem& item = member.item();
  ItemRecord record;
  record.collector = item.collector;
  record.source = item.source;
  record.path = item.archive_path;
  record.link_target = item.link_target;
  record.status = item.status;
  record.reason = item.reason;
  record.original_size = item.original_size;
  record.truncated = item.truncated;
  record.scrubbed = member.scrubbed();
  record.mtime = item.mtime;
  record.duration = item.duration;
  record.exit_code = item.exit_code;
  record.mode = item.mode;
  record.permission_denied = item.permission_denied;
  record.replaced = member.counts();
  set_digest(record, digest);
  return record;
}

void set_digest(ItemRecord& record, const MemberDigest& digest) {
  record.size = digest.size;
  record.sha256 = digest.sha256;
  if (digest.padded > 0) {
    record.reason += std::string(record.reason.empty() ? "" : "; ") + "the last " + format_size(digest.padded) +
                     " could not be read (the file shrank or a read failed): written as NUL bytes";
  }
}

namespace {

Result<ItemRecord> add_document_item(Scrubber& scrubber, ArchiveWriter& writer, CollectedItem item, bool rendered) {
  item.source = "vmsupport";
  item.mtime = Clock::now();
  ScrubbedItem member = rendered ? scrubber.rendered(std::move(item)) : scrubber.scrub(std::move(item));
  auto digest = writer.add(member);
  if (!digest) return std::unexpected(digest.error());
  ItemRecord document = record_of(member, *digest);
  document.collector = SIZE_MAX;  // not a manifest collector
  return document;
}

CollectedItem document_item(const std::string& path, std::string content) {
  CollectedItem item;
  item.archive_path = path;
  item.original_size = content.size();
  item.content = std::move(content);
  return item;
}

CollectedItem document_item(const std::string& path, Body content) {
  CollectedItem item;
  item.archive_path = path;
  item.original_size = content.size();
  if (content.in_memory()) item.content = content.take_memory();
  else item.body = content.range();
  return item;
}

}  // namespace

Result<ItemRecord> add_document(Scrubber& scrubber, ArchiveWriter& writer, const std::string& path,
                                std::string content) {
  return add_document_item(scrubber, writer, document_item(path, std::move(content)), false);
}

Result<ItemRecord> add_document(Scrubber& scrubber, ArchiveWriter& writer, const std::string& path, Body content) {
  return add_document_item(scrubber, writer, document_item(path, std::move(content)), false);
}

Result<ItemRecord> add_rendered_document(Scrubber& scrubber, ArchiveWriter& writer, const std::string& path,
                                         std::string content) {
  return add_document_item(scrubber, writer, document_item(path, std::move(content)), true);
}

Result<ItemRecord> add_rendered_document(Scrubber& scrubber, ArchiveWriter& writer, const std::string& path,
                                         Body content) {
  return add_document_item(scrubber, writer, document_item(path, std::move(content)), true);
}

Result<void> execute_plan(const Plan& plan, const ExecutorSettings& settings, FileSystem& fs,
                          ProcessRunner& runner, Scrubber& scrubber, ArchiveWriter& writer,
                          ItemLog& items) {
  CollectContext context{fs, runner, settings.deadline, settings.cancel};
  OrderedRun run(plan, settings, context, scrubber, writer.encode_settings());
  std::vector<std::jthread> workers;
  for (unsigned i = 0; i < std::max(1u, settings.jobs); ++i) {
    workers.emplace_back([&run] { run.worker(); });
  }
  Result<void> outcome;
  Progress progress{"collect", {}, 0, plan.tasks.size(), 0, plan.estimated_bytes};
  for (std::size_t i = 0; i < plan.tasks.size(); ++i) {
    if (settings.on_progress) {
      progress.current = plan.collectors[plan.tasks[i].collector].id;
      progress.done = i;
      settings.on_progress(progress);
    }
    Done done = run.take(i);
    auto over = done.encoded && *done.encoded ? over_cap(settings, writer, **done.encoded) : Result<bool>(false);
    if (!over) {
      outcome = std::unexpected(over.error());
      break;
    }
    if (*over) {
      spdlog::info("{}: left out, {} reached", done.record.source, settings.max_size_text);
      leave_out(done.record, settings);
      done.encoded.reset();
      if (no_room(settings, writer)) run.set_full();
    }
    if (done.encoded) {
      auto added = *done.encoded ? writer.append(**done.encoded) : std::unexpected(done.encoded->error());
      if (!added) {
        outcome = std::unexpected(added.error());
        break;
      }
      set_digest(done.record, *added);
      progress.bytes += done.record.size;
      if (no_room(settings, writer)) run.set_full();
    }
    items.push_back(std::move(done.record));
  }
  run.stop();
  return outcome;
}

}  // namespace vmsupport
