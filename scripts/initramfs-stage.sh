# Sourced (not run) by the image builders (guest-drivers/image and
# paravisor/image): stages busybox and Debian kernel modules into an initramfs
# tree. The caller defines step() and die(), which carry its own prefix.

# stage_busybox BUSYBOX STAGE: BUSYBOX as STAGE/bin/busybox plus one link per
# applet it lists.
stage_busybox() {
	step "busybox ($("$1" 2>&1 | head -n 1 | cut -d' ' -f2))"
	cp "$1" "$2/bin/busybox"
	for a in $("$1" --list); do
		[ "$a" = busybox ] || ln -s busybox "$2/bin/$a"
	done
}

# stage_add_mod PATH: PATH (relative to $mdir) after its dependencies, once.
stage_add_mod() {
	case " $order " in *" $1 "*) return ;; esac
	deps=$(awk -F': *' -v m="$1" '$1 == m { print $2 }' "$mdir/modules.dep")
	for d in $deps; do stage_add_mod "$d"; done
	order="$order $1"
}

# stage_modules KERNEL_DIR LIST STAGE: every module named in LIST (# lines
# are comments) that is not built into the kernel, dependencies first,
# decompressed into STAGE/lib/modules; the load order goes to
# STAGE/etc/mantle/modules. A name that is neither a module nor built in
# is an error.
stage_modules() {
	mdir=$1/modules
	: >"$3/etc/mantle/modules"
	order=
	for name in $(grep -v '^#' "$2"); do
		path=$(grep -E "(^|/)$name\.ko\.xz:" "$mdir/modules.dep" | cut -d: -f1 | head -n 1)
		if [ -z "$path" ]; then
			grep -q "/$name\.ko$" "$mdir/modules.builtin" 2>/dev/null && continue
			die "module $name not found in $mdir"
		fi
		stage_add_mod "$path"
	done
	for p in $order; do
		b=$(basename "$p" .xz)
		step "  module $b"
		xz -dc "$mdir/$p" >"$3/lib/modules/$b"
		echo "$b" >>"$3/etc/mantle/modules"
	done
}

# stage_elf STAGE FILE DEST: the ELF FILE at STAGE/DEST, then each library ldd
# resolves for it at its own absolute path (the dynamic loader included), the
# content of the library file, not a symlink. STAGE.ldd is scratch space.
stage_elf() {
	install -D -m 0755 "$2" "$1$3"
	ldd "$2" >"$1.ldd" 2>&1 || die "ldd $2 failed: $(cat "$1.ldd")"
	! grep -q 'not found' "$1.ldd" || die "ldd $2: $(grep 'not found' "$1.ldd")"
	for lib in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' "$1.ldd"); do
		[ -e "$1$lib" ] && continue
		step "  library $lib"
		install -D -m 0755 "$(readlink -f "$lib")" "$1$lib"
	done
	rm -f "$1.ldd"
}
