// Which rtnetlink requests sent on a socket may still be answered by a datagram too big for the
// I/O thread's fixed receive slots (the reasoning is at the top of io_loop.cc). I/O thread only.
// Header-only: it is small, and the addon's source list stays as it is.
#pragma once

#include <linux/netlink.h>
#include <string.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace netlink_native {

class BigReplyTracker {
 public:
  // cap_ack: NETLINK_CAP_ACK was granted, so an error echoes only the request's header.
  // slot_size: the room of one receive slot; replies that could exceed it count as big.
  BigReplyTracker(bool cap_ack, size_t slot_size) : cap_ack_(cap_ack), slot_size_(slot_size) {}

  // True while any request that may get a big reply is outstanding.
  bool Outstanding() const { return outstanding_ > 0; }

  // Records one message as it goes into a datagram about to be sent.
  void Sent(const uint8_t* msg, size_t len) {
    if (len < sizeof(struct nlmsghdr)) return;
    struct nlmsghdr h;
    memcpy(&h, msg, sizeof h);
    const End end = Classify(h, len);
    if (end == kSmall) return;
    by_seq_[h.nlmsg_seq].push_back(end);
    unsent_.push_back(h.nlmsg_seq);
    outstanding_++;
  }

  // The datagram recorded since the last call went out (Sent() entries are now final).
  void Committed() { unsent_.clear(); }

  // Its sendmsg failed: the kernel saw none of it, so no reply will come.
  void RolledBack() {
    for (auto it = unsent_.rbegin(); it != unsent_.rend(); ++it) {
      auto entry = by_seq_.find(*it);
      if (entry == by_seq_.end()) continue;
      entry->second.pop_back();
      if (entry->second.empty()) by_seq_.erase(entry);
      outstanding_--;
    }
    unsent_.clear();
  }

  // Looks at every message of one received (whole) datagram for the end of a big request.
  void Received(const uint8_t* datagram, size_t len) {
    size_t off = 0;
    while (outstanding_ > 0 && len - off >= sizeof(struct nlmsghdr)) {
      struct nlmsghdr h;
      memcpy(&h, datagram + off, sizeof h);
      if (h.nlmsg_len < sizeof h) return;
      auto entry = by_seq_.find(h.nlmsg_seq);
      // Requests sharing a seq are answered in the order they were sent.
      if (entry != by_seq_.end() && Ends(entry->second.front(), h.nlmsg_type)) {
        entry->second.erase(entry->second.begin());
        if (entry->second.empty()) by_seq_.erase(entry);
        outstanding_--;
      }
      off += NLMSG_ALIGN(h.nlmsg_len);
      if (off > len) return;
    }
  }

 private:
  // What ends a request's big replies; kSmall: its only possible reply is a small ACK/error.
  enum End : uint8_t { kSmall, kAnyMessage, kError, kDoneOrError };

  // Error TLVs (NETLINK_EXT_ACK: message text, offset, policy, cookie) are well under this.
  static constexpr size_t kExtAckRoom = 2048;
  static constexpr uint16_t kRtmBase = 16;       // RTM_BASE
  static constexpr uint16_t kRtmSetDcb = 79;     // answered with a reply message, not only an ACK
  static constexpr uint16_t kGetKind = 2;        // rtnetlink: (type - RTM_BASE) & 3 == 2 is a GET
  static constexpr uint16_t kDumpFlags = 0x300;  // NLM_F_ROOT | NLM_F_MATCH (either makes a dump)

  End Classify(const struct nlmsghdr& h, size_t len) const {
    const bool ack = (h.nlmsg_flags & NLM_F_ACK) != 0;
    if ((h.nlmsg_flags & NLM_F_REQUEST) && h.nlmsg_type >= kRtmBase) {
      if (((h.nlmsg_type - kRtmBase) & 3) == kGetKind) {
        if (h.nlmsg_flags & kDumpFlags) return kDoneOrError;
        // The reply comes first and its ACK (if asked for) after it.
        return kAnyMessage;
      }
      if (h.nlmsg_type == kRtmSetDcb) return ack ? kError : kAnyMessage;
    }
    // NLM_F_ECHO: the kernel sends us the notification(s) before the ACK. Without NLM_F_ACK a
    // success sends nothing that would end it; the socket then stays on the sizing path (safe).
    if (h.nlmsg_flags & NLM_F_ECHO) return kError;
    // Everything else is answered only by an ACK or error, echoing the request unless CAP_ACK.
    const size_t echoed = cap_ack_ ? sizeof h : len;
    if (sizeof h + sizeof(int32_t) + echoed + kExtAckRoom <= slot_size_) return kSmall;
    return kError;
  }

  static bool Ends(End end, uint16_t type) {
    switch (end) {
      case kAnyMessage:
        return true;
      case kError:
        return type == NLMSG_ERROR;
      case kDoneOrError:
        return type == NLMSG_DONE || type == NLMSG_ERROR;
      case kSmall:
        break;
    }
    return false;
  }

  const bool cap_ack_;
  const size_t slot_size_;
  size_t outstanding_ = 0;
  std::unordered_map<uint32_t, std::vector<End>> by_seq_;
  std::vector<uint32_t> unsent_;  // seqs recorded for the datagram being built
};

}  // namespace netlink_native
