# A camera that comes and goes during an edge-run: vivid's platform device is unbound (its /dev/video0
# vanishes under the open file, as on a USB disconnect) and bound again, three times, while edge-run
# streams from it. Frames must resume after each rebind without a restart.
cd "$HWLAB_REPO" || exit 1
jsonl="$HWLAB_RESULTS/rebind.jsonl"
lines() { wc -l <"$jsonl" 2>/dev/null || echo 0; }
lines_above() { (($(lines) > $1)); }
edge-run --config board-configs/qemu-lab.json --source camera --no-display --no-leds --no-serial --quiet \
    --json-out "$jsonl" 2>"$HWLAB_RESULTS/rebind.log" &
pid=$!
hwlab_wait_until 60 lines_above 4
for cycle in 1 2 3; do
    echo vivid.0 >/sys/bus/platform/drivers/vivid/unbind && echo "unbound $cycle" >>"$HWLAB_RESULTS/rebind.events"
    sleep 1.5
    echo vivid.0 >/sys/bus/platform/drivers/vivid/bind && echo "bound $cycle" >>"$HWLAB_RESULTS/rebind.events"
    at_bind=$(lines)
    # Resumed: 5 more frames after the rebind (the reconnect backoff is at most a few seconds here).
    if hwlab_wait_until 30 lines_above $((at_bind + 5)); then resumed=1; else resumed=0; fi
    echo "$resumed" >"$HWLAB_RESULTS/resumed-$cycle"
done
kill -TERM "$pid"
wait "$pid"
echo "$?" >"$HWLAB_RESULTS/rebind.status"
grep -v '^stats' "$HWLAB_RESULTS/rebind.log" | tail -12
