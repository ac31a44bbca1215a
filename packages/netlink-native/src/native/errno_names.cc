#include "errno_names.h"

#include <errno.h>
#include <string.h>

namespace netlink_native {

namespace {

// Kernel-internal errno values (include/linux/errno.h) that netlink can still hand to user
// space in an NLMSG_ERROR; the C library knows neither their names nor their text.
struct InternalErrno {
  int number;
  const char* name;
  const char* message;
};
constexpr InternalErrno kInternal[] = {
    {512, "ERESTARTSYS", "Restart system call"},
    {513, "ERESTARTNOINTR", "Restart system call (no interrupt)"},
    {514, "ERESTARTNOHAND", "Restart if no handler"},
    {515, "ENOIOCTLCMD", "No ioctl command"},
    {516, "ERESTART_RESTARTBLOCK", "Restart by calling sys_restart_syscall"},
    {517, "EPROBE_DEFER", "Driver requests probe retry"},
    {518, "EOPENSTALE", "Open found a stale dentry"},
    {519, "ENOPARAM", "Parameter not supported"},
    {521, "EBADHANDLE", "Illegal NFS file handle"},
    {522, "ENOTSYNC", "Update synchronization mismatch"},
    {523, "EBADCOOKIE", "Cookie is stale"},
    {524, "ENOTSUPP", "Operation is not supported"},
    {525, "ETOOSMALL", "Buffer or request is too small"},
    {526, "ESERVERFAULT", "An untranslatable error occurred"},
    {527, "EBADTYPE", "Type not supported by server"},
    {528, "EJUKEBOX", "Request initiated, but will not complete before timeout"},
    {529, "EIOCBQUEUED", "iocb queued, will get completion event"},
    {530, "ERECALLCONFLICT", "Conflict with recalled state"},
};

const InternalErrno* FindInternal(int err) {
  for (const auto& e : kInternal) {
    if (e.number == err) return &e;
  }
  return nullptr;
}

// glibc (with _GNU_SOURCE, which g++ defines) returns char*; musl and XSI return int. Overloads
// pick whichever this C library provides.
[[maybe_unused]] const char* StrerrorResult(const char* r, const char*) { return r; }
[[maybe_unused]] const char* StrerrorResult(int r, const char* buf) {
  return r == 0 ? buf : nullptr;
}

}  // namespace

const char* ErrnoName(int err) {
  switch (err) {
#define NAME(e) \
  case e:       \
    return #e;
    NAME(EPERM)
    NAME(ENOENT) NAME(ESRCH) NAME(EINTR) NAME(EIO) NAME(ENXIO) NAME(E2BIG) NAME(ENOEXEC) NAME(
        EBADF) NAME(ECHILD) NAME(EAGAIN) NAME(ENOMEM) NAME(EACCES) NAME(EFAULT) NAME(ENOTBLK)
        NAME(EBUSY) NAME(EEXIST) NAME(EXDEV) NAME(ENODEV) NAME(ENOTDIR) NAME(EISDIR) NAME(
            EINVAL) NAME(ENFILE) NAME(EMFILE) NAME(ENOTTY) NAME(ETXTBSY) NAME(EFBIG) NAME(ENOSPC)
            NAME(ESPIPE) NAME(EROFS) NAME(EMLINK) NAME(EPIPE) NAME(EDOM) NAME(ERANGE) NAME(
                EDEADLK) NAME(ENAMETOOLONG) NAME(ENOLCK) NAME(ENOSYS) NAME(ENOTEMPTY) NAME(ELOOP)
                NAME(ENOMSG) NAME(EIDRM) NAME(ECHRNG) NAME(EL2NSYNC) NAME(EL3HLT) NAME(EL3RST) NAME(
                    ELNRNG) NAME(EUNATCH) NAME(ENOCSI) NAME(EL2HLT) NAME(EBADE) NAME(EBADR)
                    NAME(EXFULL) NAME(ENOANO) NAME(EBADRQC) NAME(EBADSLT) NAME(EBFONT) NAME(ENOSTR)
                        NAME(ENODATA) NAME(ETIME) NAME(ENOSR) NAME(ENONET) NAME(ENOPKG) NAME(
                            EREMOTE) NAME(ENOLINK) NAME(EADV) NAME(ESRMNT) NAME(ECOMM) NAME(EPROTO)
                            NAME(EMULTIHOP) NAME(EDOTDOT) NAME(EBADMSG) NAME(EOVERFLOW) NAME(
                                ENOTUNIQ) NAME(EBADFD) NAME(EREMCHG) NAME(ELIBACC) NAME(ELIBBAD)
                                NAME(ELIBSCN) NAME(ELIBMAX) NAME(ELIBEXEC) NAME(EILSEQ) NAME(
                                    ERESTART) NAME(ESTRPIPE) NAME(EUSERS) NAME(ENOTSOCK)
                                    NAME(EDESTADDRREQ) NAME(EMSGSIZE) NAME(EPROTOTYPE) NAME(
                                        ENOPROTOOPT) NAME(EPROTONOSUPPORT) NAME(ESOCKTNOSUPPORT)
                                        NAME(EOPNOTSUPP) NAME(
                                            EPFNOSUPPORT) NAME(EAFNOSUPPORT)
                                            NAME(EADDRINUSE) NAME(EADDRNOTAVAIL) NAME(ENETDOWN) NAME(
                                                ENETUNREACH) NAME(ENETRESET) NAME(ECONNABORTED)
                                                NAME(ECONNRESET) NAME(ENOBUFS) NAME(EISCONN) NAME(
                                                    ENOTCONN) NAME(ESHUTDOWN)
                                                    NAME(ETOOMANYREFS) NAME(ETIMEDOUT) NAME(
                                                        ECONNREFUSED) NAME(EHOSTDOWN)
                                                        NAME(EHOSTUNREACH) NAME(EALREADY) NAME(
                                                            EINPROGRESS) NAME(ESTALE) NAME(EUCLEAN)
                                                            NAME(ENOTNAM) NAME(
                                                                ENAVAIL) NAME(EISNAM) NAME(EREMOTEIO)
                                                                NAME(EDQUOT) NAME(ENOMEDIUM) NAME(
                                                                    EMEDIUMTYPE) NAME(ECANCELED)
                                                                    NAME(ENOKEY) NAME(EKEYEXPIRED)
                                                                        NAME(EKEYREVOKED) NAME(
                                                                            EKEYREJECTED)
                                                                            NAME(EOWNERDEAD) NAME(
                                                                                ENOTRECOVERABLE)
                                                                                NAME(ERFKILL)
                                                                                    NAME(EHWPOISON)
#undef NAME
                                                                                        default
        : break;
  }
  const InternalErrno* internal = FindInternal(err);
  return internal != nullptr ? internal->name : "UNKNOWN";
}

std::string ErrnoMessage(int err) {
  const InternalErrno* internal = FindInternal(err);
  if (internal != nullptr) return internal->message;
  char buf[256];
  buf[0] = '\0';
  const char* text = StrerrorResult(strerror_r(err, buf, sizeof buf), buf);
  if (text == nullptr || text[0] == '\0') return "Unknown error " + std::to_string(err);
  return text;
}

}  // namespace netlink_native
