// deny-io-uring ENOSYS|EPERM PROGRAM [ARG...]
//
// Runs PROGRAM with io_uring_setup(2) failing as it does on a kernel built
// without io_uring (ENOSYS) or one that refuses it (EPERM: the
// kernel.io_uring_disabled sysctl, Docker's default seccomp profile), so the
// tests can check that fkvs-server falls back to epoll.
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int errno_named(const char* name) {
  if (strcmp(name, "ENOSYS") == 0) return ENOSYS;
  if (strcmp(name, "EPERM") == 0) return EPERM;
  return 0;
}

int main(int argc, char** argv) {
  int error = argc >= 3 ? errno_named(argv[1]) : 0;
  if (error == 0) {
    fprintf(stderr, "usage: %s ENOSYS|EPERM PROGRAM [ARG...]\n", argv[0]);
    return 2;
  }
  // A test tool, not a sandbox: it only has to make the server's own
  // io_uring_setup fail, so it leaves out the architecture check a
  // security filter needs.
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (error & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog program = {sizeof filter / sizeof filter[0], filter};
  // An unprivileged process may install a filter only once it can gain no privileges.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    perror("deny-io-uring: cannot install the seccomp filter");
    return 1;
  }
  execv(argv[2], argv + 2);
  fprintf(stderr, "deny-io-uring: cannot run %s: %s\n", argv[2], strerror(errno));
  return 127;
}
