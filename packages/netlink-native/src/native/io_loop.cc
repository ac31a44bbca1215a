// How the I/O thread reads, and why no reply is ever truncated.
//
// A netlink datagram must be read whole in one call: what does not fit the buffer is dropped
// (MSG_TRUNC). Replies can be far larger than any fixed buffer (a dump chunk sized from
// min_dump_alloc, a link with hundreds of altnames, a notification), so by default every
// datagram is sized first with recv(MSG_PEEK|MSG_TRUNC) and then read into a buffer that fits.
//
// That costs two system calls per datagram, which dominates when the replies are a flood of
// 36-byte ACKs (address adds/deletes). So on an rtnetlink socket with no multicast group — where
// every datagram answers one of our own requests — the thread knows how big a reply can be:
// SendQueued reads each request's header as it sends it (BigReplyTracker):
// - a GET (rtnetlink type with (type - RTM_BASE) & 3 == 2) may get a reply of any size; with
//   NLM_F_ROOT/NLM_F_MATCH it is a dump, outstanding until NLMSG_DONE or NLMSG_ERROR for its
//   seq; otherwise until the first message for its seq (the reply or the error; an ACK follows).
//   RTM_SETDCB is answered with a message too, and counts like a GET.
// - NLM_F_ECHO (the kernel copies notifications to us) is outstanding until its NLMSG_ERROR.
// - anything else is answered by an ACK or error only: header + errno + the request (only its
//   header with NETLINK_CAP_ACK) + ext-ack TLVs. If that cannot exceed one slot it is small;
//   otherwise it counts as big until its NLMSG_ERROR.
// While nothing big is outstanding, every datagram that can arrive fits a slot, so the thread
// reads up to kSlots datagrams per recvmmsg, and still checks MSG_TRUNC on each: a truncated one
// (which this reasoning says cannot happen) is reported as EMSGSIZE, never passed on. While
// something big is outstanding, every datagram is sized first, and the tracker sees each one, so
// the count falls as replies end. A datagram queued on the socket always answers a request that
// was counted before it was sent, so when the count is zero no big reply can be queued.
//
// Where the count can stay above zero (a GET reply dropped with ENOBUFS, an NLM_F_ECHO request
// without NLM_F_ACK that succeeds), the socket only stays on the sizing path: slower, never
// wrong. Other protocols and sockets in a multicast group (ExpectUnboundedDatagrams) always size.

#include "io_loop.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>

namespace netlink_native {

namespace {

// The kernel refuses a msghdr with more iovecs than this (UIO_MAXIOV).
constexpr size_t kMaxIov = 1024;

// Every real recv offers at least this much room, even when the peeked datagram is smaller:
// the kernel sizes later dump datagrams from the largest buffer a reader has offered
// (max_recvmsg_len, capped near 32 KiB), so small reads would make every dump chunk small.
constexpr size_t kMinRecvRoom = 32768;

// Messages per sendmsg. The kernel charges more per request when one datagram carries very many
// (about 4 µs of CPU per IPv4 address add up to a few hundred, about 7 µs at a thousand, as the
// ACKs pile up in the receive queue before we can read them), so long queues leave in slices with
// their replies read in between.
constexpr size_t kMaxMessagesPerDatagram = 64;

// The bulk-read path: datagrams per recvmmsg (as many as one sendmsg's worth of ACKs) and the
// room of each slot (an ACK is 36 bytes; an error with ext-ack TLVs a few hundred).
constexpr size_t kSlots = 64;
constexpr size_t kSlotSize = 8192;

// First allocation of a delivery chunk: room for a few hundred ACKs without reallocating.
constexpr size_t kInitialChunk = 16384;

// Replies gathered during one wake-up are handed over early once they reach this much (about
// 450 ACKs), so a long queue of sends still streams its replies to a JS thread on another core.
constexpr size_t kDeliverEarly = 16384;

size_t Align4(size_t n) { return (n + 3) & ~static_cast<size_t>(3); }

}  // namespace

IoLoop::IoLoop(int fd, size_t max_datagram, DeliverySink* sink, ReplyBounds bounds)
    : fd_(fd),
      max_datagram_(max_datagram),
      packet_frames_(bounds.packet_frames),
      sink_(sink),
      tracker_(bounds.cap_ack, kSlotSize),
      bounded_(bounds.rtnetlink_requests_only) {}

IoLoop::~IoLoop() {
  if (started_) {
    RequestStop();
    Join();
  }
  if (event_fd_ >= 0) close(event_fd_);
}

int IoLoop::Start() {
  event_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (event_fd_ < 0) return errno;
  // Signals stay with Node's threads: the I/O thread blocks all of them (it inherits the mask
  // in force at pthread_create).
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&thread_, nullptr, ThreadMain, this);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (rc != 0) return rc;
  started_ = true;
  return 0;
}

