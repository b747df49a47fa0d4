// uffd + GC suspension deadlock experiment.
// usage: UffdGc <a|b|c|d> [seconds=30]
//  a = partially-interruptible managed load (TouchOne: load; call Helper)
//  b = fully-interruptible managed tight loop (no calls)
//  c = access via P/Invoke memcpy (preemptive mode during fault)
//  d = MADV_POPULATE_READ P/Invoke, uffd WITHOUT UFFD_USER_MODE_ONLY (kernel-mode fault)
using System.Diagnostics;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

unsafe static class Program
{
    [DllImport("libc", SetLastError = true)] static extern long syscall(long n, long a);
    [DllImport("libc", SetLastError = true)] static extern int ioctl(int fd, ulong req, void* arg);
    [DllImport("libc", SetLastError = true)] static extern int poll(PollFd* fds, ulong nfds, int timeout);
    [DllImport("libc", SetLastError = true)] static extern nint read(int fd, void* buf, nuint count);
    [DllImport("libc", SetLastError = true)] static extern nint write(int fd, void* buf, nuint count);
    [DllImport("libc", SetLastError = true)] static extern void* mmap(void* addr, nuint len, int prot, int flags, int fd, long off);
    [DllImport("libc", SetLastError = true)] static extern int munmap(void* addr, nuint len);
    [DllImport("libc", SetLastError = true)] static extern int madvise(void* addr, nuint len, int advice);
    [DllImport("libc", SetLastError = true)] static extern int eventfd(uint initval, int flags);
    [DllImport("libc")] static extern void* memcpy(void* dst, void* src, nuint n);
    [DllImport("libc")] static extern void _exit(int code);

    [StructLayout(LayoutKind.Sequential)] struct PollFd { public int Fd; public short Events; public short Revents; }
    [StructLayout(LayoutKind.Sequential)] struct UffdioApi { public ulong Api, Features, Ioctls; }
    [StructLayout(LayoutKind.Sequential)] struct UffdioRegister { public ulong Start, Len, Mode, Ioctls; }
    [StructLayout(LayoutKind.Sequential)] struct UffdioCopy { public ulong Dst, Src, Len, Mode; public long Copy; }
    [StructLayout(LayoutKind.Sequential)] struct UffdioRange { public ulong Start, Len; }

    const ulong UFFDIO_API = 0xC018AA3F, UFFDIO_REGISTER = 0xC020AA00, UFFDIO_COPY = 0xC028AA03, UFFDIO_WAKE = 0x8010AA02;
    const int O_CLOEXEC = 0x80000, O_NONBLOCK = 0x800, UFFD_USER_MODE_ONLY = 1;
    const int EAGAIN = 11, EINTR = 4, EEXIST = 17;
    const int MADV_DONTNEED = 4, MADV_POPULATE_READ = 22;

    static int uffd, stopFd;
    static byte* region; static long regionLen, ps, pages;
    static byte* staging;
    // all counters live in native memory so an external watchdog can read them via /proc/<pid>/mem
    static long* ctr;                 // [0]=thread0 pages, [8]=thread1 pages (cache-line separated)
    static long* st;                  // [0]=faults(COPY ok) [1]=eexist [2]=eagain [3]=msgs [4]=madvErr [5]=gcStarted [6]=gcDone
    static ref long Faults => ref st[0]; static ref long Eexist => ref st[1]; static ref long Eagain => ref st[2];
    static ref long Msgs => ref st[3]; static ref long MadvErr => ref st[4]; static ref long GcStarted => ref st[5]; static ref long Gcs => ref st[6];
    static int dummy;

    static void Die(string what) { Console.WriteLine($"{what} failed errno={Marshal.GetLastPInvokeError()}"); _exit(2); }

