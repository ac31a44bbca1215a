// The per-socket I/O thread: batches queued sends into few sendmsg calls and turns received
// datagrams into chunks for the JS side. Plain POSIX and C++; it knows nothing of Node-API
// (the sink does the hand-over); of message layouts it reads only nlmsghdr (lengths, and on
// rtnetlink request sockets the type/flags/seq that tell how big a reply can be).
#pragma once

#include <pthread.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "big_reply_tracker.h"

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
  uint64_t receive_calls;  // recv/recvmmsg calls that returned data (peeks not counted)
};

// What the socket tells the loop about the replies it can expect.
struct ReplyBounds {
  // NETLINK_ROUTE with no multicast group: every datagram answers one of our own requests, so
  // the loop may read small replies in bulk (io_loop.cc explains when).
  bool rtnetlink_requests_only = false;
  bool cap_ack = false;  // NETLINK_CAP_ACK granted: errors echo only the request's header
  // An AF_PACKET socket (PacketSocket): frames carry no length of their own, so each is handed
  // over preceded by its length (u32, host order) and padded to 4 bytes; and since the kernel
  // drops frames for a full receive queue without an error, each wake-up reads its drop counter
  // (PACKET_STATISTICS) and reports any drops as ENOBUFS.
  bool packet_frames = false;
};

class IoLoop {
 public:
  // fd: a bound netlink socket (blocking mode). max_datagram: the largest sendmsg the kernel
  // accepts (granted sndbuf - 32).
  IoLoop(int fd, size_t max_datagram, DeliverySink* sink, ReplyBounds bounds);
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
  // Before joining a multicast group (JS thread): from now on every datagram is sized first,
  // since notifications can be any size. Returns once no bulk read can still be running.
  void ExpectUnboundedDatagrams();

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
  // One recvmmsg into fixed slots; appends to *chunk. Returns the datagrams read, 0 at EAGAIN,
  // -1 with *err set on a receive error, -2 when a delivery was refused (socket closing).
  int ReadSlots(std::vector<uint8_t>* chunk, int* err);
  bool AppendDatagram(std::vector<uint8_t>* chunk, const uint8_t* data, size_t len);
  bool DeliverChunk(std::vector<uint8_t>* chunk);
  bool DeliverError(int err, int64_t token);
  bool ReportPacketDrops();
  void Wake();

  const int fd_;
  const size_t max_datagram_;
  const bool packet_frames_;
  DeliverySink* const sink_;
  int event_fd_ = -1;
  pthread_t thread_{};
  bool started_ = false;
  std::atomic<bool> stop_{false};

  std::mutex mutex_;
  std::deque<Pending> queue_;  // guarded by mutex_

  std::vector<uint8_t> scratch_;  // receive buffer, I/O thread only; grows, never shrinks
  std::vector<uint8_t> chunk_;    // datagrams read, not yet handed over; I/O thread only

  // The bulk-read path (io_loop.cc): slots allocated on first use, I/O thread only.
  BigReplyTracker tracker_;
  std::unique_ptr<uint8_t[]> slots_;
  // Guards bounded_ against a bulk read racing a group join; held only around one recvmmsg.
  std::mutex bounds_mutex_;
  bool bounded_;  // guarded by bounds_mutex_

  std::atomic<uint64_t> sendmsg_calls_{0};
  std::atomic<uint64_t> messages_sent_{0};
  std::atomic<uint64_t> datagrams_received_{0};
  std::atomic<uint64_t> receive_calls_{0};
};

}  // namespace netlink_native
