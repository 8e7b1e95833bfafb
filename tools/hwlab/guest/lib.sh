# Helpers for scenario guest.sh scripts (sourced by guest/run; available to every scenario).

# hwlab_wait_for PATH SECONDS: waits until PATH exists.
hwlab_wait_for() {
    local path="$1" tenths=$(($2 * 10))
    while ((tenths > 0)); do
        [[ -e "$path" ]] && return 0
        sleep 0.1
        tenths=$((tenths - 1))
    done
    echo "guest: $path did not appear" >&2
    return 1
}

# hwlab_wait_until SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds or SECONDS of wall time pass.
hwlab_wait_until() {
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        (($(date +%s) >= deadline)) && return 1
        sleep 0.2
    done
}

# hwlab_screendump NAME: asks the host to save the screen (QEMU monitor `screendump`) as
# $HWLAB_RESULTS/NAME.ppm and waits until it is written.
hwlab_screendump() {
    local name="$1" relative="${HWLAB_RESULTS#"$HWLAB_RESULTS_ROOT"/}"
    mkdir -p "$HWLAB_RESULTS_ROOT/requests"
    echo "$relative/$name.ppm" >"$HWLAB_RESULTS_ROOT/requests/$relative-$name"
    local tenths=200
    while ((tenths > 0)); do
        [[ -e "$HWLAB_RESULTS_ROOT/requests/$relative-$name.done" ]] && return 0
        sleep 0.1
        tenths=$((tenths - 1))
    done
    echo "guest: screendump $name timed out" >&2
    return 1
}

# hwlab_gpio_sim_value OFFSET: the simulated level of line OFFSET of the lab chip (while it is requested).
hwlab_gpio_sim_value() {
    source "$HWLAB_RESULTS_ROOT/gpio-sim.env"
    cat /sys/devices/platform/"$HWLAB_GPIO_SIM_DEVICE"/"$HWLAB_GPIO_SIM_CHIP"/sim_gpio"$1"/value
}
