#include <linux/videodev2.h>
#include <libv4l2.h>

// v4l2_ioctl is variadic, which Swift cannot call; every V4L2 request passes one pointer.
static inline int edge_v4l2_ioctl(int fd, unsigned long request, void *argument) {
    return v4l2_ioctl(fd, request, argument);
}

// v4l2_open is variadic too (the mode argument of open(2)).
static inline int edge_v4l2_open(const char *path, int flags) {
    return v4l2_open(path, flags);
}
