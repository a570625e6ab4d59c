#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Reads "MODE<TAB>ASSEMBLY<TAB>HEX BYTES" lines (insn_test --list) and
# checks that GNU as turns each ASSEMBLY, in 16-, 32- or 64-bit code, into
# exactly HEX BYTES. Usage: insn_test --list | asm_check.sh WORKDIR
set -u
dir=${1:-.}
mkdir -p "$dir"
tab=$(printf '\t')
n=0
bad=0
while IFS="$tab" read -r mode text hex; do
	n=$((n + 1))
	case $mode in
	16) code=.code16 ;;
	32) code=.code32 ;;
	*) code=.code64 ;;
	esac
	if ! printf '%s\n%s\n' "$code" "$text" |
		as --64 -o "$dir/asm_check.o" - 2>"$dir/asm_check.err"; then
		echo "not ok $n $mode: $text: as failed: $(head -2 "$dir/asm_check.err" | tail -1)"
		bad=$((bad + 1))
		continue
	fi
	objcopy -O binary -j .text "$dir/asm_check.o" "$dir/asm_check.bin"
	got=$(od -An -tx1 -v "$dir/asm_check.bin" | tr -s ' \n' '  ' |
	      sed 's/^ *//; s/ *$//')
	if [ "$got" = "$hex" ]; then
		echo "ok $n $mode: $text: $hex"
	else
		echo "not ok $n $mode: $text: as makes '$got', the test says '$hex'"
		bad=$((bad + 1))
	fi
done
echo "# asm-check: $n instructions, $bad wrong"
[ "$bad" -eq 0 ]
