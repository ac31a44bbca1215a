// The machinery every AF_PACKET call shares (sendFrames, exchangeFrames): one short-lived,
// detached thread per call enters the handle's namespace (setns moves only that thread, so no
// helper is needed for the socket and the JS thread never moves), does the job's work, and hands
// the job back to the JS thread through a thread-safe function that settles the promise. Waits
// run on that thread too, never in the libuv pool.
//
// Lifetime: the thread owns the job until it queues the settle call; from then the JS thread
// owns it and frees it after settling. If the environment goes away first (process exit, worker
// end), its cleanup hook marks the job abandoned and wakes the thread, which stops waiting, skips
// the (dead) thread-safe function and frees the job itself.
#pragma once

#include <linux/if_packet.h>
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "netns_open.h"

namespace netlink_native {

class PacketJob {
 public:
  PacketJob() = default;
  virtual ~PacketJob();
  PacketJob(const PacketJob&) = delete;
  PacketJob& operator=(const PacketJob&) = delete;

  // The namespace the thread enters before Run.
  NetnsTarget netns;
  // err 0: success. Run fills it in when a step fails.
  SysError error;

 protected:
  // On the job's thread, inside `netns`.
  virtual void Run() = 0;
  // On the JS thread once Run succeeded: the value the promise resolves with, or nullptr with an
  // exception pending if building it failed. Default: undefined.
  virtual napi_value Result(napi_env env);

  // Waits `ms` milliseconds; returns false at once when the job is abandoned.
  bool Sleep(int64_t ms);
  // Readable once the job is abandoned: poll it beside the job's own sockets.
  int wake_fd() const { return wake_fd_; }
  bool abandoned() const { return abandoned_.load(std::memory_order_acquire); }

 private:
  friend Napi::Value StartPacketJob(Napi::Env env, PacketJob* job, const char* name);
  static void* ThreadMain(void* arg);
  static void Settle(napi_env env, napi_value, void*, void* data);
  static void Abandon(void* arg);

  napi_deferred deferred_ = nullptr;
  napi_threadsafe_function tsfn_ = nullptr;
  int wake_fd_ = -1;
  // Guards the hand-over at the end of the thread against Abandon (see the top of this file).
  std::mutex mutex_;
  std::atomic<bool> abandoned_{false};
};

// Starts `job` on its own thread and returns the promise it settles. Takes ownership of the job:
// on failure it is freed and an exception is pending (or the promise is rejected).
Napi::Value StartPacketJob(Napi::Env env, PacketJob* job, const char* name);

// Milliseconds of CLOCK_MONOTONIC.
int64_t MonotonicMs();

// Helpers for Run(), all on the job's thread.

// An AF_PACKET raw socket with protocol 0: it receives nothing until it is bound with a protocol.
int OpenPacketSocket(const std::string& where, SysError* error);
// Binds to the device and protocol (ETH_P_ALL for every frame); a missing device is ENODEV.
bool BindPacketSocket(int fd, int ifindex, uint16_t protocol, const std::string& where,
                      SysError* error);
// Writes one whole Ethernet frame out of `ifindex`, tagged with `protocol` (host order).
// Returns 0 or the errno of the failed sendto (EINTR is retried).
int SendFrame(int fd, int ifindex, uint16_t protocol, const std::vector<uint8_t>& frame);

// `options[key]`: an array of whole Ethernet frames (each at least a header), copied, because
// the caller may reuse its Buffers. Throws TypeError/RangeError naming the bad item.
bool GetFrames(Napi::Object options, const char* key, std::vector<std::vector<uint8_t>>* out);

}  // namespace netlink_native
