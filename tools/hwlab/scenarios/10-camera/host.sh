# Host checks for 10-camera. vivid's default pattern is 75% colour bars: white, yellow, cyan, green,
# magenta, red, blue, black from left to right; their luma decreases bar by bar.
for run in yuyv grey yu12; do
    hwlab_check "$(cat "$run.status" 2>/dev/null)" = 0 "camera $run: edge-devices camera exited 0"
    hwlab_check_grep "check FAILED" "$run.txt" absent "camera $run: no failed capture checks"
done
hwlab_check_grep "vivid\|/dev/video" yuyv.txt present "camera yuyv: found by card name vivid"
hwlab_check_grep "640x480 YUYV" yuyv.txt present "camera yuyv: negotiated 640x480 YUYV"
hwlab_check_grep "640x480 YU12" yu12.txt present "camera yu12: MJPEG setting negotiated planar YUV 4:2:0 (YU12)"
hwlab_check_grep "320x[0-9]* GREY" grey.txt present "camera grey: negotiated GREY at width 320 (vivid keeps 16:9 here: 320x180)"
hwlab_check_grep "at 1/25 s" yuyv.txt present "camera yuyv: frame interval set with VIDIOC_S_PARM (1/30 asked, vivid gives 1/25)"
fps="$(sed -n 's/.*(\([0-9.]*\) fps).*/\1/p' yuyv.txt)"
hwlab_check "$(awk -v f="${fps:-0}" 'BEGIN { print (f >= 10 && f <= 40) ? 0 : 1 }')" = 0 "camera yuyv: frame rate ${fps:-?} fps within 10...40"

# Expected bar levels, measured from vivid's generator (rows near the bottom, below its text overlay):
# YUYV carries limited-range luma, GREY full-range. Tolerance +-12 covers colorimetry choices.
for run in yuyv grey yu12; do
    if [[ $run != grey ]]; then expected=(180 162 131 112 84 65 35 16); else expected=(190 176 149 136 54 40 13 0); fi
    file="$run.pgm"
    if [[ ! -s "$file" ]]; then hwlab_check 1 = 0 "camera $run: $file written"; continue; fi
    read -r width height < <(hwlab_image_size "$file")
    values=()
    for bar in 0 1 2 3 4 5 6 7; do
        values+=("$(hwlab_pixel "$file" $(((2 * bar + 1) * width / 16)) $((height - 8)))")
    done
    ok=0
    for bar in 0 1 2 3 4 5 6 7; do
        diff=$((values[bar] - expected[bar]))
        ((diff < -12 || diff > 12)) && ok=1
    done
    hwlab_check "$ok" = 0 "camera $run: colour bars' gray levels ${values[*]} match vivid's ${expected[*]} (+-12)"
done

hwlab_check "$(tr '\n' ' ' <replug.events 2>/dev/null)" = "unbound bound " "camera replug: vivid unbound and bound again during capture"
hwlab_check_grep "camera /dev/video0 lost" replug.txt present "camera replug: loss detected (ENODEV / poll error)"
hwlab_check_grep "reconnected" replug.txt present "camera replug: reconnected by card name with backoff"
hwlab_check_grep "reconnects: 1$" replug.txt present "camera replug: exactly one reconnect counted"
hwlab_check_grep "captured 75 of 75 frames" replug.txt present "camera replug: all 75 frames delivered across the replug"
hwlab_check "$(cat replug.status 2>/dev/null)" = 0 "camera replug: edge-devices camera exited 0"
