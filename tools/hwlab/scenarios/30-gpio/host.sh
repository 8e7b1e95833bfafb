# Host checks for 30-gpio.
hwlab_check "$(cat gpio17.held 2>/dev/null)" = 1 "gpio: GPIO17 set 1 reads back 1 from gpio-sim"
hwlab_check "$(cat gpio27.held 2>/dev/null)" = 0 "gpio: GPIO27 active-low set 1 drives the pin low (0)"
hwlab_check "$(cat gpio22.held 2>/dev/null)" = 0 "gpio: chip:offset line 2 (GPIO22) set 0 reads back 0"
hwlab_check_grep 'GPIO17" output used by "edge-devices"' list-held.txt present "gpio: held line shows consumer edge-devices"
hwlab_check "$(cat busy.status 2>/dev/null)" = 1 "gpio: second request of GPIO17 fails"
hwlab_check_grep 'busy: held by "edge-devices"' busy.txt present "gpio: busy error names the consumer (edge-devices)"
for name in gpio17 gpio27 gpio22; do
    hwlab_check "$(cat "$name.status" 2>/dev/null)" = 0 "gpio: $name holder exited 0 on SIGTERM"
    hwlab_check_grep "received SIGTERM" "$name.txt" present "gpio: $name holder saw SIGTERM and released"
done
released=0
for line in GPIO17 GPIO27 GPIO22; do
    grep -q "\"$line\" .* free" list-released.txt 2>/dev/null || released=1
done
hwlab_check "$released" = 0 "gpio: GPIO17, GPIO27, GPIO22 free after SIGTERM"
hwlab_check "$(cat gpio23.status 2>/dev/null)" = 0 "gpio: timed hold of GPIO23 ends and exits 0"
hwlab_check_grep '"GPIO23" .* free' list-released.txt present "gpio: GPIO23 was free before its timed hold"
