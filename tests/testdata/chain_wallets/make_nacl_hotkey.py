#!/usr/bin/python3
"""Writes nacl_hotkey: a hotkey keyfile encrypted exactly as btwallet does it.

libsodium crypto_pwhash argon2i v1.3 with OPSLIMIT_SENSITIVE (8) and
MEMLIMIT_SENSITIVE (512 MiB), btwallet's fixed salt, then a SecretBox
(XSalsa20-Poly1305) with a random nonce; the file is b"$NACL" + nonce + box.
Run with Debian's /usr/bin/python3 (python3-nacl). The plaintext is the
keyfile JSON of the Substrate dev phrase; the password is in PASSWORD.
"""
import pathlib
import sys

import nacl.pwhash
import nacl.secret

PASSWORD = b"subvalid-test-password"
SALT = b"\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1"

here = pathlib.Path(__file__).parent
plaintext = pathlib.Path(sys.argv[1]).read_bytes()
key = nacl.pwhash.argon2i.kdf(
    nacl.secret.SecretBox.KEY_SIZE,
    PASSWORD,
    SALT,
    opslimit=nacl.pwhash.argon2i.OPSLIMIT_SENSITIVE,
    memlimit=nacl.pwhash.argon2i.MEMLIMIT_SENSITIVE,
)
box = nacl.secret.SecretBox(key)
(here / "nacl_hotkey").write_bytes(b"$NACL" + bytes(box.encrypt(plaintext)))
