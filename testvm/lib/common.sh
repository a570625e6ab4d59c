# shellcheck shell=bash
# Shared by testvm/kver, testvm/setup and testvm/run: paths and small helpers.
# Everything the test machine builds or downloads lives under build/testvm/
# (build/ is not tracked by git).

TESTVM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT_DIR=$(dirname "$TESTVM_DIR")
BUILD_DIR=$ROOT_DIR/build/testvm
CACHE_DIR=$BUILD_DIR/cache

# Debian packages the test machine needs (see README.md for what each is for).
TESTVM_PACKAGES=(
	bochs bochsbios vgabios bochs-term	# the emulated PC with VMX
	qemu-system-x86				# TCG (no VMX) and KVM machines
	busybox-static cpio kmod		# the initramfs; depmod, modinfo
	isolinux syslinux-common xorriso	# the boot ISO (ISOLINUX + mboot.c32)
	linux-headers-amd64			# names the kernel version; builds tvmm.ko
	gcc libc6-dev binutils make python3	# boot shim, static helper, bzImage unpacking
	bsdutils				# script(1): a private pty for Bochs
)

die() {
	printf 'testvm/%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

note() {
	printf 'testvm/%s: %s\n' "${0##*/}" "$*" >&2
}

# Packages from TESTVM_PACKAGES that are not installed.
missing_packages() {
	local p status
	for p in "${TESTVM_PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[[ $status == "install ok installed" ]] || printf '%s\n' "$p"
	done
}

# Where testvm/setup unpacks Debian's linux-image package for kernel $1.
kimage_dir() {
	printf '%s/linux-image-%s\n' "$CACHE_DIR" "$1"
}
