#include "packet_sender.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <vector>

#include "js_options.h"
#include "netns_open.h"
#include "sys_error.h"

namespace netlink_native {

namespace {

constexpr size_t kEthernetHeader = 14;

struct SendJob {
  NetnsTarget netns;
  int ifindex = 0;
  uint16_t protocol = 0;
  std::vector<std::vector<uint8_t>> frames;
  int64_t interval_ms = 0;
  napi_deferred deferred = nullptr;
  napi_threadsafe_function tsfn = nullptr;
  SysError error;  // err 0: success
  // Set by the environment's cleanup hook (process exit, worker end): the TSFN dies with the
  // environment, so the thread must not touch it any more. Guarded by mutex.
  std::mutex mutex;
  bool abandoned = false;
};

void AbandonJob(void* arg) {
  auto* job = static_cast<SendJob*>(arg);
  std::lock_guard<std::mutex> lock(job->mutex);
  job->abandoned = true;
}

void SleepMs(int64_t ms) {
  struct timespec ts {
    static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)
  };
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// The whole job runs on its own short-lived thread: it enters the namespace (only this thread
// moves), so the socket needs no helper, and the interval sleeps never hold the libuv pool.
void RunJob(SendJob* job) {
  if (!EnterNetns(job->netns, &job->error)) return;
  const std::string where =
      " on ifindex " + std::to_string(job->ifindex) + " in " + job->netns.Describe();
  // Protocol 0: this socket only sends; it never queues received frames.
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    job->error = {errno, "socket AF_PACKET" + where};
    return;
  }
  struct sockaddr_ll addr;
  memset(&addr, 0, sizeof addr);
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(job->protocol);
  addr.sll_ifindex = job->ifindex;
  // bind first so a missing device fails as ENODEV, naming the interface, before any frame.
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) != 0) {
    job->error = {errno, "bind AF_PACKET" + where};
    close(fd);
    return;
  }
  for (size_t i = 0; i < job->frames.size(); i++) {
    if (i > 0 && job->interval_ms > 0) SleepMs(job->interval_ms);
    const auto& frame = job->frames[i];
    ssize_t rc;
    do {
      rc = sendto(fd, frame.data(), frame.size(), 0, reinterpret_cast<struct sockaddr*>(&addr),
                  sizeof addr);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
      job->error = {errno, "sendto frame " + std::to_string(i) + where};
      break;
    }
  }
  close(fd);
}

// JS thread: settle the promise. env is null if the environment is going away.
void Settle(napi_env env, napi_value, void*, void* data) {
  auto* job = static_cast<SendJob*>(data);
  if (env != nullptr) {
    napi_remove_env_cleanup_hook(env, AbandonJob, job);
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) == napi_ok) {
      napi_value result;
      if (job->error.err == 0) {
        if (napi_get_undefined(env, &result) == napi_ok) {
          napi_resolve_deferred(env, job->deferred, result);
        }
      } else {
        Napi::Value error = MakeSysError(env, job->error.err, job->error.what);
        if (error.IsEmpty()) {
          napi_get_and_clear_last_exception(env, &result);
        } else {
          result = error;
        }
        napi_reject_deferred(env, job->deferred, result);
      }
      // Nothing here may leave an exception for libuv to find.
      bool pending = false;
      if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
        napi_get_and_clear_last_exception(env, &result);
      }
      napi_close_handle_scope(env, scope);
    }
  }
  { std::lock_guard<std::mutex> wait_until_the_thread_lets_go(job->mutex); }
  delete job;
}

void* JobThread(void* arg) {
  auto* job = static_cast<SendJob*>(arg);
  RunJob(job);
  std::unique_lock<std::mutex> lock(job->mutex);
  if (job->abandoned) {  // the environment is gone, and its TSFN with it
    lock.unlock();
    delete job;
    return nullptr;
  }
  // The queue is unbounded, so this never waits. Settle (JS thread) owns the job from here and
  // takes the mutex before freeing it, so unlocking below cannot race the delete. A failure
  // would need a closing TSFN, which only happens after AbandonJob has run.
  napi_call_threadsafe_function(job->tsfn, job, napi_tsfn_nonblocking);
  napi_release_threadsafe_function(job->tsfn, napi_tsfn_release);
  lock.unlock();
  return nullptr;
}

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
      !GetNetns(options, "netns", &job->netns)) {
    return false;
  }
  job->ifindex = static_cast<int>(ifindex);
  job->protocol = static_cast<uint16_t>(protocol);
  Napi::Value frames = options.Get("frames");
  if (env.IsExceptionPending()) return false;
  if (!frames.IsArray()) {
    Napi::TypeError::New(env, "options.frames must be an array of Buffers")
        .ThrowAsJavaScriptException();
    return false;
  }
  Napi::Array array = frames.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    const uint8_t* data;
    size_t len;
    const std::string what = "options.frames[" + std::to_string(i) + "]";
    if (env.IsExceptionPending() || !GetBytes(env, item, what, &data, &len)) return false;
    if (len < kEthernetHeader) {
      Napi::RangeError::New(
          env, what + " is shorter than an Ethernet header (" + std::to_string(len) + " bytes)")
          .ThrowAsJavaScriptException();
      return false;
    }
    job->frames.emplace_back(data, data + len);  // copied: the caller may reuse its Buffers
  }
  return true;
}

}  // namespace

Napi::Value SendFrames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* job = new SendJob();
  if (!ParseJob(info, job)) {
    delete job;
    return Napi::Value();
  }
  napi_value promise, name;
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "netlink-native:sendFrames", NAPI_AUTO_LENGTH, &name) !=
          napi_ok ||
      napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, nullptr,
                                      Settle, &job->tsfn) != napi_ok) {
    delete job;  // a pending exception says what failed; the promise is never returned
    return Napi::Value();
  }
  if (napi_add_env_cleanup_hook(env, AbandonJob, job) != napi_ok) {
    napi_release_threadsafe_function(job->tsfn, napi_tsfn_abort);
    delete job;
    Napi::Error::New(env, "sendFrames: registering the cleanup hook failed")
        .ThrowAsJavaScriptException();
    return Napi::Value();
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  int rc = pthread_create(&thread, &attr, JobThread, job);
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (rc != 0) {
    napi_remove_env_cleanup_hook(env, AbandonJob, job);
    napi_release_threadsafe_function(job->tsfn, napi_tsfn_abort);
    Napi::Value error = MakeSysError(env, rc, "start sendFrames thread");
    if (!error.IsEmpty()) napi_reject_deferred(env, job->deferred, error);
    delete job;
  }
  return Napi::Value(env, promise);
}

}  // namespace netlink_native