void IoLoop::Enqueue(int64_t token, const uint8_t* data, size_t len) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    was_empty = queue_.empty();
    queue_.push_back(Pending{token, std::vector<uint8_t>(data, data + len)});
  }
  // A queue that already held something has a wake-up on its way (the thread empties the queue
  // only after reading the eventfd), so only the first send since the last swap writes it.
  if (was_empty) Wake();
}

void IoLoop::Wake() {
  uint64_t one = 1;
  // EAGAIN only when the counter is near overflow, which already means "awake".
  ssize_t ignored = write(event_fd_, &one, sizeof one);
  (void)ignored;
}

void IoLoop::RequestStop() {
  stop_.store(true);
  if (event_fd_ >= 0) Wake();
}

void IoLoop::Join() {
  if (started_) {
    pthread_join(thread_, nullptr);
    started_ = false;
  }
  if (event_fd_ >= 0) {
    close(event_fd_);
    event_fd_ = -1;
  }
}

IoStats IoLoop::Stats() const {
  return IoStats{sendmsg_calls_.load(), messages_sent_.load(), datagrams_received_.load(),
                 receive_calls_.load()};
}

void IoLoop::ExpectUnboundedDatagrams() {
  std::lock_guard<std::mutex> lock(bounds_mutex_);
  bounded_ = false;
}

void* IoLoop::ThreadMain(void* self) {
  static_cast<IoLoop*>(self)->Run();
  return nullptr;
}

void IoLoop::Run() {
  struct pollfd fds[2] = {{fd_, POLLIN, 0}, {event_fd_, POLLIN, 0}};
  while (!stop_.load()) {
    int n = poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      DeliverError(errno, 0);
      return;
    }
    if (stop_.load()) return;
    if (fds[1].revents & POLLIN) {
      uint64_t count;
      ssize_t ignored = read(event_fd_, &count, sizeof count);
      (void)ignored;
    }
    if (fds[0].revents & POLLNVAL) return;
    // POLLERR carries a pending socket error (ENOBUFS): recv reports and clears it.
    if ((fds[0].revents & (POLLIN | POLLERR)) && !DrainReceive()) return;
    if (packet_frames_ && !ReportPacketDrops()) return;
    if (!SendQueued()) return;
    // Replies read during this wake-up go over together (see DrainReceive).
    if (!DeliverChunk(&chunk_)) return;
  }
}

