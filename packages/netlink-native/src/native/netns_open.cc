#include "netns_open.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

namespace netlink_native {

std::string NetnsTarget::Describe() const {
  if (has_path) return path;
  if (fd >= 0) return "netns fd " + std::to_string(fd);
  return "current netns";
}

bool EnterNetns(const NetnsTarget& target, SysError* error) {
  if (!target.IsSet()) return true;
  int nsfd = target.fd;
  if (target.has_path) {
    nsfd = open(target.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (nsfd < 0) {
      error->err = errno;
      error->what = "open " + target.path;
      return false;
    }
  }
  bool ok = setns(nsfd, CLONE_NEWNET) == 0;
  if (!ok) {
    error->err = errno;
    error->what = "setns " + target.Describe();
  }
  if (target.has_path) close(nsfd);
  return ok;
}

namespace {

struct SocketJob {
  const NetnsTarget* target;
  int domain, type, protocol;
  int fd = -1;
  SysError error;
};

int CreateSocket(SocketJob* job) {
  int fd = socket(job->domain, job->type | SOCK_CLOEXEC, job->protocol);
  if (fd < 0) {
    job->error.err = errno;
    job->error.what = "socket in " + job->target->Describe();
  }
  return fd;
}

void* SocketThread(void* arg) {
  auto* job = static_cast<SocketJob*>(arg);
  if (EnterNetns(*job->target, &job->error)) job->fd = CreateSocket(job);
  return nullptr;  // the thread, and its namespace membership, end here
}

}  // namespace

int OpenSocketInNetns(const NetnsTarget& target, int domain, int type, int protocol,
                      SysError* error) {
  SocketJob job{&target, domain, type, protocol, -1, SysError{}};
  if (!target.IsSet()) {
    job.fd = CreateSocket(&job);
  } else {
    pthread_t thread;
    int rc = pthread_create(&thread, nullptr, SocketThread, &job);
    if (rc != 0) {
      error->err = rc;
      error->what = "pthread_create for netns helper";
      return -1;
    }
    pthread_join(thread, nullptr);
  }
  if (job.fd < 0) *error = job.error;
  return job.fd;
}

}  // namespace netlink_native
