# Sourced by tools/hwlab/run: the host-side check helpers scenario host.sh scripts use, and the tally.
HWLAB_PASSED=0
HWLAB_FAILED=0

# hwlab_check ACTUAL OPERATOR EXPECTED DESCRIPTION: OPERATOR is a `test` operator (=, !=, -eq, -gt, -lt...).
hwlab_check() {
    local actual="$1" operator="$2" expected="$3" description="$4"
    if [[ -n "$actual" ]] && test "$actual" "$operator" "$expected" 2>/dev/null; then
        HWLAB_PASSED=$((HWLAB_PASSED + 1))
        echo "pass: $description"
    else
        HWLAB_FAILED=$((HWLAB_FAILED + 1))
        echo "FAIL: $description (got '${actual}', wanted $operator '$expected')"
    fi
}

# hwlab_check_grep PATTERN FILE present|absent DESCRIPTION
hwlab_check_grep() {
    local pattern="$1" file="$2" want="$3" description="$4" found=absent
    [[ -f "$file" ]] && grep -q -- "$pattern" "$file" && found=present
    if [[ ! -f "$file" ]]; then found="missing file $file"; fi
    hwlab_check "$found" = "$want" "$description"
}

# Header length of a binary PGM/PPM written without comments (P5/P6, size, maxval: three lines).
hwlab_header_length() { head -n 3 "$1" | wc -c; }

# hwlab_image_size FILE: prints "width height".
hwlab_image_size() { sed -n 2p "$1"; }

# hwlab_pixel FILE X Y: the gray value (PGM) or "r g b" (PPM) at (X, Y).
hwlab_pixel() {
    local file="$1" x="$2" y="$3" width channels=1
    read -r width _ < <(hwlab_image_size "$file")
    [[ "$(head -c 2 "$file")" == P6 ]] && channels=3
    local offset=$(($(hwlab_header_length "$file") + (y * width + x) * channels))
    od -An -tu1 -v -j "$offset" -N "$channels" "$file" | xargs
}

# hwlab_count_color FILE X Y W H "R G B": pixels of exactly that colour in the rectangle (PPM).
hwlab_count_color() {
    local file="$1" x="$2" y="$3" w="$4" h="$5" color="$6" width header row total=0
    read -r width _ < <(hwlab_image_size "$file")
    header="$(hwlab_header_length "$file")"
    for ((row = y; row < y + h; row++)); do
        total=$((total + $(od -An -tu1 -v -j $((header + (row * width + x) * 3)) -N $((w * 3)) "$file" |
            tr -s ' \n' '\n\n' | grep -v '^$' | paste -d' ' - - - | grep -cx "$color")))
    done
    echo "$total"
}

# hwlab_fit SOURCE_W SOURCE_H CANVAS_W CANVAS_H: "x y w h" of the aspect-preserving centred fit
# (the same integer arithmetic as EdgeOverlay's Placement.fitting).
hwlab_fit() {
    local sw="$1" sh="$2" cw="$3" ch="$4" w="$3" h="$4"
    if ((cw * sh > ch * sw)); then w=$((ch * sw / sh)); else h=$((cw * sh / sw)); fi
    echo "$(((cw - w) / 2)) $(((ch - h) / 2)) $w $h"
}
