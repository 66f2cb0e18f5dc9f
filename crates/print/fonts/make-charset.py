"""Prints the characters the shipped font subset covers (see README.md)."""
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
chars = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
chars.update(chr(c) for c in range(0x20, 0x7F))
chars.update("·—–‘’“”…‰′″※€℃№←↑→↓≤≥≠±×÷√∞∑°①②③④⑤⑥⑦⑧⑨⑩〇、。〈〉《》「」『』【】〔〕〖〗"
             "！＂＃％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？［］｛｝～￥■□▲△●○◆◇★☆")
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if x not in ("target", ".git")]
    for f in files:
        if f.endswith((".rs", ".toml", ".html", ".md", ".csv", ".json", ".txt")):
            try:
                text = open(os.path.join(d, f), encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            chars.update(ch for ch in text if 0x2000 <= ord(ch) < 0x10000 and not 0xD800 <= ord(ch) < 0xE000)
sys.stdout.write("".join(sorted(chars)))
