// Swift does not import C variadic functions; ioctl(2) is one. This fixes its third argument to a pointer,
// which is how every request used by the project passes its payload.
#include <sys/ioctl.h>
#include <termios.h>

static inline int edge_ioctl(int fd, unsigned long request, void *argument) {
    return ioctl(fd, request, argument);
}

// A 32-bit word shared between threads: sequentially consistent atomics (Swift imports no memory-order
// builtins) and futex(2), which is also variadic through syscall(2).
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline uint32_t edge_atomic_load(const uint32_t *word) { return __atomic_load_n(word, __ATOMIC_SEQ_CST); }
static inline void edge_atomic_store_release(uint32_t *word, uint32_t value) { __atomic_store_n(word, value, __ATOMIC_SEQ_CST); }
// Returns the value before the addition.
static inline uint32_t edge_atomic_fetch_add(uint32_t *word, uint32_t value) { return __atomic_fetch_add(word, value, __ATOMIC_SEQ_CST); }
static inline uint32_t edge_atomic_fetch_sub(uint32_t *word, uint32_t value) { return __atomic_fetch_sub(word, value, __ATOMIC_SEQ_CST); }
// Replaces *word by desired if it holds expected; returns whether it did.
static inline int edge_atomic_compare_exchange(uint32_t *word, uint32_t expected, uint32_t desired) {
    return __atomic_compare_exchange_n(word, &expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
// A CPU hint inside spin loops (PAUSE / YIELD): cheaper for the sibling hyperthread, no syscall.
static inline void edge_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}
// Sleeps while *word == expected (returns at once otherwise; spurious returns are possible).
static inline long edge_futex_wait(uint32_t *word, uint32_t expected) {
    return syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}
// Wakes up to `count` threads sleeping on word.
static inline long edge_futex_wake(uint32_t *word, int count) {
    return syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
}
#include <sched.h>
static inline int edge_sched_yield(void) { return sched_yield(); }

// Names the calling thread (what `top -H` and /proc/<pid>/task/*/comm show; at most 15 bytes are kept).
// prctl(2) is variadic.
#include <sys/prctl.h>
static inline int edge_name_this_thread(const char *name) { return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0); }
