#include "packet_job.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <climits>

#include "js_options.h"
#include "sys_error.h"

namespace netlink_native {

namespace {

constexpr size_t kEthernetHeader = 14;

}  // namespace

PacketJob::~PacketJob() {
  if (wake_fd_ >= 0) close(wake_fd_);
}

napi_value PacketJob::Result(napi_env env) {
  napi_value undefined;
  return napi_get_undefined(env, &undefined) == napi_ok ? undefined : nullptr;
}

int64_t MonotonicMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

bool PacketJob::Sleep(int64_t ms) {
  const int64_t deadline = MonotonicMs() + ms;
  for (;;) {
    if (abandoned()) return false;
    const int64_t left = deadline - MonotonicMs();
    if (left <= 0) return true;
    struct pollfd wake = {wake_fd_, POLLIN, 0};
    poll(&wake, 1, static_cast<int>(left > INT_MAX ? INT_MAX : left));  // EINTR: loop again
  }
}

// Environment cleanup hook (JS thread, the environment is going away).
void PacketJob::Abandon(void* arg) {
  auto* job = static_cast<PacketJob*>(arg);
  std::lock_guard<std::mutex> lock(job->mutex_);
  job->abandoned_.store(true, std::memory_order_release);
  const uint64_t one = 1;
  ssize_t rc = write(job->wake_fd_, &one, sizeof one);  // wakes Sleep and any poll on wake_fd
  (void)rc;  // an eventfd write cannot fail short of overflow, and one pending wake-up suffices
}

// JS thread: settle the promise. env is null if the environment is going away.
void PacketJob::Settle(napi_env env, napi_value, void*, void* data) {
  auto* job = static_cast<PacketJob*>(data);
  if (env != nullptr) {
    napi_remove_env_cleanup_hook(env, Abandon, job);
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) == napi_ok) {
      napi_value result = nullptr;
      if (job->error.err == 0) result = job->Result(env);
      if (result != nullptr) {
        napi_resolve_deferred(env, job->deferred_, result);
      } else {
        // Run failed, or building its result did (then an exception says why).
        Napi::Value error = job->error.err != 0 ? MakeSysError(env, job->error.err, job->error.what)
                                                : Napi::Value();
        if (error.IsEmpty()) {
          napi_get_and_clear_last_exception(env, &result);
        } else {
          result = error;
        }
        napi_reject_deferred(env, job->deferred_, result);
      }
      // Nothing here may leave an exception for libuv to find.
      bool pending = false;
      if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
        napi_get_and_clear_last_exception(env, &result);
      }
      napi_close_handle_scope(env, scope);
    }
  }
  { std::lock_guard<std::mutex> wait_until_the_thread_lets_go(job->mutex_); }
  delete job;
}

void* PacketJob::ThreadMain(void* arg) {
  auto* job = static_cast<PacketJob*>(arg);
  if (EnterNetns(job->netns, &job->error)) job->Run();
  std::unique_lock<std::mutex> lock(job->mutex_);
  if (job->abandoned()) {  // the environment is gone, and its TSFN with it
    lock.unlock();
    delete job;
    return nullptr;
  }
  // The queue is unbounded, so this never waits. Settle (JS thread) owns the job from here and
  // takes the mutex before freeing it, so unlocking below cannot race the delete. A failure
  // would need a closing TSFN, which only happens after Abandon has run.
  napi_call_threadsafe_function(job->tsfn_, job, napi_tsfn_nonblocking);
  napi_release_threadsafe_function(job->tsfn_, napi_tsfn_release);
  lock.unlock();
  return nullptr;
}

Napi::Value StartPacketJob(Napi::Env env, PacketJob* job, const char* name) {
  job->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (job->wake_fd_ < 0) {
    ThrowSysError(env, errno, std::string("eventfd for ") + name);
    delete job;
    return Napi::Value();
  }
  napi_value promise, resource;
  if (napi_create_promise(env, &job->deferred_, &promise) != napi_ok ||
      napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource) != napi_ok ||
      napi_create_threadsafe_function(env, nullptr, nullptr, resource, 0, 1, nullptr, nullptr,
                                      nullptr, PacketJob::Settle, &job->tsfn_) != napi_ok) {
    delete job;  // a pending exception says what failed; the promise is never returned
    return Napi::Value();
  }
  if (napi_add_env_cleanup_hook(env, PacketJob::Abandon, job) != napi_ok) {
    napi_release_threadsafe_function(job->tsfn_, napi_tsfn_abort);
    delete job;
    Napi::Error::New(env, std::string(name) + ": registering the cleanup hook failed")
        .ThrowAsJavaScriptException();
    return Napi::Value();
  }
  // The thread starts with every signal blocked, so none is delivered to it instead of to Node.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  int rc = pthread_create(&thread, &attr, PacketJob::ThreadMain, job);
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (rc != 0) {
    napi_remove_env_cleanup_hook(env, PacketJob::Abandon, job);
    napi_release_threadsafe_function(job->tsfn_, napi_tsfn_abort);
    Napi::Value error = MakeSysError(env, rc, std::string("start ") + name + " thread");
    if (!error.IsEmpty()) napi_reject_deferred(env, job->deferred_, error);
    delete job;
  }
  return Napi::Value(env, promise);
}

int OpenPacketSocket(const std::string& where, SysError* error) {
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) *error = {errno, "socket AF_PACKET" + where};
  return fd;
}

bool BindPacketSocket(int fd, int ifindex, uint16_t protocol, const std::string& where,
                      SysError* error) {
  struct sockaddr_ll addr;
  memset(&addr, 0, sizeof addr);
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(protocol);
  addr.sll_ifindex = ifindex;
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) == 0) return true;
  *error = {errno, "bind AF_PACKET" + where};
  return false;
}

int SendFrame(int fd, int ifindex, uint16_t protocol, const std::vector<uint8_t>& frame) {
  struct sockaddr_ll addr;
  memset(&addr, 0, sizeof addr);
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(protocol);
  addr.sll_ifindex = ifindex;
  ssize_t rc;
  do {
    rc = sendto(fd, frame.data(), frame.size(), 0, reinterpret_cast<struct sockaddr*>(&addr),
                sizeof addr);
  } while (rc < 0 && errno == EINTR);
  return rc < 0 ? errno : 0;
}

bool GetFrames(Napi::Object options, const char* key, std::vector<std::vector<uint8_t>>* out) {
  Napi::Env env = options.Env();
  Napi::Value frames = options.Get(key);
  if (env.IsExceptionPending()) return false;
  const std::string name = std::string("options.") + key;
  if (!frames.IsArray()) {
    Napi::TypeError::New(env, name + " must be an array of Buffers").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Array array = frames.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    const uint8_t* data;
    size_t len;
    const std::string what = name + "[" + std::to_string(i) + "]";
    if (env.IsExceptionPending() || !GetBytes(env, item, what, &data, &len)) return false;
    if (len < kEthernetHeader) {
      Napi::RangeError::New(
          env, what + " is shorter than an Ethernet header (" + std::to_string(len) + " bytes)")
          .ThrowAsJavaScriptException();
      return false;
    }
    out->emplace_back(data, data + len);
  }
  return true;
}

}  // namespace netlink_native
