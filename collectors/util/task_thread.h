// TaskThread: one long-lived thread that runs the tasks given to it, in the
// order given, each answered through a future. For work handed off beside a
// thread that must keep an order (the next chunks of a body are analysed
// while this one is applied): a thread kept for the whole run keeps its
// memory warm, where a thread per task would fault in fresh pages each time.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

namespace vmsupport {

class TaskThread {
 public:
  TaskThread() = default;
  TaskThread(const TaskThread&) = delete;
  TaskThread& operator=(const TaskThread&) = delete;
  // Runs the tasks still queued, then joins the thread.
  ~TaskThread() {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable()) m_thread.join();
  }

  // Queues `task`; the thread starts with the first. When no thread can be
  // had (a host at its process limit), the task runs now, on the caller's.
  template <typename Function>
  auto run(Function task) -> std::future<decltype(task())> {
    using Value = decltype(task());
    auto packaged = std::make_shared<std::packaged_task<Value()>>(std::move(task));
    std::future<Value> result = packaged->get_future();
    std::unique_lock lock(m_mutex);
    if (!m_thread.joinable() && !m_failed) {
      try {
        m_thread = std::thread([this] { loop(); });
      } catch (const std::system_error&) {
        m_failed = true;
      }
    }
    if (m_failed) {
      lock.unlock();
      (*packaged)();
      return result;
    }
    m_tasks.emplace_back([packaged] { (*packaged)(); });
    lock.unlock();
    m_wake.notify_one();
    return result;
  }

 private:
  void loop() {
    std::unique_lock lock(m_mutex);
    while (true) {
      m_wake.wait(lock, [&] { return m_stopping || !m_tasks.empty(); });
      if (m_tasks.empty()) return;  // stopping, nothing left
      std::function<void()> task = std::move(m_tasks.front());
      m_tasks.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::function<void()>> m_tasks;
  bool m_stopping = false;
  bool m_failed = false;
  std::thread m_thread;
};

}  // namespace vmsupport
