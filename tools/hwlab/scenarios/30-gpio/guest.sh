# GPIO: edge-devices drives gpio-sim lines through the v2 uAPI; the simulated pin levels are read from
# sysfs while held, the busy error is provoked, and release on SIGTERM is observed.
# Lines (guest/run): offset 0 GPIO17, 1 GPIO27, 2 GPIO22, 3 GPIO23.
source "$HWLAB_RESULTS_ROOT/gpio-sim.env"

hold() { # name args... : starts a holder in the background and waits until it reports holding
    local name="$1"
    shift
    edge-devices gpio "$@" >"$name.txt" 2>&1 &
    echo $! >"$name.pid"
    local tenths=100
    until grep -q holding "$name.txt" 2>/dev/null || ((tenths == 0)); do sleep 0.1; tenths=$((tenths - 1)); done
}

hold gpio17 --line GPIO17 --set 1
hold gpio27 --line GPIO27 --set 1 --active-low
hold gpio22 --line "$HWLAB_GPIO_SIM_CHIP:2" --set 0
hwlab_gpio_sim_value 0 >gpio17.held
hwlab_gpio_sim_value 1 >gpio27.held
hwlab_gpio_sim_value 2 >gpio22.held
edge-devices list --all-lines >list-held.txt 2>&1

# A second request for a held line must fail and name the holder.
edge-devices gpio --line GPIO17 --set 1 --hold-seconds 0 --consumer second >busy.txt 2>&1
echo "$?" >busy.status

for name in gpio17 gpio27 gpio22; do kill -TERM "$(cat "$name.pid")"; done
for name in gpio17 gpio27 gpio22; do wait "$(cat "$name.pid")"; echo "$?" >"$name.status"; done
edge-devices list --all-lines >list-released.txt 2>&1

# A timed hold ends by itself and releases too.
edge-devices gpio --line GPIO23 --set 1 --hold-seconds 1 >gpio23.txt 2>&1
echo "$?" >gpio23.status
cat gpio17.txt gpio27.txt gpio22.txt busy.txt gpio23.txt list-held.txt list-released.txt
