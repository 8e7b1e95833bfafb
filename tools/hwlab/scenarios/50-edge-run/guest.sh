# edge-run on the emulated board (board-configs/qemu-lab.json: vivid camera, bochs display, gpio-sim LEDs
# GPIO17 happy / GPIO27 sad / GPIO22 angry / GPIO23 surprise, JSON lines on /dev/ttyS1).
# 1. Camera: edge-run reads vivid through V4L2 until SIGTERM; it must stop within a second and release all.
# 2. Reactions: edge-run replays the shipped samples in real time (the first is a smiling face); GPIO17 must go
#    to 1 on gpio-sim while the other LED lines stay 0, then SIGTERM must turn it off and release the lines.
source "$HWLAB_RESULTS_ROOT/gpio-sim.env"
cd "$HWLAB_REPO" || exit 1
config=board-configs/qemu-lab.json

# stop_timed NAME: SIGTERM to NAME's edge-run, waits, records exit status and milliseconds to exit.
stop_timed() {
    local name="$1" pid
    pid="$(cat "$HWLAB_RESULTS/$name.pid")"
    local start end
    start=$(date +%s%N)
    kill -TERM "$pid"
    wait "$pid"
    echo "$?" >"$HWLAB_RESULTS/$name.status"
    end=$(date +%s%N)
    echo $(((end - start) / 1000000)) >"$HWLAB_RESULTS/$name.stop-ms"
}

lines_at_least() { [[ $(wc -l <"$2" 2>/dev/null || echo 0) -ge $1 ]]; }
happy_led_on() { [[ "$(hwlab_gpio_sim_value 0 2>/dev/null)" == 1 ]]; }

# 1. Camera in, serial out, clean stop.
edge-run --config "$config" --source camera --stats --stats-every 2 \
    >"$HWLAB_RESULTS/camera.jsonl" 2>"$HWLAB_RESULTS/camera.log" &
echo $! >"$HWLAB_RESULTS/camera.pid"
hwlab_wait_until 60 lines_at_least 5 "$HWLAB_RESULTS/camera.jsonl"
edge-devices list --all-lines >"$HWLAB_RESULTS/camera-lines-held.txt" 2>&1
stop_timed camera
edge-devices list --all-lines >"$HWLAB_RESULTS/camera-lines-released.txt" 2>&1

# 2. A face in, LED out, clean stop with the LED on.
edge-run --config "$config" --source folder --input models/samples --frames-per-image 100 --realtime \
    --no-display --announce-after 0.3 \
    >"$HWLAB_RESULTS/reaction.jsonl" 2>"$HWLAB_RESULTS/reaction.log" &
echo $! >"$HWLAB_RESULTS/reaction.pid"
hwlab_wait_until 90 happy_led_on
for offset in 0 1 2 3; do hwlab_gpio_sim_value "$offset" >"$HWLAB_RESULTS/reaction-line$offset.value" 2>&1; done
stop_timed reaction
edge-devices list --all-lines >"$HWLAB_RESULTS/reaction-lines-released.txt" 2>&1
tail -3 "$HWLAB_RESULTS/camera.log" "$HWLAB_RESULTS/reaction.log"
