# Sourced by tools/hwlab/run. Builds a busybox-static initramfs that loads virtio + 9p, mounts the
# host's / read-only and the results share, and chroots into the host root to run guest/run.
# Result (exported): HWLAB_INITRAMFS.

hwlab_build_initramfs() {
    local abi="$HWLAB_KERNEL_ABI" kernel_root="$HWLAB_KERNEL_ROOT"
    local output="$HWLAB_CACHE/initramfs-$abi.cpio.gz"
    export HWLAB_INITRAMFS="$output"
    local init_source="$HWLAB_DIR/initramfs/init"
    if [[ -f "$output" && "$output" -nt "$init_source" ]]; then return 0; fi
    local busybox
    busybox="$(command -v busybox)" || { echo "hwlab: busybox (busybox-static) is not installed" >&2; return 1; }
    local stage
    stage="$(mktemp -d)"
    mkdir -p "$stage"/{bin,dev,proc,sys,newroot,modules}
    cp "$busybox" "$stage/bin/busybox"
    cp "$init_source" "$stage/init"
    chmod +x "$stage/init"
    # Modules in dependency order (modprobe resolves it against the extracted tree), each once.
    local module line
    : >"$stage/modules/order"
    for module in virtio_pci 9pnet_virtio 9p; do
        while read -r line; do
            # "insmod <path> [options]": the path (which may hold spaces) ends at ".ko" and its compression suffix.
            [[ "$line" =~ ^insmod\ (.*\.ko(\.[a-z]+)?)(\ .*)?$ ]] || continue
            local path="${BASH_REMATCH[1]}"
            local name
            name="$(basename "$path")"
            grep -qx "$name" "$stage/modules/order" && continue
            cp "$path" "$stage/modules/$name"
            echo "$name" >>"$stage/modules/order"
        done < <(modprobe -d "$kernel_root" -S "$abi" --show-depends "$module")
    done
    (cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1 >"$output.tmp") && mv "$output.tmp" "$output"
    local status=$?
    rm -rf "$stage"
    return $status
}