// Writes everything queued since the last wake-up. Messages are packed into as few datagrams
// as the send buffer allows; a datagram is split only between messages (the kernel walks one
// datagram message by message, running each handler in turn).
bool IoLoop::SendQueued() {
  std::deque<Pending> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(queue_);
  }
  if (batch.empty()) return true;

  struct msghdr msg;
  std::vector<struct iovec> iov;
  std::vector<int64_t> tokens;
  size_t bytes = 0, messages = 0;
  for (Pending& p : batch) {
    const size_t len = p.bytes.size();
    size_t off = 0;
    while (off < len) {
      const size_t run_start = off;
      size_t run_bytes = 0, run_messages = 0;
      while (off < len) {
        uint32_t nlmsg_len;
        memcpy(&nlmsg_len, p.bytes.data() + off, sizeof nlmsg_len);
        const size_t step = std::min(Align4(nlmsg_len), len - off);
        // An oversized message still goes out alone: the kernel's EMSGSIZE is the honest answer.
        const bool full = bytes + run_bytes + step > max_datagram_ ||
                          messages + run_messages >= kMaxMessagesPerDatagram;
        if (full && bytes + run_bytes > 0) break;
        tracker_.Sent(p.bytes.data() + off, step);
        run_bytes += step;
        run_messages++;
        off += step;
      }
      if (run_bytes > 0) {
        iov.push_back({p.bytes.data() + run_start, run_bytes});
        bytes += run_bytes;
        messages += run_messages;
        if (tokens.empty() || tokens.back() != p.token) tokens.push_back(p.token);
      }
      if (off < len || iov.size() >= kMaxIov) {
        if (!Flush(&msg, &iov, &tokens, messages)) return false;
        bytes = messages = 0;
      }
    }
  }
  return iov.empty() || Flush(&msg, &iov, &tokens, messages);
}

bool IoLoop::Flush(struct msghdr* msg, std::vector<struct iovec>* iov, std::vector<int64_t>* tokens,
                   size_t messages) {
  struct sockaddr_nl kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  memset(msg, 0, sizeof *msg);
  msg->msg_name = &kernel;
  msg->msg_namelen = sizeof kernel;
  msg->msg_iov = iov->data();
  msg->msg_iovlen = iov->size();
  ssize_t rc;
  do {
    rc = sendmsg(fd_, msg, 0);
  } while (rc < 0 && errno == EINTR);
  const int err = rc < 0 ? errno : 0;
  sendmsg_calls_.fetch_add(1);
  iov->clear();
  std::vector<int64_t> failed;
  failed.swap(*tokens);
  if (err != 0) {
    tracker_.RolledBack();
    for (int64_t token : failed) {
      if (!DeliverError(err, token)) return false;
    }
  } else {
    tracker_.Committed();
    messages_sent_.fetch_add(messages);
  }
  // Read the replies this datagram produced before sending the next one, so a long queue
  // cannot overrun our own receive buffer while we are busy writing.
  return DrainReceive();
}

// Reads every queued datagram (non-blocking, until EAGAIN) into chunk_: in bulk while every
// possible reply is known to be small, otherwise each sized first with MSG_PEEK|MSG_TRUNC so none
// is ever truncated (see the top of this file). Sized reads land in a scratch buffer that only
// ever grows, so a 36-byte ACK costs a 36-byte copy, not a fresh zero-filled 32 KiB.
//
// chunk_ is handed to JS at the end of the wake-up (Run), or here once it holds kDeliverEarly
// bytes: when a wake-up finds many batches queued (the JS thread issued them while this thread
// waited for the CPU), their replies cross to the JS thread in a few hand-overs rather than one
// per sendmsg, and each hand-over costs the JS thread a wake-up and a callback.
bool IoLoop::DrainReceive() {
  std::vector<uint8_t>& chunk = chunk_;
  for (;;) {
    int err = 0;
    if (!tracker_.Outstanding()) {
      const int n = ReadSlots(&chunk, &err);
      if (n > 0) continue;
      if (n == -2) return false;
      if (n == 0) break;
      // -1: err is set and handled below; -3: no bulk reads here, so size this datagram.
    }
    if (err == 0) {
      ssize_t size = recv(fd_, nullptr, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
      if (size >= 0) {
        const size_t dlen = static_cast<size_t>(size);
        if (scratch_.size() < std::max(dlen, kMinRecvRoom))
          scratch_.resize(std::max(dlen, kMinRecvRoom));
        size = recv(fd_, scratch_.data(), scratch_.size(), MSG_DONTWAIT);
        if (size >= 0) {
          receive_calls_.fetch_add(1);
          const size_t got = static_cast<size_t>(size);
          if (tracker_.Outstanding()) tracker_.Received(scratch_.data(), got);
          if (!AppendDatagram(&chunk, scratch_.data(), got)) return false;
          continue;
        }
      }
      err = errno;
    }
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) break;
    // DeliverError hands over what arrived before the error first.
    if (!DeliverError(err, 0)) return false;
    // ENOBUFS: the kernel dropped messages but the socket is fine; what is queued is still good.
    // EMSGSIZE: a bulk read was truncated (reported; the datagram is gone, the socket is fine).
    if (err != ENOBUFS && err != EMSGSIZE) return true;
  }
  return chunk.size() < kDeliverEarly || DeliverChunk(&chunk);
}

