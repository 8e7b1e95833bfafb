// The kernel's GPIO character device uAPI (v2 line requests, chip and line info); no libgpiod.
#include <linux/gpio.h>
