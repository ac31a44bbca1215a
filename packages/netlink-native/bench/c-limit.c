// The kernel's limit for address add/delete from one socket: the least userspace work that still
// does the job. 64 requests go out per sendmsg and the only thing read back is the ACKs (drained
// 64 at a time with recvmmsg; NETLINK_CAP_ACK keeps them small). The benchmark measures our
// library against this program, so it must stay minimal and send exactly what every other
// contender sends: RTM_NEWADDR with REQUEST|ACK|CREATE|EXCL (RTM_DELADDR with REQUEST|ACK),
// IFA_LOCAL + IFA_ADDRESS, ifa_flags NODAD for IPv6, no IFA_CACHEINFO.
//
// It speaks the benchmark's worker protocol on stdin/stdout (one command per line):
//   add <4|6> <count> <ifindex>   ->  ok <elapsed ns> <process CPU ns>   (or: err <errno> <text>)
//   del <4|6> <count> <ifindex>   ->  ok <elapsed ns> <process CPU ns>
// Address i (0-based) is 100.64.0.0 + i + 1 for IPv4 and fd00:b::N:0:1 (N = i + 1 in bits 32-63)
// for IPv6, the same sequence bench/workers/addresses.ts generates for everyone else.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef BATCH
#define BATCH 64
#endif
#define ACK_SPACE 256
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

struct addr_req {
  struct nlmsghdr nh;
  struct ifaddrmsg ifa;
  char attrs[2 * RTA_SPACE(16)];
};

static int fd = -1;
static uint32_t seq = 1;
static struct addr_req reqs[BATCH];
static struct iovec send_iov[BATCH];
static char acks[BATCH][ACK_SPACE];
static struct iovec ack_iov[BATCH];
static struct mmsghdr ack_msgs[BATCH];

static uint64_t clock_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_attr(struct nlmsghdr* nh, unsigned short type, const void* data, size_t len) {
  struct rtattr* rta = (struct rtattr*)((char*)nh + NLMSG_ALIGN(nh->nlmsg_len));
  rta->rta_type = type;
  rta->rta_len = RTA_LENGTH(len);
  memcpy(RTA_DATA(rta), data, len);
  nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_SPACE(len);
}

// Address i of the shared sequence, in network byte order; returns its length.
static size_t address_at(int family, uint32_t i, unsigned char* out) {
  if (family == 4) {
    uint32_t v = htonl(0x64400000u + i + 1);  // 100.64.0.0 + i + 1
    memcpy(out, &v, 4);
    return 4;
  }
  // Every IPv6 address ends in 00:0001, so all share one solicited-node multicast group: each add
  // would otherwise join a new group and the kernel's MLD work would swamp what is measured.
  static const unsigned char prefix[8] = {0xfd, 0x00, 0x00, 0x0b, 0, 0, 0, 0};
  uint32_t n = htonl(i + 1);
  static const unsigned char suffix[4] = {0, 0, 0, 1};
  memcpy(out, prefix, 8);
  memcpy(out + 8, &n, 4);
  memcpy(out + 12, suffix, 4);
  return 16;
}

static void build(struct addr_req* r, int add, int family, uint32_t i, int ifindex) {
  unsigned char addr[16];
  size_t len = address_at(family, i, addr);
  memset(r, 0, sizeof(*r));
  r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
  r->nh.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
  r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
  r->nh.nlmsg_seq = seq++;
  r->ifa.ifa_family = family == 4 ? AF_INET : AF_INET6;
  r->ifa.ifa_prefixlen = family == 4 ? 32 : 128;
  r->ifa.ifa_flags = family == 6 ? IFA_F_NODAD : 0;
  r->ifa.ifa_scope = RT_SCOPE_UNIVERSE;
  r->ifa.ifa_index = (unsigned)ifindex;
  put_attr(&r->nh, IFA_LOCAL, addr, len);
  put_attr(&r->nh, IFA_ADDRESS, addr, len);
}

// Sends `count` requests, 64 per sendmsg, reading back exactly one ACK per request.
// Returns 0, or a negative errno (the first failed request's) with *failed set to its index.
static int run(int add, int family, uint32_t count, int ifindex, uint32_t* failed) {
  for (uint32_t done = 0; done < count;) {
    uint32_t n = count - done < BATCH ? count - done : BATCH;
    uint32_t first_seq = seq;
    for (uint32_t k = 0; k < n; k++) {
      build(&reqs[k], add, family, done + k, ifindex);
      send_iov[k].iov_base = &reqs[k];
      send_iov[k].iov_len = reqs[k].nh.nlmsg_len;
    }
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    struct msghdr mh = {
        .msg_name = &kernel, .msg_namelen = sizeof(kernel), .msg_iov = send_iov, .msg_iovlen = n};
    if (sendmsg(fd, &mh, 0) < 0) return -errno;
    for (uint32_t got = 0; got < n;) {
      int r = recvmmsg(fd, ack_msgs, n - got, 0, NULL);
      if (r < 0) {
        if (errno == EINTR) continue;
        return -errno;
      }
      for (int m = 0; m < r; m++) {
        struct nlmsghdr* nh = (struct nlmsghdr*)acks[m];
        if (nh->nlmsg_type != NLMSG_ERROR) return -EPROTO;
        const struct nlmsgerr* e = NLMSG_DATA(nh);
        if (e->error != 0) {
          *failed = done + (nh->nlmsg_seq - first_seq);
          return e->error;
        }
        if (nh->nlmsg_seq != first_seq + got + (uint32_t)m) return -EPROTO;
      }
      got += (uint32_t)r;
    }
    done += n;
  }
  return 0;
}

int main(void) {
  fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  int one = 1, rcvbuf = 4 << 20;
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr*)&local, sizeof(local)) < 0) {
    perror("bind");
    return 1;
  }
  for (int m = 0; m < BATCH; m++) {
    ack_iov[m].iov_base = acks[m];
    ack_iov[m].iov_len = ACK_SPACE;
    ack_msgs[m].msg_hdr.msg_iov = &ack_iov[m];
    ack_msgs[m].msg_hdr.msg_iovlen = 1;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("ready c-limit\n");
  char line[256], op[16];
  int family, ifindex;
  unsigned count;
  while (fgets(line, sizeof(line), stdin)) {
    if (sscanf(line, "%15s %d %u %d", op, &family, &count, &ifindex) != 4 ||
        (strcmp(op, "add") != 0 && strcmp(op, "del") != 0) || (family != 4 && family != 6)) {
      printf("err %d bad command: %s", EINVAL, line);
      continue;
    }
    uint32_t failed = 0;
    uint64_t t0 = clock_ns(CLOCK_MONOTONIC), cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    int rc = run(strcmp(op, "add") == 0, family, count, ifindex, &failed);
    uint64_t t1 = clock_ns(CLOCK_MONOTONIC), cpu1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    if (rc != 0)
      printf("err %d %s (request %u)\n", -rc, strerror(-rc), failed);
    else
      printf("ok %llu %llu\n", (unsigned long long)(t1 - t0), (unsigned long long)(cpu1 - cpu0));
  }
  return 0;
}
