# Host checks for 60-camera-rebind (see guest.sh).
hwlab_check "$(grep -c '^bound' rebind.events 2>/dev/null)" = 3 "camera rebind: vivid unbound and bound again 3 times during edge-run"
for cycle in 1 2 3; do
    hwlab_check "$(cat "resumed-$cycle" 2>/dev/null)" = 1 "camera rebind: frames resumed after rebind $cycle"
done
hwlab_check "$(grep -c 'camera /dev/video0 reconnected' rebind.log 2>/dev/null)" -ge 3 "camera rebind: edge-run logged the camera reconnected each time"
hwlab_check "$(grep -c '"source":"/dev/video0"' rebind.jsonl 2>/dev/null)" -ge 20 "camera rebind: JSON lines from /dev/video0 throughout"
hwlab_check "$(cat rebind.status 2>/dev/null)" = 0 "camera rebind: edge-run exits 0 on SIGTERM"
