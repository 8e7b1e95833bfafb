# Host checks for 50-edge-run (see guest.sh).
hwlab_check "$(grep -c '"frame":' camera.jsonl 2>/dev/null)" -ge 5 "edge-run: at least 5 vivid frames processed (JSON lines on stdout)"
hwlab_check_grep '"source":"/dev/video0"' camera.jsonl present "edge-run: frames came from the V4L2 camera /dev/video0"
hwlab_check_grep '"size":\[640,480\]' camera.jsonl present "edge-run: camera frames are 640x480"
hwlab_check_grep 'stats: ' camera.log present "edge-run: --stats printed a summary"
hwlab_check_grep '"GPIO17" output used by "edge-run"' camera-lines-held.txt present "edge-run: LED lines requested (consumer edge-run)"
hwlab_check "$(cat camera.status 2>/dev/null)" = 0 "edge-run: camera run exits 0 on SIGTERM"
hwlab_check "$(cat camera.stop-ms 2>/dev/null)" -lt 1000 "edge-run: camera run stopped within a second of SIGTERM"
hwlab_check_grep 'SIGTERM: stopping' camera.log present "edge-run: camera run logged the SIGTERM"
released=0
for line in GPIO17 GPIO27 GPIO22 GPIO23; do
    grep -q "\"$line\" .* free" camera-lines-released.txt 2>/dev/null || released=1
    grep -q "\"$line\" .* free" reaction-lines-released.txt 2>/dev/null || released=1
done
hwlab_check "$released" = 0 "edge-run: all four LED lines free after each SIGTERM"
hwlab_check "$(cat reaction-line0.value 2>/dev/null)" = 1 "edge-run: smiling sample turns the happy LED (GPIO17) on"
hwlab_check "$(cat reaction-line1.value reaction-line2.value reaction-line3.value 2>/dev/null | tr -d '\n')" = 000 \
    "edge-run: the other LED lines stay off"
hwlab_check_grep '"reaction":"happy"' reaction.jsonl present "edge-run: JSON lines report the happy reaction"
hwlab_check "$(cat reaction.status 2>/dev/null)" = 0 "edge-run: reaction run exits 0 on SIGTERM"
hwlab_check "$(cat reaction.stop-ms 2>/dev/null)" -lt 1000 "edge-run: reaction run stopped within a second of SIGTERM"
serial_camera="$(grep -c '"source":"/dev/video0"' "$HWLAB_SERIAL_LOG" 2>/dev/null)"
hwlab_check "${serial_camera:-0}" -ge 5 "edge-run: camera JSON lines arrived on the serial port (host file)"
hwlab_check_grep '"reaction":"happy"' "$HWLAB_SERIAL_LOG" present "edge-run: reaction JSON lines arrived on the serial port"
