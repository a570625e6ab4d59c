#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a compressed Linux bzImage into kernel.mb: a Multiboot v1 image that
starts the kernel, already decompressed, through its PVH entry point.

Why: Debian's bzImage is XZ-compressed, and its decompressor needs over a
minute of emulated time in Bochs. Here the payload is decompressed on the host,
the vmlinux PT_LOAD segments are laid out flat at their physical addresses,
and the shim (shim.S, shim.c) is prepended in the page just below them; see
shim.S for the layout. ISOLINUX's mboot.c32 loads the result.

usage: mkkernel.py BZIMAGE OUT.mb [--elf OUT.elf]
  --elf also writes the decompressed vmlinux ELF itself, which QEMU can boot
  through the same PVH entry (-kernel), skipping the decompressor too.
"""
import argparse
import lzma
import os
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = 0x1000
PT_LOAD, PT_NOTE = 1, 4
XEN_ELFNOTE_PHYS32_ENTRY = 18


def fail(msg):
    sys.exit(f'mkkernel.py: error: {msg}')


def payload(bz):
    """The compressed vmlinux inside a bzImage (boot protocol >= 2.08)."""
    if bz[0x202:0x206] != b'HdrS':
        fail('not a bzImage (no HdrS setup header)')
    version, = struct.unpack_from('<H', bz, 0x206)
    if version < 0x208:
        fail(f'boot protocol {version:#x} has no payload fields (need >= 2.08)')
    setup_sects = bz[0x1f1] or 4
    offset, length = struct.unpack_from('<II', bz, 0x248)
    start = (setup_sects + 1) * 512 + offset
    return bz[start:start + length]


def decompress(data):
    if data.startswith(b'\xfd7zXZ\x00'):
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data)
    if data.startswith(b'\x1f\x8b'):
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
    fail(f'unsupported kernel compression (payload starts {data[:6].hex()}); '
         'only XZ and gzip are handled')


def parse_vmlinux(elf):
    """Return ([(paddr, data, memsz)], pvh_entry) from a vmlinux ELF64."""
    if elf[:4] != b'\x7fELF' or elf[4] != 2:
        fail('the decompressed payload is not an ELF64 vmlinux')
    phoff, = struct.unpack_from('<Q', elf, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', elf, 0x36)
    loads, entry = [], None
    for i in range(phnum):
        (p_type, _flags, off, _vaddr, paddr, filesz, memsz,
         _align) = struct.unpack_from('<IIQQQQQQ', elf, phoff + i * phentsize)
        if p_type == PT_LOAD:
            loads.append((paddr, elf[off:off + filesz], memsz))
        elif p_type == PT_NOTE:
            pos, end = off, off + filesz
            while pos + 12 <= end:
                namesz, descsz, ntype = struct.unpack_from('<III', elf, pos)
                desc = pos + 12 + ((namesz + 3) & ~3)
                name = elf[pos + 12:pos + 12 + namesz].rstrip(b'\0')
                if name == b'Xen' and ntype == XEN_ELFNOTE_PHYS32_ENTRY:
                    entry, = struct.unpack_from('<I', elf, desc)
                pos = desc + ((descsz + 3) & ~3)
    if not loads:
        fail('vmlinux has no PT_LOAD segments')
    if entry is None:
        fail('vmlinux has no PVH entry (XEN_ELFNOTE_PHYS32_ENTRY): '
             'the kernel needs CONFIG_PVH=y')
    return loads, entry


def build_shim(defs, work):
    cc = ['gcc', '-m32', '-march=i686', '-ffreestanding', '-fno-pic',
          '-fno-stack-protector', '-fno-asynchronous-unwind-tables',
          '-mno-sse', '-mno-mmx', '-O2', '-Wall', '-Werror', '-c']
    objs = []
    for src in ('shim.S', 'shim.c'):
        obj = os.path.join(work, src + '.o')
        subprocess.run(cc + [f'-D{k}={v:#x}' for k, v in defs.items()] +
                       [os.path.join(HERE, src), '-o', obj], check=True)
        objs.append(obj)
    elf = os.path.join(work, 'shim.elf')
    subprocess.run(['ld', '-m', 'elf_i386', '-T', os.path.join(HERE, 'shim.lds'),
                    '--no-warn-rwx-segments', f'--defsym=LOAD_ADDR={defs["LOAD_ADDR"]:#x}',
                    '-o', elf] + objs,
                   check=True)
    nm = subprocess.run(['nm', elf], check=True, capture_output=True, text=True).stdout
    syms = {f[2]: int(f[0], 16) for f in map(str.split, nm.splitlines()) if len(f) == 3}
    size = syms['shim_end'] - defs['LOAD_ADDR']
    if size > PAGE:
        fail(f'the shim needs {size} bytes, more than its {PAGE}-byte page')
    binary = os.path.join(work, 'shim.bin')
    subprocess.run(['objcopy', '-O', 'binary', '-j', '.text', elf, binary], check=True)
    with open(binary, 'rb') as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('bzimage')
    ap.add_argument('out')
    ap.add_argument('--elf', help='also write the decompressed vmlinux here')
    args = ap.parse_args()

    with open(args.bzimage, 'rb') as f:
        vmlinux = decompress(payload(f.read()))
    loads, pvh_entry = parse_vmlinux(vmlinux)

    base = min(paddr for paddr, _, _ in loads)
    top = max(paddr + memsz for paddr, _, memsz in loads)
    image = bytearray(top - base)
    for paddr, data, _ in loads:
        image[paddr - base:paddr - base + len(data)] = data
    # The zero tail (bss, brk) is not stored: the loader clears it up to BSS_END.
    image = bytes(image).rstrip(b'\0')
    image += bytes(-len(image) % 4)

    defs = {'LOAD_ADDR': base - PAGE, 'LOAD_END': base + len(image),
            'BSS_END': top, 'PVH_ENTRY': pvh_entry}
    with tempfile.TemporaryDirectory() as work:
        shim = build_shim(defs, work)

    for path, data in ((args.out, [shim, bytes(PAGE - len(shim)), image]),
                       (args.elf, [vmlinux])):
        if path:
            tmp = f'{path}.{os.getpid()}.tmp'
            with open(tmp, 'wb') as f:
                for part in data:
                    f.write(part)
            os.replace(tmp, path)
    print(f'{args.out}: kernel at {base:#x}, PVH entry {pvh_entry:#x}, '
          f'{len(image) >> 20} MiB (+ {(top - base - len(image)) >> 20} MiB zeroed)')


if __name__ == '__main__':
    main()
