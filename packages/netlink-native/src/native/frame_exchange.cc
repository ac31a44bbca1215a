#include "frame_exchange.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

#include "js_options.h"
#include "packet_job.h"

namespace netlink_native {

namespace {

constexpr int kSendRetries = 200;  // ENOBUFS (a full device queue): retry 1 ms apart, this often
constexpr int kDrainBatch = 4096;

class ExchangeJob : public PacketJob {
 public:
  int ifindex = 0;
  std::vector<std::vector<uint8_t>> frames;
  int64_t rounds = 1, interval_ms = 0, wait_ms = 0, rcvbuf = 0, max_frames = 0;
  std::vector<struct sock_filter> filter;
  std::vector<std::vector<uint8_t>> multicast;
  std::vector<std::vector<uint8_t>> received;
  uint64_t dropped = 0;

 protected:
  void Run() override;
  napi_value Result(napi_env env) override;

 private:
  std::string where_;
  std::vector<uint8_t> buffer_;
  bool Setup(int fd);
  bool SendRound(int fd);
  bool Listen(int fd, int64_t ms);
  bool Drain(int fd);
};

// Filter first and bind after: a socket of protocol 0 receives nothing, so no frame can slip in
// unfiltered between socket() and SO_ATTACH_FILTER.
bool ExchangeJob::Setup(int fd) {
  if (!filter.empty()) {
    struct sock_fprog program = {static_cast<unsigned short>(filter.size()), filter.data()};
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0) {
      error = {errno, "SO_ATTACH_FILTER" + where_};
      return false;
    }
  }
  const int size = static_cast<int>(rcvbuf);
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0 &&
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0) {
    error = {errno, "SO_RCVBUF" + where_};
    return false;
  }
  if (!BindPacketSocket(fd, ifindex, ETH_P_ALL, where_, &error)) return false;
  // Groups the device may filter out otherwise; the memberships end with the socket.
  for (const auto& address : multicast) {
    struct packet_mreq mreq;
    memset(&mreq, 0, sizeof mreq);
    mreq.mr_ifindex = ifindex;
    mreq.mr_type = PACKET_MR_MULTICAST;
    mreq.mr_alen = static_cast<unsigned short>(address.size());
    memcpy(mreq.mr_address, address.data(), address.size());
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
      error = {errno, "PACKET_ADD_MEMBERSHIP" + where_};
      return false;
    }
  }
  return true;
}

bool ExchangeJob::SendRound(int fd) {
  for (size_t i = 0; i < frames.size(); i++) {
    const auto& frame = frames[i];
    const uint16_t ethertype = static_cast<uint16_t>((frame[12] << 8) | frame[13]);
    int err = SendFrame(fd, ifindex, ethertype, frame);
    // A full device queue: keep receiving while it drains, then try again.
    for (int retry = 0; err == ENOBUFS && retry < kSendRetries; retry++) {
      if (!Listen(fd, 1)) return false;
      err = SendFrame(fd, ifindex, ethertype, frame);
    }
    if (err != 0) {
      error = {err, "sendto frame " + std::to_string(i) + where_};
      return false;
    }
  }
  return true;
}

// Receives until `ms` have passed. False when the job failed or was abandoned.
bool ExchangeJob::Listen(int fd, int64_t ms) {
  const int64_t deadline = MonotonicMs() + ms;
  for (;;) {
    if (!Drain(fd)) return false;
    if (abandoned()) return false;
    const int64_t left = deadline - MonotonicMs();
    if (left <= 0) return true;
    struct pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd(), POLLIN, 0}};
    poll(fds, 2, static_cast<int>(std::min<int64_t>(left, INT_MAX)));  // EINTR: loop again
  }
}

// Reads the frames queued now (at most kDrainBatch, so a flood cannot hold Listen past its
// deadline). Frames the host itself sent (PACKET_OUTGOING) are not kept.
bool ExchangeJob::Drain(int fd) {
  for (int i = 0; i < kDrainBatch; i++) {
    struct sockaddr_ll from;
    socklen_t from_len = sizeof from;
    ssize_t n = recvfrom(fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT,
                         reinterpret_cast<struct sockaddr*>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      error = {errno, "recvfrom" + where_};
      return false;
    }
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    if (received.size() >= static_cast<size_t>(max_frames)) {
      dropped++;
      continue;
    }
    received.emplace_back(buffer_.begin(), buffer_.begin() + n);
  }
  return true;
}

