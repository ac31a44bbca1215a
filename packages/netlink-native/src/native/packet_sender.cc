#include "packet_sender.h"

#include <unistd.h>

#include <string>
#include <vector>

#include "js_options.h"
#include "packet_job.h"

namespace netlink_native {

namespace {

class SendJob : public PacketJob {
 public:
  int ifindex = 0;
  uint16_t protocol = 0;
  std::vector<std::vector<uint8_t>> frames;
  int64_t interval_ms = 0;

 protected:
  void Run() override {
    const std::string where = " on ifindex " + std::to_string(ifindex) + " in " + netns.Describe();
    int fd = OpenPacketSocket(where, &error);
    if (fd < 0) return;
    // Bound to the frames' own protocol: this socket only sends, and nothing it could receive
    // is ever read. Binding first also makes a missing device fail as ENODEV before any frame.
    if (BindPacketSocket(fd, ifindex, protocol, where, &error)) {
      for (size_t i = 0; i < frames.size(); i++) {
        if (i > 0 && interval_ms > 0 && !Sleep(interval_ms)) break;  // abandoned: stop sending
        int err = SendFrame(fd, ifindex, protocol, frames[i]);
        if (err != 0) {
          error = {err, "sendto frame " + std::to_string(i) + where};
          break;
        }
      }
    }
    close(fd);
  }
};

bool ParseJob(const Napi::CallbackInfo& info, SendJob* job) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, "sendFrames needs an options object").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Object options = info[0].As<Napi::Object>();
  int64_t ifindex, protocol;
  const int64_t no_interval = 0;
  if (!GetInteger(options, "ifindex", 1, INT32_MAX, &ifindex) ||
      !GetInteger(options, "protocol", 0, 0xffff, &protocol) ||
      !GetInteger(options, "intervalMs", 0, 3600 * 1000, &job->interval_ms, &no_interval) ||
      !GetNetns(options, "netns", &job->netns) || !GetFrames(options, "frames", &job->frames)) {
    return false;
  }
  job->ifindex = static_cast<int>(ifindex);
  job->protocol = static_cast<uint16_t>(protocol);
  return true;
}

}  // namespace

Napi::Value SendFrames(const Napi::CallbackInfo& info) {
  auto* job = new SendJob();
  if (!ParseJob(info, job)) {
    delete job;
    return Napi::Value();
  }
  return StartPacketJob(info.Env(), job, "netlink-native:sendFrames");
}

}  // namespace netlink_native
