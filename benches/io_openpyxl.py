#!/usr/bin/env python3
"""openpyxl baseline for benches/io.rs: read and write the same xlsx, each in a fresh process.

Usage: io_openpyxl.py <file.xlsx> <rows>. Prints lines in the bench's table format. Reading
uses read_only=True (openpyxl's streaming mode, its fastest), writing write_only=True (same).
"""

import os
import resource
import subprocess
import sys
import time


def read(path):
    from openpyxl import load_workbook

    t = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    n = 0
    header = None
    for row in ws.iter_rows(values_only=True):
        if header is None:
            header = row
            continue
        # Same work as the Rust parser: every cell to text, skip empty rows.
        cells = ["" if v is None else str(v) for v in row]
        if any(c.strip() for c in cells):
            n += 1
    wb.close()
    return time.perf_counter() - t, f"{n} rows read (read_only)"


def write(path, rows):
    from openpyxl import Workbook

    t = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Contacts")
    ws.append(["Full Name", "Job Title", "Email", "Mobile", "Phone", "Website", "LinkedIn", "Facebook", "X",
               "Company", "Department", "Street", "City", "Postal Code", "State", "Country", "Notes", "Groups"])
    for i in range(rows):
        ws.append([f"Name {i}", "Sales Manager", f"user{i}@example.com", f"+33 6 {i % 100:02}", f"+33 1 {i:08}",
                   f"https://example.com/{i}", f"https://www.linkedin.com/in/user{i}", "",
                   f"https://x.com/user{i}" if i % 3 == 0 else "", f"Company {i % 500}", "Sales",
                   f"{i % 200} rue de la Paix", "Paris", f"{i % 99999:05}", "", "France",
                   "Met at the fair" if i % 10 == 0 else "", f"Group {i % 20}; Everyone"])
    wb.save(path)
    return time.perf_counter() - t, f"{os.path.getsize(path) / 1e6:.1f} MB file (write_only)"


def main():
    if len(sys.argv) == 4:  # child: one phase
        phase, path, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
        secs, detail = read(path) if phase == "read" else write(path + ".openpyxl.xlsx", rows)
        ru = resource.getrusage(resource.RUSAGE_SELF)
        print(f"{secs:.3f} {ru.ru_utime + ru.ru_stime:.3f} {ru.ru_maxrss / 1024:.0f} {detail}")
        return
    path, rows = sys.argv[1], sys.argv[2]
    for phase in ["read", "write"]:
        out = subprocess.run([sys.executable, __file__, phase, path, rows], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"openpyxl_{phase} failed: {out.stderr.strip()[-300:]}")
            continue
        secs, cpu, mb, detail = out.stdout.strip().split(" ", 3)
        print(f"{'openpyxl_' + phase:<16} {secs:>9} {cpu:>9} {mb:>12}  {detail}")


if __name__ == "__main__":
    main()
