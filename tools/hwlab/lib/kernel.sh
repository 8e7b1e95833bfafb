# Sourced by tools/hwlab/run. Prepares, under $HWLAB_CACHE, Debian's own kernel and modules plus the
# out-of-tree gpio-sim and irq_sim modules built from Debian's linux-source of the same version.
# Nothing is installed on the host: packages are fetched with `apt-get download` and extracted.
# Result (exported): HWLAB_KERNEL_ABI, HWLAB_KERNEL_ROOT (extracted tree with lib/modules/<abi>), HWLAB_VMLINUZ.

hwlab_fetch_deb() { # package[=version] destination-dir
    local spec="$1" destination="$2"
    mkdir -p "$destination"
    (cd "$destination" && ls ./*.deb >/dev/null 2>&1) && return 0
    (cd "$destination" && timeout 600 apt-get download -q -o APT::Sandbox::User=root "$spec" >/dev/null) ||
        { echo "hwlab: apt-get download $spec failed" >&2; return 1; }
}

hwlab_prepare_kernel() {
    local cache="$HWLAB_CACHE"
    local meta_version abi
    # A fresh machine (or container) may have no package lists yet.
    apt-cache show linux-image-amd64 >/dev/null 2>&1 || apt-get update -qq || true
    # The metapackage names the current ABI, e.g. Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2).
    read -r abi meta_version < <(apt-cache show linux-image-amd64 | awk '
        /^Version:/ { if (!seen) version = $2 }
        /^Depends:/ && !seen { sub(/^linux-image-/, "", $2); print $2, version; seen = 1 }')
    [[ -n "$abi" ]] || { echo "hwlab: cannot resolve the kernel ABI from linux-image-amd64" >&2; return 1; }
    local series="${abi%%.0-*}" # 6.1
    local kernel_dir="$cache/kernel-$abi"
    export HWLAB_KERNEL_ABI="$abi"
    export HWLAB_KERNEL_ROOT="$kernel_dir/root"
    export HWLAB_VMLINUZ="$kernel_dir/root/boot/vmlinuz-$abi"
    if [[ -f "$kernel_dir/ready" ]]; then return 0; fi

    echo "hwlab: preparing kernel $abi ($meta_version) in $kernel_dir"
    rm -rf "$kernel_dir"
    mkdir -p "$kernel_dir/debs"
    local package
    for package in "linux-image-$abi" "linux-headers-$abi" "linux-headers-${abi%-*}-common" \
        "linux-kbuild-$series" "linux-source-$series"; do
        hwlab_fetch_deb "$package=$meta_version" "$kernel_dir/debs/$package" || return 1
    done
    dpkg-deb -x "$kernel_dir"/debs/linux-image-$abi/*.deb "$kernel_dir/root"
    # Kbuild cannot take a path with spaces (M=, the headers' include lines): the module is built in a
    # scratch folder under TMPDIR and only the two .ko files are copied into the cache.
    local work
    work="$(mktemp -d "${TMPDIR:-/tmp}/hwlab-kbuild.XXXXXX")" || return 1
    [[ "$work" != *" "* ]] || { echo "hwlab: TMPDIR ($work) has a space; Kbuild cannot build there" >&2; rm -rf "$work"; return 1; }
    local build="$work/build"
    mkdir -p "$build"
    for package in "linux-headers-$abi" "linux-headers-${abi%-*}-common" "linux-kbuild-$series"; do
        dpkg-deb -x "$kernel_dir"/debs/$package/*.deb "$build"
    done
    # The headers' Makefile includes the common tree by its absolute install path: point it at the extraction.
    sed -i "s|include /usr/src/|include $build/usr/src/|" "$build/usr/src/linux-headers-$abi/Makefile"
    # Only the two sources (and gpio-sim's private header) are taken out of the source tarball.
    local source_deb_dir="$kernel_dir/source"
    dpkg-deb -x "$kernel_dir"/debs/linux-source-$series/*.deb "$source_deb_dir"
    local module_dir="$work/gpio-sim"
    mkdir -p "$module_dir"
    tar -xaf "$source_deb_dir"/usr/src/linux-source-$series.tar.* -C "$module_dir" --strip-components=3 \
        --wildcards "linux-source-$series/kernel/irq/irq_sim.c" "linux-source-$series/drivers/gpio/gpio-sim.c" \
        "linux-source-$series/drivers/gpio/gpiolib.h" || { rm -rf "$work"; return 1; }
    rm -rf "$source_deb_dir"
    # irq_to_desc() is not exported to modules: generic_handle_irq() does the same for this caller.
    sed -i 's/handle_simple_irq(irq_to_desc(\([^)]*\)))/generic_handle_irq(\1)/' "$module_dir/irq_sim.c"
    grep -q 'generic_handle_irq' "$module_dir/irq_sim.c" ||
        { echo "hwlab: irq_sim.c did not take the generic_handle_irq change" >&2; rm -rf "$work"; return 1; }
    printf '\nMODULE_LICENSE("GPL");\n' >>"$module_dir/irq_sim.c"
    echo 'obj-m := irq_sim.o gpio-sim.o' >"$module_dir/Kbuild"
    make -s -C "$build/usr/src/linux-headers-$abi" M="$module_dir" modules >"$kernel_dir/gpio-sim-build.log" 2>&1 ||
        { tail -30 "$kernel_dir/gpio-sim-build.log" >&2; echo "hwlab: building gpio-sim failed" >&2; rm -rf "$work"; return 1; }
    mkdir -p "$kernel_dir/root/lib/modules/$abi/updates"
    cp "$module_dir/irq_sim.ko" "$module_dir/gpio-sim.ko" "$kernel_dir/root/lib/modules/$abi/updates/"
    depmod -b "$kernel_dir/root" "$abi"
    rm -rf "$kernel_dir/debs" "$work"
    touch "$kernel_dir/ready"
}
