# Host checks for 40-serial: the lines arrived in the file behind QEMU's second serial port.
hwlab_check "$(cat serial.status 2>/dev/null)" = 0 "serial: edge-devices serial exited 0"
hwlab_check_grep "5 lines to /dev/ttyS1 at 115200 baud, 0 dropped" serial.txt present "serial: 5 lines queued, none dropped"
received="$(grep -c '^{"message":"hwlab serial check","index":[0-4]}' "$HWLAB_SERIAL_LOG" 2>/dev/null)"
hwlab_check "${received:-0}" = 5 "serial: 5 JSON lines arrived in the host file"
hwlab_check "$(tr -d '\r' <"$HWLAB_SERIAL_LOG" | grep -c '"index":4}$')" = 1 "serial: the last line arrived whole (raw mode, no mangling)"
