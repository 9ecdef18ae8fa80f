#!/usr/bin/env python3
"""A terminal capture with ANSI colours (tmux capture-pane -e) as an SVG."""
import html
import re
import sys

PALETTE = ["#1e1e1e", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#dcdfe4",
           "#5c6370", "#ff7b86", "#b5e890", "#ffd68a", "#8cc8ff", "#e29ef5", "#7fd6e0", "#ffffff"]


def colour(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        return "#%02x%02x%02x" % tuple(0 if c == 0 else 55 + c * 40 for c in (n // 36, n // 6 % 6, n % 6))
    g = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (g, g, g)


def main(source, target):
    lines = open(source, encoding="utf-8", errors="replace").read().rstrip("\n").split("\n")
    cw, ch = 8.4, 17
    width = int(max(100, max(len(re.sub(r"\x1b\[[0-9;]*m", "", l)) for l in lines)) * cw) + 20
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="DejaVu Sans Mono, monospace" '
           'font-size="14"><rect width="100%%" height="100%%" fill="%s"/>' % (width, len(lines) * ch + 20, PALETTE[0])]
    for row, line in enumerate(lines):
        fg, bg, x = PALETTE[7], None, 0
        for part in re.split(r"(\x1b\[[0-9;]*m)", line):
            if part.startswith("\x1b["):
                codes = [int(c) if c else 0 for c in part[2:-1].split(";")]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c == 0: fg, bg = PALETTE[7], None
                    elif 30 <= c <= 37: fg = PALETTE[c - 30]
                    elif 90 <= c <= 97: fg = PALETTE[c - 90 + 8]
                    elif 40 <= c <= 47: bg = PALETTE[c - 40]
                    elif 100 <= c <= 107: bg = PALETTE[c - 100 + 8]
                    elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                        if c == 38: fg = colour(codes[i + 2])
                        else: bg = colour(codes[i + 2])
                        i += 2
                    elif c == 39: fg = PALETTE[7]
                    elif c == 49: bg = None
                    i += 1
                continue
            if not part:
                continue
            px, py = 10 + x * cw, 10 + row * ch
            if bg:
                out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (px, py, len(part) * cw, ch, bg))
            out.append('<text x="%.1f" y="%d" fill="%s" xml:space="preserve">%s</text>' % (px, py + 13, fg, html.escape(part)))
            x += len(part)
    out.append("</svg>")
    open(target, "w").write("\n".join(out) + "\n")


main(sys.argv[1], sys.argv[2])