    static int Main(string[] args)
    {
        char variant = args.Length > 0 ? args[0][0] : 'a';
        int seconds = args.Length > 1 ? int.Parse(args[1]) : 30;
        ps = Environment.SystemPageSize;
        regionLen = 1L << 30; pages = regionLen / ps;

        int flags = O_CLOEXEC | O_NONBLOCK | (variant == 'd' ? 0 : UFFD_USER_MODE_ONLY);
        uffd = (int)syscall(323, flags);
        if (uffd < 0) Die("userfaultfd");
        var api = new UffdioApi { Api = 0xAA };
        if (ioctl(uffd, UFFDIO_API, &api) != 0) Die("UFFDIO_API");
        region = (byte*)mmap(null, (nuint)regionLen, 3, 0x02 | 0x20 | 0x4000, -1, 0);
        if ((long)region == -1) Die("mmap");
        var reg = new UffdioRegister { Start = (ulong)region, Len = (ulong)regionLen, Mode = 1 };
        if (ioctl(uffd, UFFDIO_REGISTER, &reg) != 0) Die("UFFDIO_REGISTER");
        stopFd = eventfd(0, O_CLOEXEC | O_NONBLOCK);
        staging = (byte*)NativeMemory.AlignedAlloc((nuint)ps, (nuint)ps);
        NativeMemory.Clear(staging, (nuint)ps);
        ctr = (long*)NativeMemory.AlignedAlloc(256, 64); NativeMemory.Clear(ctr, 256);
        st = (long*)NativeMemory.AlignedAlloc(256, 64); NativeMemory.Clear(st, 256);

        Console.WriteLine($"variant={variant} gcServer={GCSettings.IsServerGC} pages={pages} ps={ps} pid={Environment.ProcessId} " +
                          $"TC={Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? "default"} ctrAddr=0x{(ulong)ctr:x} stAddr=0x{(ulong)st:x}");
        Console.Out.Flush();

        new Thread(Handler) { Name = "uffd-handler", IsBackground = true }.Start();
        for (int t = 0; t < 2; t++)
        {
            int tt = t;
            new Thread(() => Faulter(variant, tt)) { Name = "fault-" + t, IsBackground = true }.Start();
        }
        if (Environment.GetEnvironmentVariable("NOGC") != "1")
            new Thread(GcPressure) { Name = "gc-pressure", IsBackground = true }.Start();

        // In-process watchdog (main thread). NOTE: if a GC suspension is stuck, this thread
        // itself blocks when returning from Thread.Sleep, so the external runner also watches stdout.
        var sw = Stopwatch.StartNew();
        long last = -1, lastChange = 0, prevTotal = 0;
        while (true)
        {
            Thread.Sleep(1000);
            long total = Volatile.Read(ref ctr[0]) + Volatile.Read(ref ctr[8]);
            long now = sw.ElapsedMilliseconds;
            Console.WriteLine($"t={now / 1000.0:F1}s pages={total} rate={total - prevTotal}/s faults={Faults} msgs={Msgs} " +
                              $"eexist={Eexist} eagain={Eagain} madvErr={MadvErr} gcCalls={Gcs} gen0={GC.CollectionCount(0)} gen2={GC.CollectionCount(2)}");
            prevTotal = total;
            if (total != last) { last = total; lastChange = now; }
            else if (now - lastChange >= 5000)
            {
                Console.WriteLine($"DEADLOCK in variant {variant} after {total} pages ({now / 1000.0:F1}s) [in-process watchdog]");
                DumpThreads();
                Console.Out.Flush();
                _exit(3);
            }
            if (now >= seconds * 1000L)
            {
                Console.WriteLine($"OK variant {variant}: {total} pages in {now / 1000.0:F1}s, avg {total * 1000 / now}/s, gen0={GC.CollectionCount(0)} gen2={GC.CollectionCount(2)}");
                Console.Out.Flush();
                if (Environment.GetEnvironmentVariable("CLEANEXIT") == "1") Environment.Exit(0); // flushes JitStdOutFile
                _exit(0);
            }
        }
    }

    static void DumpThreads()
    {
        foreach (var dir in Directory.GetDirectories("/proc/self/task"))
        {
            string stat = File.ReadAllText(dir + "/stat");
            int rp = stat.LastIndexOf(')');
            string comm = stat.Substring(stat.IndexOf('(') + 1, rp - stat.IndexOf('(') - 1);
            string state = stat.Substring(rp + 2, 1);
            string wchan = File.ReadAllText(dir + "/wchan");
            Console.WriteLine($"  tid={Path.GetFileName(dir)} comm={comm} state={state} wchan={wchan}");
        }
    }

