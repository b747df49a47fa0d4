#!/usr/bin/env python3
# usage: runner.py <variant> <seconds> [label] ; env passed through
import subprocess, sys, os, time, select, struct, re, glob
variant, secs = sys.argv[1], int(sys.argv[2])
label = sys.argv[3] if len(sys.argv) > 3 else ""
import os
exe = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin/Release/net10.0/UffdGc")
p = subprocess.Popen([exe, variant, str(secs)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0)
pid = p.pid
t0 = time.time(); last_line = t0; buf = b""; ctr = st = None
def readmem(addr, n):
    with open(f"/proc/{pid}/mem", "rb") as f:
        f.seek(addr); return f.read(n)
def counters():
    c = struct.unpack("<32q", readmem(ctr, 256)); s = struct.unpack("<8q", readmem(st, 64))
    return dict(pages=c[0]+c[8], faults=s[0], eexist=s[1], eagain=s[2], msgs=s[3], madvErr=s[4], gcStarted=s[5], gcDone=s[6])
def dump():
    for t in sorted(glob.glob(f"/proc/{pid}/task/*"), key=lambda x: int(x.rsplit('/',1)[1])):
        try:
            comm = open(t+"/comm").read().strip()
            stat = open(t+"/stat").read(); state = stat[stat.rindex(')')+2]
            wchan = open(t+"/wchan").read()
            sysc = open(t+"/syscall").read().split()[0]
            status = open(t+"/status").read()
            sp = re.search(r"SigPnd:\s*(\S+)", status).group(1)
            stk = [l.split()[1].split('+')[0] for l in open(t+"/stack").read().splitlines()][:4]
            ctxt = re.search(r"nonvoluntary_ctxt_switches:\s*(\d+)", status).group(1)
            vol = re.search(r"\nvoluntary_ctxt_switches:\s*(\d+)", status).group(1)
            if comm.startswith(".NET") and comm not in (".NET Server GC", ".NET BGC", ".NET Tiered Com", ".NET Finalizer"):
                continue
            print(f"   tid={t.rsplit('/',1)[1]:>6} {comm:<16} state={state} wchan={wchan:<28} syscall={sysc:<3} SigPnd={sp} vcsw={vol} kstack={'<'.join(stk)}")
        except Exception as e:
            print("   err", t, e)
result = None
while True:
    r, _, _ = select.select([p.stdout], [], [], 0.5)
    if r:
        d = os.read(p.stdout.fileno(), 65536)
        if not d: break
        buf += d
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1); line = line.decode()
            last_line = time.time()
            m = re.search(r"ctrAddr=0x(\w+) stAddr=0x(\w+)", line)
            if m: ctr, st = int(m.group(1), 16), int(m.group(2), 16)
            if os.environ.get("VERBOSE") or not line.startswith("t="): print("  |", line)
            if line.startswith("t="): lastprog = line
    now = time.time()
    if p.poll() is not None and not r: break
    if now - last_line > 6 or now - t0 > secs + 15:
        c1 = counters() if ctr else None; time.sleep(1.0); c2 = counters() if ctr else None
        print(f"  EXTERNAL-WATCHDOG: no output for {now-last_line:.1f}s, elapsed {now-t0:.1f}s")
        print(f"   counters: {c2}  (1s later delta pages={c2['pages']-c1['pages'] if c1 else '?'}, gcStarted-gcDone={c2['gcStarted']-c2['gcDone'] if c2 else '?'})")
        dump()
        p.kill(); p.wait(); result = "HUNG"
        break
rc = p.wait()
if result is None: result = {0: "OK", 3: "DEADLOCK(in-proc)"}.get(rc, f"rc={rc}")
print(f"RESULT variant={variant} {label} -> {result} rc={rc} wall={time.time()-t0:.1f}s")
