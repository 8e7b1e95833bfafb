# Serial: JSON lines to the guest's second UART (/dev/ttyS1), which QEMU writes to a host file.
edge-devices serial --port /dev/ttyS1 --baud 115200 --message "hwlab serial check" --count 5 >serial.txt 2>&1
echo "$?" >serial.status
cat serial.txt
