#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Remove the appended signature from kernel modules, in place.

Loading a signed module makes the kernel hash it and check an RSA signature,
which takes seconds under emulation. The test kernel does not enforce
signatures (CONFIG_MODULE_SIG_FORCE is off): an unsigned module loads and
only taints the kernel. Files without a signature are left alone.

The layout is the kernel's (scripts/sign-file.c, struct module_signature):
  module | signature | struct module_signature (12 bytes) | MAGIC
where module_signature ends with the big-endian signature length and holds
the signer and key-id lengths (0 for PKCS#7, the only format in use).

usage: strip-modsig.py MODULE.ko...
"""
import struct
import sys

MAGIC = b'~Module signature appended~\n'
INFO_LEN = 12


def strip(path):
    with open(path, 'rb') as f:
        data = f.read()
    if not data.endswith(MAGIC):
        return
    info = data[-len(MAGIC) - INFO_LEN:-len(MAGIC)]
    _algo, _hash, _id_type, signer_len, key_id_len = info[:5]
    sig_len, = struct.unpack('>I', info[8:])
    cut = len(data) - len(MAGIC) - INFO_LEN - sig_len - signer_len - key_id_len
    if cut <= 0 or not data.startswith(b'\x7fELF'):
        sys.exit(f'strip-modsig.py: {path}: malformed module signature')
    with open(path, 'wb') as f:
        f.write(data[:cut])


for arg in sys.argv[1:]:
    strip(arg)
