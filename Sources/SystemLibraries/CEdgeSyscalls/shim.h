// Swift does not import C variadic functions; ioctl(2) is one. This fixes its third argument to a pointer,
// which is how every request used by the project passes its payload.
#include <sys/ioctl.h>
#include <termios.h>

static inline int edge_ioctl(int fd, unsigned long request, void *argument) {
    return ioctl(fd, request, argument);
}
