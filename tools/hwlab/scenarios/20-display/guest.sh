# Display: the test pattern on bochs through DRM (dumb buffers, page flip), checked by a host
# screendump; a second program meanwhile must find the card taken (not master) and go headless; after
# exit the previous CRTC content is back; then the camera's frame is shown scaled, with a face box.
hwlab_screendump before
edge-devices display --card bochs --test-pattern --seconds 30 --ready-file pattern.ready >pattern.txt 2>&1 &
pid=$!
hwlab_wait_for pattern.ready 20
hwlab_screendump pattern
edge-devices display --card bochs --test-pattern --seconds 1 >second.txt 2>&1
echo "$?" >second.status
kill -TERM "$pid"
wait "$pid"
echo "$?" >pattern.status
sleep 0.5
hwlab_screendump after

frame="$HWLAB_RESULTS_ROOT/10-camera/yuyv.pgm"
if [[ -s "$frame" ]]; then
    edge-devices display --card bochs --image "$frame" --face 100,100,200,150,3 --seconds 30 \
        --ready-file image.ready >image.txt 2>&1 &
    pid=$!
    hwlab_wait_for image.ready 20
    hwlab_screendump image
    kill -TERM "$pid"
    wait "$pid"
    echo "$?" >image.status
fi
cat pattern.txt second.txt image.txt 2>/dev/null
