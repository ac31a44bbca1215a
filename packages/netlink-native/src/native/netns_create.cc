#include "netns_create.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "packet_job.h"

namespace netlink_native {

namespace {

// The file a namespace is bind-mounted from: the job's own thread, never the process.
constexpr const char* kThreadNetns = "/proc/thread-self/ns/net";

class NetnsFileJob : public PacketJob {
 public:
  bool create = false;
  std::string dir;
  std::string name;

 protected:
  void Run() override {
    if (create) {
      Create();
    } else {
      Delete();
    }
  }

 private:
  std::string Path() const { return dir + "/" + name; }

  bool Fail(int err, const std::string& what) {
    error = {err, what};
    return false;
  }

  // The run directory exists and is a shared mount point, so a later umount of a namespace file
  // propagates to every mount namespace that holds a copy of it (as iproute2 arranges).
  bool PrepareDir() {
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Fail(errno, "mkdir " + dir);
    // Two callers at once (here or in `ip`) must not both turn the directory into a mount point.
    int lock = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0) return Fail(errno, "open " + dir);
    bool locked = flock(lock, LOCK_EX) == 0;  // best effort, as iproute2 does
    bool ok = MakeShared();
    if (locked) flock(lock, LOCK_UN);
    close(lock);
    return ok;
  }

  bool MakeShared() {
    bool bound = false;
    while (mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) != 0) {
      // EINVAL: not a mount point yet. Make it one (once), then try again.
      if (errno != EINVAL || bound) return Fail(errno, "mount --make-shared " + dir);
      if (mount(dir.c_str(), dir.c_str(), "none", MS_BIND | MS_REC, nullptr) != 0) {
        return Fail(errno, "mount --bind " + dir + " " + dir);
      }
      bound = true;
    }
    return true;
  }

  void Create() {
    if (!PrepareDir()) return;
    const std::string path = Path();
    int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (fd < 0) {
      Fail(errno, "create " + path);
      return;
    }
    close(fd);
    // Only this thread moves; it ends once the job is done.
    if (unshare(CLONE_NEWNET) != 0) {
      Fail(errno, "unshare(CLONE_NEWNET) for " + path);
    } else if (mount(kThreadNetns, path.c_str(), "none", MS_BIND, nullptr) != 0) {
      Fail(errno, std::string("mount --bind ") + kThreadNetns + " " + path);
    } else {
      return;
    }
    umount2(path.c_str(), MNT_DETACH);
    unlink(path.c_str());
  }

  void Delete() {
    const std::string path = Path();
    // Detached, so a process still inside, or an open fd, keeps the namespace alive, not the file.
    int umount_err = umount2(path.c_str(), MNT_DETACH) == 0 ? 0 : errno;
    if (unlink(path.c_str()) == 0) return;
    int err = errno;
    // A mount point that could not be unmounted cannot be unlinked (EBUSY): the refusal is why.
    if (err == EBUSY && umount_err == EPERM) {
      Fail(umount_err, "umount2 " + path);
    } else {
      Fail(err, "unlink " + path);
    }
  }
};

bool GetString(Napi::Object options, const char* key, std::string* out) {
  Napi::Env env = options.Env();
  Napi::Value value = options.Get(key);
  if (env.IsExceptionPending()) return false;
  if (!value.IsString()) {
    Napi::TypeError::New(env, std::string("options.") + key + " must be a string")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = value.As<Napi::String>().Utf8Value();
  return !env.IsExceptionPending();
}

// The same rule as iproute2: a non-empty single path component of at most NAME_MAX bytes.
bool ParseJob(const Napi::CallbackInfo& info, const char* call, NetnsFileJob* job) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, std::string(call) + " needs an options object")
        .ThrowAsJavaScriptException();
    return false;
  }
  Napi::Object options = info[0].As<Napi::Object>();
  if (!GetString(options, "dir", &job->dir) || !GetString(options, "name", &job->name)) {
    return false;
  }
  const std::string& name = job->name;
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos || name.size() > NAME_MAX) {
    Napi::TypeError::New(env, std::string(call) + ": invalid netns name \"" + name + "\"")
        .ThrowAsJavaScriptException();
    return false;
  }
  if (job->dir.empty() || job->dir.find('\0') != std::string::npos) {
    Napi::TypeError::New(env, std::string(call) + ": options.dir must be a directory path")
        .ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

Napi::Value Start(const Napi::CallbackInfo& info, bool create, const char* call) {
  auto* job = new NetnsFileJob();
  job->create = create;
  if (!ParseJob(info, call, job)) {
    delete job;
    return Napi::Value();
  }
  return StartPacketJob(info.Env(), job,
                        create ? "netlink-native:createNetns" : "netlink-native:deleteNetns");
}

}  // namespace

Napi::Value CreateNetns(const Napi::CallbackInfo& info) { return Start(info, true, "createNetns"); }

Napi::Value DeleteNetns(const Napi::CallbackInfo& info) {
  return Start(info, false, "deleteNetns");
}

}  // namespace netlink_native
