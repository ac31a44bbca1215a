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

// Built from the C library's macros, so every number is this platform's own.
#define ERRNO_ENTRY(e) \
  { e, #e }
constexpr struct {
  int number;
  const char* name;
} kNames[] = {
    ERRNO_ENTRY(EPERM),
    ERRNO_ENTRY(ENOENT),
    ERRNO_ENTRY(ESRCH),
    ERRNO_ENTRY(EINTR),
    ERRNO_ENTRY(EIO),
    ERRNO_ENTRY(ENXIO),
    ERRNO_ENTRY(E2BIG),
    ERRNO_ENTRY(ENOEXEC),
    ERRNO_ENTRY(EBADF),
    ERRNO_ENTRY(ECHILD),
    ERRNO_ENTRY(EAGAIN),
    ERRNO_ENTRY(ENOMEM),
    ERRNO_ENTRY(EACCES),
    ERRNO_ENTRY(EFAULT),
    ERRNO_ENTRY(ENOTBLK),
    ERRNO_ENTRY(EBUSY),
    ERRNO_ENTRY(EEXIST),
    ERRNO_ENTRY(EXDEV),
    ERRNO_ENTRY(ENODEV),
    ERRNO_ENTRY(ENOTDIR),
    ERRNO_ENTRY(EISDIR),
    ERRNO_ENTRY(EINVAL),
    ERRNO_ENTRY(ENFILE),
    ERRNO_ENTRY(EMFILE),
    ERRNO_ENTRY(ENOTTY),
    ERRNO_ENTRY(ETXTBSY),
    ERRNO_ENTRY(EFBIG),
    ERRNO_ENTRY(ENOSPC),
    ERRNO_ENTRY(ESPIPE),
    ERRNO_ENTRY(EROFS),
    ERRNO_ENTRY(EMLINK),
    ERRNO_ENTRY(EPIPE),
    ERRNO_ENTRY(EDOM),
    ERRNO_ENTRY(ERANGE),
    ERRNO_ENTRY(EDEADLK),
    ERRNO_ENTRY(ENAMETOOLONG),
    ERRNO_ENTRY(ENOLCK),
    ERRNO_ENTRY(ENOSYS),
    ERRNO_ENTRY(ENOTEMPTY),
    ERRNO_ENTRY(ELOOP),
    ERRNO_ENTRY(ENOMSG),
    ERRNO_ENTRY(EIDRM),
    ERRNO_ENTRY(ECHRNG),
    ERRNO_ENTRY(EL2NSYNC),
    ERRNO_ENTRY(EL3HLT),
    ERRNO_ENTRY(EL3RST),
    ERRNO_ENTRY(ELNRNG),
    ERRNO_ENTRY(EUNATCH),
    ERRNO_ENTRY(ENOCSI),
    ERRNO_ENTRY(EL2HLT),
    ERRNO_ENTRY(EBADE),
    ERRNO_ENTRY(EBADR),
    ERRNO_ENTRY(EXFULL),
    ERRNO_ENTRY(ENOANO),
    ERRNO_ENTRY(EBADRQC),
    ERRNO_ENTRY(EBADSLT),
    ERRNO_ENTRY(EBFONT),
    ERRNO_ENTRY(ENOSTR),
    ERRNO_ENTRY(ENODATA),
    ERRNO_ENTRY(ETIME),
    ERRNO_ENTRY(ENOSR),
    ERRNO_ENTRY(ENONET),
    ERRNO_ENTRY(ENOPKG),
    ERRNO_ENTRY(EREMOTE),
    ERRNO_ENTRY(ENOLINK),
    ERRNO_ENTRY(EADV),
    ERRNO_ENTRY(ESRMNT),
    ERRNO_ENTRY(ECOMM),
    ERRNO_ENTRY(EPROTO),
    ERRNO_ENTRY(EMULTIHOP),
    ERRNO_ENTRY(EDOTDOT),
    ERRNO_ENTRY(EBADMSG),
    ERRNO_ENTRY(EOVERFLOW),
    ERRNO_ENTRY(ENOTUNIQ),
    ERRNO_ENTRY(EBADFD),
    ERRNO_ENTRY(EREMCHG),
    ERRNO_ENTRY(ELIBACC),
    ERRNO_ENTRY(ELIBBAD),
    ERRNO_ENTRY(ELIBSCN),
    ERRNO_ENTRY(ELIBMAX),
    ERRNO_ENTRY(ELIBEXEC),
    ERRNO_ENTRY(EILSEQ),
    ERRNO_ENTRY(ERESTART),
    ERRNO_ENTRY(ESTRPIPE),
    ERRNO_ENTRY(EUSERS),
    ERRNO_ENTRY(ENOTSOCK),
    ERRNO_ENTRY(EDESTADDRREQ),
    ERRNO_ENTRY(EMSGSIZE),
    ERRNO_ENTRY(EPROTOTYPE),
    ERRNO_ENTRY(ENOPROTOOPT),
    ERRNO_ENTRY(EPROTONOSUPPORT),
    ERRNO_ENTRY(ESOCKTNOSUPPORT),
    ERRNO_ENTRY(EOPNOTSUPP),
    ERRNO_ENTRY(EPFNOSUPPORT),
    ERRNO_ENTRY(EAFNOSUPPORT),
    ERRNO_ENTRY(EADDRINUSE),
    ERRNO_ENTRY(EADDRNOTAVAIL),
    ERRNO_ENTRY(ENETDOWN),
    ERRNO_ENTRY(ENETUNREACH),
    ERRNO_ENTRY(ENETRESET),
    ERRNO_ENTRY(ECONNABORTED),
    ERRNO_ENTRY(ECONNRESET),
    ERRNO_ENTRY(ENOBUFS),
    ERRNO_ENTRY(EISCONN),
    ERRNO_ENTRY(ENOTCONN),
    ERRNO_ENTRY(ESHUTDOWN),
    ERRNO_ENTRY(ETOOMANYREFS),
    ERRNO_ENTRY(ETIMEDOUT),
    ERRNO_ENTRY(ECONNREFUSED),
    ERRNO_ENTRY(EHOSTDOWN),
    ERRNO_ENTRY(EHOSTUNREACH),
    ERRNO_ENTRY(EALREADY),
    ERRNO_ENTRY(EINPROGRESS),
    ERRNO_ENTRY(ESTALE),
    ERRNO_ENTRY(EUCLEAN),
    ERRNO_ENTRY(ENOTNAM),
    ERRNO_ENTRY(ENAVAIL),
    ERRNO_ENTRY(EISNAM),
    ERRNO_ENTRY(EREMOTEIO),
    ERRNO_ENTRY(EDQUOT),
    ERRNO_ENTRY(ENOMEDIUM),
    ERRNO_ENTRY(EMEDIUMTYPE),
    ERRNO_ENTRY(ECANCELED),
    ERRNO_ENTRY(ENOKEY),
    ERRNO_ENTRY(EKEYEXPIRED),
    ERRNO_ENTRY(EKEYREVOKED),
    ERRNO_ENTRY(EKEYREJECTED),
    ERRNO_ENTRY(EOWNERDEAD),
    ERRNO_ENTRY(ENOTRECOVERABLE),
    ERRNO_ENTRY(ERFKILL),
    ERRNO_ENTRY(EHWPOISON),
};
#undef ERRNO_ENTRY

}  // namespace

const char* ErrnoName(int err) {
  for (const auto& e : kNames) {
    if (e.number == err) return e.name;
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
