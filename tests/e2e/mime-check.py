#!/usr/bin/python3
"""Parses a message of shiplog-report --mail-to back with Python's email
package and prints what a mail client would see: the headers, the parts,
the decoded text body, and whether the attachment is the HTML file byte
for byte.  usage: mime-check.py MESSAGE REPORT.html"""
import email
import email.policy
import sys

raw = open(sys.argv[1], "rb").read()
html = open(sys.argv[2], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
print("defects:", len(msg.defects))
for h in ("From", "To", "Subject", "Date", "MIME-Version"):
    print(f"{h}: {msg[h]}")
mid = msg["Message-ID"]
print("Message-ID well formed:", mid.startswith("<") and mid.endswith(">") and "@" in mid)
print("multipart:", msg.get_content_type(), msg.is_multipart())
parts = list(msg.iter_parts())
for p in parts:
    print("part:", p.get_content_type(), p.get_content_charset(),
          p["Content-Transfer-Encoding"], p.get_filename(), len(p.defects))
text = parts[0].get_content()
print("--- text body")
print(text, end="")
print("--- attachment")
print("attachment is the report:", parts[1].get_content().encode("utf-8") == html)
print("longest line:", max(len(l) for l in raw.split(b"\n")))
