# Sourced by tools/faults/run and each fault check: starting edge-run on the looping samples, waiting,
# and the pass/FAIL tally. Each check gets its own folder in $FAULTS_WORK and the release edge-run in
# $EDGE_RUN.

FAULTS_PASSED=0
FAULTS_FAILED=0

# check DESCRIPTION COMMAND...: one pass/FAIL line.
check() {
    local description="$1"
    shift
    if "$@"; then
        FAULTS_PASSED=$((FAULTS_PASSED + 1))
        echo "pass: $description"
    else
        FAULTS_FAILED=$((FAULTS_FAILED + 1))
        echo "FAIL: $description"
    fi
}

# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s; false when SECONDS pass first.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.1
    done
}

line_count() { if [[ -f "$1" ]]; then wc -l <"$1"; else echo 0; fi; }
lines_at_least() { (($(line_count "$2") >= $1)); }
log_count() { grep -c -- "$1" "$2" 2>/dev/null || true; }

# start_edge_run LOG ARGS...: edge-run on models/samples in real time, looping, without display and LEDs;
# sets EDGE_RUN_PID. Standard output goes to /dev/null, standard error to LOG.
start_edge_run() {
    local log="$1"
    shift
    "$EDGE_RUN" --source folder --input models/samples --realtime --loop --no-display --no-leds "$@" \
        >/dev/null 2>"$log" &
    EDGE_RUN_PID=$!
}

# stop_edge_run: SIGTERM, waits; the exit status is in EDGE_RUN_STATUS.
stop_edge_run() {
    kill -TERM "$EDGE_RUN_PID" 2>/dev/null
    wait "$EDGE_RUN_PID"
    EDGE_RUN_STATUS=$?
}

# processed_frames LOG: the frame count of edge-run's closing line.
processed_frames() { sed -n 's/^edge-run: \([0-9]*\) frames processed.*/\1/p' "$1" | tail -1; }

# frames_increase FILE...: the "frame" numbers of the files' JSON lines, in order, strictly increase.
frames_increase() {
    cat "$@" | grep -o '"frame":[0-9]*' | cut -d: -f2 | awk 'NR > 1 && $1 <= last { bad = 1 } { last = $1 } END { exit bad }'
}

# board_config DESTINATION [SERIAL]: the generic board config, its serial section replaced by SERIAL (a JSON
# object) when given.
board_config() {
    local destination="$1" serial="${2:-}"
    if [[ -z "$serial" ]]; then
        cp board-configs/generic-pc-usb-webcam.json "$destination"
    else
        sed "s|^  \"serial\": .*|  \"serial\": $serial,|" board-configs/generic-pc-usb-webcam.json >"$destination"
    fi
}
