#include "socket_callbacks.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include <memory>

#include "errno_names.h"
#include "io_loop.h"

namespace netlink_native {

namespace {

// The error codes a callback sees that are not errno values.
constexpr const char* kCallbackThrew = "ECALLBACK";

void ReportUnreportable(napi_env env, const char* what) {
  // A JS exception with no one to tell (onError itself threw, or building the arguments did):
  // throwing further would only reach libuv, so it is cleared and noted on stderr. Failures
  // without an exception (an environment being torn down) need no note: nothing ran.
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return;
  napi_value ignored;
  napi_get_and_clear_last_exception(env, &ignored);
  fprintf(stderr, "netlink-native: %s threw; the exception was dropped\n", what);
}

void CallOnError(napi_env env, SocketCallbacks* cb, int err, const char* code, int64_t token,
                 napi_value cause) {
  napi_value fn, recv, argv[4];
  if (napi_get_reference_value(env, cb->on_error, &fn) != napi_ok || fn == nullptr ||
      napi_get_undefined(env, &recv) != napi_ok ||
      napi_create_int32(env, err, &argv[0]) != napi_ok ||
      napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &argv[1]) != napi_ok ||
      napi_create_int64(env, token, &argv[2]) != napi_ok) {
    ReportUnreportable(env, "building onError arguments");
    return;
  }
  size_t argc = 3;
  if (cause != nullptr) argv[argc++] = cause;
  if (napi_call_function(env, recv, fn, argc, argv, nullptr) != napi_ok) {
    ReportUnreportable(env, "onError");
  }
}

}  // namespace

// Runs on the JS thread for each delivery (env is null when the TSFN is being torn down and
// the queue is drained without calling into JS).
void CallJs(napi_env env, napi_value, void* context, void* data) {
  std::unique_ptr<Delivery> delivery(static_cast<Delivery*>(data));
  auto* cb = static_cast<std::shared_ptr<SocketCallbacks>*>(context)->get();
  if (env == nullptr || cb->closed) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  if (delivery->is_error) {
    CallOnError(env, cb, delivery->err, ErrnoName(delivery->err), delivery->token, nullptr);
  } else {
    napi_value fn, recv, buffer;
    if (napi_get_reference_value(env, cb->on_data, &fn) != napi_ok || fn == nullptr ||
        napi_get_undefined(env, &recv) != napi_ok ||
        napi_create_buffer_copy(env, delivery->bytes.size(), delivery->bytes.data(), nullptr,
                                &buffer) != napi_ok) {
      ReportUnreportable(env, "building onData arguments");
    } else if (napi_call_function(env, recv, fn, 1, &buffer, nullptr) == napi_pending_exception) {
      // onData threw (napi_pending_exception): never let it reach libuv; hand it to onError.
      napi_value exception = nullptr;
      if (napi_get_and_clear_last_exception(env, &exception) != napi_ok) exception = nullptr;
      if (!cb->closed) CallOnError(env, cb, 0, kCallbackThrew, 0, exception);
    }
  }
  napi_close_handle_scope(env, scope);
}

void FinalizeTsfn(napi_env env, void* finalize_data, void*) {
  auto* holder = static_cast<std::shared_ptr<SocketCallbacks>*>(finalize_data);
  SocketCallbacks* cb = holder->get();
  if (env != nullptr) {
    if (cb->on_data != nullptr) napi_delete_reference(env, cb->on_data);
    if (cb->on_error != nullptr) napi_delete_reference(env, cb->on_error);
  }
  cb->on_data = cb->on_error = nullptr;
  delete holder;
}

bool SetIntOption(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value) == 0;
}

int GetIntOption(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(fd, level, name, &value, &len) != 0) return -1;
  return value;
}

bool SetBuffer(int fd, int force_name, int name, int bytes) {
  return SetIntOption(fd, SOL_SOCKET, force_name, bytes) ||
         SetIntOption(fd, SOL_SOCKET, name, bytes);
}

bool AttachFilter(int fd, std::vector<struct sock_filter>* program) {
  struct sock_fprog fprog = {static_cast<unsigned short>(program->size()), program->data()};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) == 0;
}

bool DetachFilter(int fd) {
  int unused = 0;
  return setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof unused) == 0 ||
         errno == ENOENT;
}

}  // namespace netlink_native
