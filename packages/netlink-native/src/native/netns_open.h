// Opening a socket inside another network namespace without moving the JS thread.
//
// A socket belongs to the namespace its creating thread was in at socket() time, and keeps it
// for life. setns(CLONE_NEWNET) changes only the calling thread, so a short-lived helper thread
// enters the namespace, creates the socket, hands the fd back and exits: the JS thread (and
// libuv's pool) never change namespace, and nothing forks.
#pragma once

#include <string>

namespace netlink_native {

// Where a socket is opened. Neither set: the caller's own namespace.
struct NetnsTarget {
  bool has_path = false;
  std::string path;  // /var/run/netns/NAME or /proc/PID/ns/net
  int fd = -1;       // an open namespace fd; the caller keeps ownership
  bool IsSet() const { return has_path || fd >= 0; }
  std::string Describe() const;
};

// Why an operation failed: the errno and the step that failed ("open /var/run/netns/x").
struct SysError {
  int err = 0;
  std::string what;
};

// Moves the CALLING thread into the target namespace. Only for threads that exist to do this.
bool EnterNetns(const NetnsTarget& target, SysError* error);

// socket(domain, type | SOCK_CLOEXEC, protocol) created inside the target namespace (via a
// helper thread when a target is set). Returns the fd, or -1 with *error filled in.
int OpenSocketInNetns(const NetnsTarget& target, int domain, int type, int protocol,
                      SysError* error);

}  // namespace netlink_native