void ExchangeJob::Run() {
  where_ = " on ifindex " + std::to_string(ifindex) + " in " + netns.Describe();
  buffer_.resize(65536);
  int fd = OpenPacketSocket(where_, &error);
  if (fd < 0) return;
  if (Setup(fd)) {
    for (int64_t round = 0; round < rounds; round++) {
      if (!SendRound(fd) || !Listen(fd, round + 1 < rounds ? interval_ms : wait_ms)) break;
    }
    // Frames the kernel dropped because the receive queue was full: a conflict may be among them.
    struct tpacket_stats stats;
    socklen_t len = sizeof stats;
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &len) == 0) dropped += stats.tp_drops;
  }
  close(fd);
}

napi_value ExchangeJob::Result(napi_env env) {
  Napi::Env e(env);
  Napi::Array list = Napi::Array::New(e, received.size());
  for (size_t i = 0; i < received.size() && !e.IsExceptionPending(); i++) {
    list.Set(i, Napi::Buffer<uint8_t>::Copy(e, received[i].data(), received[i].size()));
  }
  Napi::Object result = Napi::Object::New(e);
  if (e.IsExceptionPending() || !result.Set("frames", list) ||
      !result.Set("dropped", Napi::Number::New(e, static_cast<double>(dropped)))) {
    return nullptr;
  }
  return result;
}

bool ParseFilter(Napi::Object options, ExchangeJob* job) {
  Napi::Env env = options.Env();
  Napi::Value value = options.Get("filter");
  if (env.IsExceptionPending()) return false;
  return value.IsUndefined() || GetSockFilter(env, value, "options.filter", &job->filter);
}

bool ParseMulticast(Napi::Object options, ExchangeJob* job) {
  Napi::Env env = options.Env();
  Napi::Value value = options.Get("multicast");
  if (env.IsExceptionPending()) return false;
  if (value.IsUndefined()) return true;
  if (!value.IsArray()) {
    Napi::TypeError::New(env, "options.multicast must be an array of Buffers")
        .ThrowAsJavaScriptException();
    return false;
  }
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    const uint8_t* data;
    size_t len;
    const std::string what = "options.multicast[" + std::to_string(i) + "]";
    if (env.IsExceptionPending() || !GetBytes(env, item, what, &data, &len)) return false;
    if (len == 0 || len > sizeof(packet_mreq::mr_address)) {
      Napi::RangeError::New(env, what + " must be a link-layer address of 1..8 bytes")
          .ThrowAsJavaScriptException();
      return false;
    }
    job->multicast.emplace_back(data, data + len);
  }
  return true;
}

bool ParseJob(const Napi::CallbackInfo& info, ExchangeJob* job) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, "exchangeFrames needs an options object")
        .ThrowAsJavaScriptException();
    return false;
  }
  Napi::Object options = info[0].As<Napi::Object>();
  int64_t ifindex;
  const int64_t one_mib = 1 << 20, default_max = 65536;
  if (!GetInteger(options, "ifindex", 1, INT32_MAX, &ifindex) ||
      !GetInteger(options, "rounds", 1, 1000, &job->rounds) ||
      !GetInteger(options, "intervalMs", 0, 3600 * 1000, &job->interval_ms) ||
      !GetInteger(options, "waitMs", 0, 3600 * 1000, &job->wait_ms) ||
      !GetInteger(options, "rcvbuf", 4096, INT32_MAX, &job->rcvbuf, &one_mib) ||
      !GetInteger(options, "maxFrames", 1, 10 * 1000 * 1000, &job->max_frames, &default_max) ||
      !GetNetns(options, "netns", &job->netns) || !GetFrames(options, "frames", &job->frames) ||
      !ParseFilter(options, job) || !ParseMulticast(options, job)) {
    return false;
  }
  job->ifindex = static_cast<int>(ifindex);
  return true;
}

}  // namespace

Napi::Value ExchangeFrames(const Napi::CallbackInfo& info) {
  auto* job = new ExchangeJob();
  if (!ParseJob(info, job)) {
    delete job;
    return Napi::Value();
  }
  return StartPacketJob(info.Env(), job, "netlink-native:exchangeFrames");
}

}  // namespace netlink_native
