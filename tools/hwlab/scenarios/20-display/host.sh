# Host checks for 20-display: pixels of QEMU screendumps (PPM) against what edge-devices drew.
hwlab_check "$(cat pattern.status 2>/dev/null)" = 0 "display: test pattern run exited 0 after SIGTERM"
hwlab_check_grep "bochs" pattern.txt present "display: bochs card chosen by driver name"
hwlab_check_grep "received SIGTERM" pattern.txt present "display: SIGTERM handled (display restored, not killed)"
if [[ -s pattern.ppm ]]; then
    read -r width height < <(hwlab_image_size pattern.ppm)
    # Bars in the emotion palette (EdgeOverlay.EmotionPalette), FER2013 order.
    colors=("230 40 40" "120 170 30" "160 70 200" "250 210 0" "40 110 240" "255 140 0" "200 200 200")
    ok=0
    seen=()
    for bar in 0 1 2 3 4 5 6; do
        pixel="$(hwlab_pixel pattern.ppm $(((2 * bar + 1) * width / 14)) $((height / 3)))"
        seen+=("($pixel)")
        [[ "$pixel" == "${colors[bar]}" ]] || ok=1
    done
    hwlab_check "$ok" = 0 "display: seven emotion colour bars on screen ${seen[*]}"
    ok=0
    seen=()
    for step in 0 1 2 3 4 5 6 7; do
        pixel="$(hwlab_pixel pattern.ppm $(((2 * step + 1) * width / 16)) $((height * 5 / 6)))"
        level=$((step * 36))
        seen+=("${pixel%% *}")
        [[ "$pixel" == "$level $level $level" ]] || ok=1
    done
    hwlab_check "$ok" = 0 "display: gray ramp 0..252 on screen (${seen[*]})"
    hwlab_check "$(hwlab_count_color pattern.ppm 0 0 $((width / 2)) $((height / 20)) "255 255 255")" -gt 50 \
        "display: caption text drawn in white (bitmap font)"
else
    hwlab_check 1 = 0 "display: screendump pattern.ppm taken"
fi
hwlab_check "$(cat second.status 2>/dev/null)" = 1 "display: a second program while the first holds the card exits 1"
hwlab_check_grep "DRM master" second.txt present "display: ... with one warning that another program is DRM master"
if [[ -s before.ppm && -s after.ppm ]]; then
    differing="$(cmp -l before.ppm after.ppm 2>/dev/null | wc -l)"
    total="$(stat -c %s before.ppm)"
    hwlab_check "$((differing * 100 / total))" -lt 2 "display: previous CRTC content restored on exit ($differing of $total bytes differ)"
else
    hwlab_check 1 = 0 "display: screendumps before/after taken"
fi
if [[ -s image.ppm && -s ../10-camera/yuyv.pgm ]]; then
    read -r width height < <(hwlab_image_size image.ppm)
    read -r frame_width frame_height < <(hwlab_image_size ../10-camera/yuyv.pgm)
    # The frame is scaled to fit: compare the bars' centres (a row near the bottom, below vivid's text) in frame and screen.
    ok=0
    seen=()
    read -r px py pw ph < <(hwlab_fit "$frame_width" "$frame_height" "$width" "$height")
    for bar in 0 2 4 6; do
        fx=$(((2 * bar + 1) * frame_width / 16))
        fy=$((frame_height - 8))
        gray="$(hwlab_pixel ../10-camera/yuyv.pgm "$fx" "$fy")"
        pixel="$(hwlab_pixel image.ppm $((px + fx * pw / frame_width)) $((py + fy * ph / frame_height)))"
        seen+=("$gray:($pixel)")
        [[ "$pixel" == "$gray $gray $gray" ]] || ok=1
    done
    hwlab_check "$ok" = 0 "display: captured frame shown scaled to fit ${seen[*]}"
    # Face box 100,100,200,150 (happy: 250 210 0) mapped to the screen; its left edge column.
    bx=$((px + 100 * pw / frame_width + 1))
    by=$((py + 175 * ph / frame_height))
    hwlab_check "$(hwlab_pixel image.ppm "$bx" "$by")" = "250 210 0" "display: face box drawn in the 'happy' colour"
    hwlab_check "$(hwlab_count_color image.ppm "$((px + 100 * pw / frame_width))" "$((py + 250 * ph / frame_height))" 200 40 "250 210 0")" -gt 30 \
        "display: label text under the face box in the emotion colour"
else
    hwlab_check 1 = 0 "display: screendump image.ppm of the captured frame taken"
fi