    // ---------------- uffd handler (managed) ----------------
    static void Handler()
    {
        PollFd* pfd = stackalloc PollFd[2];
        byte* buf = stackalloc byte[32 * 16];
        while (true)
        {
            pfd[0] = new PollFd { Fd = uffd, Events = 1 };
            pfd[1] = new PollFd { Fd = stopFd, Events = 1 };
            int r = poll(pfd, 2, -1);
            if (r < 0) { if (Marshal.GetLastPInvokeError() == EINTR) continue; Die("poll"); }
            if (pfd[1].Revents != 0) return;
            if ((pfd[0].Revents & 1) == 0) continue;
            nint n = read(uffd, buf, 32 * 16);
            if (n < 0) { int e = Marshal.GetLastPInvokeError(); if (e == EAGAIN || e == EINTR) continue; Die("read"); }
            for (int off = 0; off < n; off += 32)
            {
                Msgs++;
                if (buf[off] != 0x12) continue;
                ulong addr = *(ulong*)(buf + off + 16);
                ulong page = addr & ~(ulong)(ps - 1);
                // "provider" work: stamp the page index
                *(long*)staging = (long)((page - (ulong)region) / (ulong)ps);
                while (true)
                {
                    var cp = new UffdioCopy { Dst = page, Src = (ulong)staging, Len = (ulong)ps, Mode = 0 };
                    if (ioctl(uffd, UFFDIO_COPY, &cp) == 0) { Faults++; break; }
                    int e = Marshal.GetLastPInvokeError();
                    if (e == EEXIST)
                    {
                        Eexist++;
                        var rg = new UffdioRange { Start = page, Len = (ulong)ps };
                        if (ioctl(uffd, UFFDIO_WAKE, &rg) != 0) Die("UFFDIO_WAKE");
                        break;
                    }
                    if (e == EAGAIN) { Eagain++; continue; }
                    Die("UFFDIO_COPY errno=" + e);
                }
            }
        }
    }

    // ---------------- faulting threads ----------------
    static void Faulter(char variant, int t)
    {
        long half = pages / 2;
        byte* basep = region + t * half * ps;
        long* c = ctr + t * 8;
        long sum = 0;
        while (true)
        {
            switch (variant)
            {
                case 'a': sum += PassPartial(basep, half, c); break;
                case 'b': sum += TouchRangeFull(basep, half, ps, c); break;
                case 'c': sum += PassMemcpy(basep, half, c); break;
                case 'd': PassPopulate(basep, half, c); break;
            }
            if (madvise(basep, (nuint)(half * ps), MADV_DONTNEED) != 0) Die("madvise DONTNEED");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Helper() { dummy++; }

    // partially interruptible: the faulting load is not at a GC safe point (only the call return is)
    [MethodImpl(MethodImplOptions.NoInlining)]
    static byte TouchOne(byte* p) { byte b = *p; Helper(); return b; }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static long PassPartial(byte* p, long n, long* c)
    {
        long sum = 0;
        for (long i = 0; i < n; i++) { sum += TouchOne(p + i * ps); Volatile.Write(ref *c, *c + 1); }
        return sum;
    }

    // fully interruptible: loop without calls
    [MethodImpl(MethodImplOptions.NoInlining)]
    static long TouchRangeFull(byte* p, long n, long pageSize, long* c)
    {
        long sum = 0;
        for (long i = 0; i < n; i++) { sum += p[i * pageSize]; Volatile.Write(ref *c, *c + 1); }
        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static long PassMemcpy(byte* p, long n, long* c)
    {
        long sum = 0; byte local;
        for (long i = 0; i < n; i++) { memcpy(&local, p + i * ps, 1); sum += local; Volatile.Write(ref *c, *c + 1); }
        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void PassPopulate(byte* p, long n, long* c)
    {
        for (long i = 0; i < n; i++)
        {
            while (madvise(p + i * ps, (nuint)ps, MADV_POPULATE_READ) != 0)
            {
                int e = Marshal.GetLastPInvokeError();
                if (e != EINTR && e != EAGAIN) Die("MADV_POPULATE_READ errno=" + e);
                Interlocked.Increment(ref MadvErr);
            }
            Volatile.Write(ref *c, *c + 1);
        }
    }

    // ---------------- GC pressure ----------------
    static object sink;
    static void GcPressure()
    {
        long n = 0;
        bool allocOnly = Environment.GetEnvironmentVariable("ALLOCONLY") == "1";
        while (true)
        {
            for (int i = 0; i < 2000; i++) sink = new byte[32 + (i & 255)];
            if (allocOnly) continue;               // ALLOCONLY=1: only allocation-triggered GCs
            GcStarted++;
            if ((++n % 10) == 0) GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            else GC.Collect();
            Gcs++;
            Thread.Sleep(1);
        }
    }
}