// Returns the datagrams read (> 0), 0 at EAGAIN, -1 with *err set (a receive error, or EMSGSIZE
// for a truncated datagram, reported after the ones before it), -2 when a delivery was refused,
// and -3 when bulk reads are not allowed on this socket (*err stays 0: the caller sizes).
int IoLoop::ReadSlots(std::vector<uint8_t>* chunk, int* err) {
  if (!slots_) slots_.reset(new uint8_t[kSlots * kSlotSize]);  // untouched pages cost nothing
  struct iovec iov[kSlots];
  struct mmsghdr msgs[kSlots];
  memset(msgs, 0, sizeof msgs);
  for (size_t i = 0; i < kSlots; i++) {
    iov[i] = {slots_.get() + i * kSlotSize, kSlotSize};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int n;
  {
    std::lock_guard<std::mutex> lock(bounds_mutex_);
    if (!bounded_) return -3;
    n = recvmmsg(fd_, msgs, kSlots, MSG_DONTWAIT, nullptr);
  }
  if (n < 0) {
    *err = errno;
    return *err == EAGAIN || *err == EWOULDBLOCK ? 0 : -1;
  }
  receive_calls_.fetch_add(1);
  for (int i = 0; i < n; i++) {
    if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
      // Cannot happen by the reasoning above; if it does, say so rather than pass on a torso.
      // The datagrams after it were read too: hand them over after the error, in order.
      if (!DeliverError(EMSGSIZE, 0)) return -2;
      continue;
    }
    if (!AppendDatagram(chunk, slots_.get() + i * kSlotSize, msgs[i].msg_len)) return -2;
  }
  return n;
}

// Adds one whole datagram to the chunk (4-byte aligned), first handing the chunk over if it
// would grow past kMaxChunk.
bool IoLoop::AppendDatagram(std::vector<uint8_t>* chunk, const uint8_t* data, size_t len) {
  if (!chunk->empty() && chunk->size() + len > kMaxChunk && !DeliverChunk(chunk)) return false;
  if (chunk->empty()) chunk->reserve(kInitialChunk);
  if (packet_frames_) {
    const uint32_t length = static_cast<uint32_t>(len);
    const uint8_t* bytes = reinterpret_cast<const uint8_t*>(&length);
    chunk->insert(chunk->end(), bytes, bytes + sizeof length);
  }
  // Every datagram starts 4-byte aligned in the chunk: pad the previous one with zeros.
  chunk->insert(chunk->end(), data, data + len);
  chunk->resize(Align4(chunk->size()));
  datagrams_received_.fetch_add(1);
  return true;
}

// Reading PACKET_STATISTICS resets the kernel's counters, so each drop is reported once.
bool IoLoop::ReportPacketDrops() {
  struct tpacket_stats stats;
  socklen_t len = sizeof stats;
  if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &stats, &len) != 0) return true;
  return stats.tp_drops == 0 || DeliverError(ENOBUFS, 0);
}

bool IoLoop::DeliverChunk(std::vector<uint8_t>* chunk) {
  if (chunk->empty()) return true;
  auto* delivery = new Delivery();
  delivery->bytes.swap(*chunk);
  return sink_->Deliver(delivery);
}

bool IoLoop::DeliverError(int err, int64_t token) {
  // Keep order: replies read before the error reach JS before it.
  if (!DeliverChunk(&chunk_)) return false;
  auto* delivery = new Delivery();
  delivery->is_error = true;
  delivery->err = err;
  delivery->token = token;
  return sink_->Deliver(delivery);
}

}  // namespace netlink_native
