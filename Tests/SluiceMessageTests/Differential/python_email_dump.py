#!/usr/bin/env python3
"""Reads each message with Python's standard `email` package and prints what Sluice's differential
test compares: the From address, the decoded Subject, and the leaf parts with their decoded size
and SHA-256. One JSON object per file, keyed by the path given.

Usage: python_email_dump.py FILE...   (prints a JSON object {path: result})
"""
import email
import email.policy
import hashlib
import json
import sys


def clean(text):
    """Python keeps undecodable header bytes as lone surrogates, which are not valid JSON text;
    show them as U+FFFD instead."""
    if text is None:
        return None
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def leaf_parts(message):
    leaves = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if payload is None:
            payload = b""
        leaves.append({
            "contentType": part.get_content_type(),
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        })
    return leaves


def from_address(message):
    try:
        header = message["From"]
    except Exception:  # the header parser itself can raise on garbage
        return None
    if header is None:
        return None
    addresses = getattr(header, "addresses", ())
    if not addresses:
        return None
    first = addresses[0]
    if not first.domain:
        return clean(first.username) or None
    return clean(f"{first.username}@{first.domain.lower()}")


def subject(message):
    try:
        value = message["Subject"]
    except Exception:
        return None
    return None if value is None else clean(str(value))


def main(paths):
    results = {}
    for path in paths:
        # message_from_bytes, not message_from_binary_file: the latter reads through a text
        # wrapper with universal newlines and turns every CRLF into LF, changing part hashes.
        with open(path, "rb") as handle:
            message = email.message_from_bytes(handle.read(), policy=email.policy.default)
        results[path] = {
            "from": from_address(message),
            "subject": subject(message),
            "leaves": leaf_parts(message),
        }
    json.dump(results, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
