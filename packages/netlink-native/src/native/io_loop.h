// The per-socket I/O thread: batches queued sends into few sendmsg calls and turns received
// datagrams into chunks for the JS side. Plain POSIX and C++; it knows nothing of Node-API
// (the sink does the hand-over) and nothing of message layouts beyond nlmsg_len.
#pragma once

#include <pthread.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace netlink_native {

// One hand-over from the I/O thread to the JS thread.
struct Delivery {
  bool is_error = false;
  std::vector<uint8_t> bytes;  // whole datagrams, each padded to 4 bytes (is_error false)
  int err = 0;                 // errno (is_error true)
  int64_t token = 0;           // send() token, 0 for receive errors
};

class DeliverySink {
 public:
  virtual ~DeliverySink() = default;
  // Takes ownership. May block (backpressure). Returns false once the socket is closing: the
  // loop then stops.
  virtual bool Deliver(Delivery* delivery) = 0;
};

struct IoStats {
  uint64_t sendmsg_calls;
  uint64_t messages_sent;
  uint64_t datagrams_received;
};

class IoLoop {
 public:
  // fd: a bound netlink socket (blocking mode). max_datagram: the largest sendmsg the kernel
  // accepts (granted sndbuf - 32).
  IoLoop(int fd, size_t max_datagram, DeliverySink* sink);
  ~IoLoop();
  IoLoop(const IoLoop&) = delete;
  IoLoop& operator=(const IoLoop&) = delete;

  // Creates the eventfd and the thread. Returns 0 or an errno.
  int Start();
  // Queues whole messages (already validated by the caller) and wakes the thread.
  void Enqueue(int64_t token, const uint8_t* data, size_t len);
  // Asks the thread to stop; it exits at its next wake-up or when Deliver returns false.
  void RequestStop();
  // Waits for the thread to exit and closes the eventfd. The sink must already refuse (or be
  // able to complete) deliveries, or this can wait forever.
  void Join();
  IoStats Stats() const;

  // Cap on the bytes handed to JS at once: big enough to amortise the hop, small enough that
  // one delivery never holds the JS thread for long.
  static constexpr size_t kMaxChunk = 256 * 1024;

 private:
  struct Pending {
    int64_t token;
    std::vector<uint8_t> bytes;
  };
  static void* ThreadMain(void* self);
  void Run();
  bool SendQueued();
  bool Flush(msghdr* msg, std::vector<iovec>* iov, std::vector<int64_t>* tokens, size_t messages);
  bool DrainReceive();
  bool DeliverChunk(std::vector<uint8_t>* chunk);
  bool DeliverError(int err, int64_t token);
  void Wake();

  const int fd_;
  const size_t max_datagram_;
  DeliverySink* const sink_;
  int event_fd_ = -1;
  pthread_t thread_{};
  bool started_ = false;
  std::atomic<bool> stop_{false};

  std::mutex mutex_;
  std::deque<Pending> queue_;  // guarded by mutex_

  std::vector<uint8_t> scratch_;  // receive buffer, I/O thread only; grows, never shrinks

  std::atomic<uint64_t> sendmsg_calls_{0};
  std::atomic<uint64_t> messages_sent_{0};
  std::atomic<uint64_t> datagrams_received_{0};
};

}  // namespace netlink_native
