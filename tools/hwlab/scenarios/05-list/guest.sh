# Enumeration: what `edge-devices list` finds on the lab's devices.
edge-devices list --all-lines >list.txt 2>&1
echo "$?" >list.status
