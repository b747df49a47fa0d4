using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Uffd.Torture.Adversarial;

/// <summary>
/// fork() from a .NET process with nothing in the child that needs the runtime. Only the forking thread exists in the
/// child, so a GC, the JIT or a lock another thread held would wait there forever. The child therefore runs only the
/// rest of one method that was compiled, fully optimized, before the fork (no tiering or on-stack replacement calling
/// back into the runtime, no exception handling), calls libc only through function pointers resolved before the fork,
/// uses only memory the parent set aside on its stack, and ends in <c>_exit</c>. The parent waits for it, bounded.
/// </summary>
internal static unsafe class ForkedChild
{
    public const int EFAULT = 14;
    public const int SIGSEGV = 11;

    private const int SIGKILL = 9;
    private const int WNOHANG = 1;
    private const int O_CLOEXEC = 0x80000;
    private const int ChildBoundMs = 5000;

    // Exit codes of a touching child that survived its touch: it read memory that should not be there.
    private const int TouchReadEmptyString = 100;
    private const int TouchReadString = 101;

    private static readonly Libc C = Libc.Load();

    /// <summary>
    /// A child that calls <c>write(pipe, address, 1)</c> for each address, so the kernel reads a byte from there
    /// (EFAULT when nothing is mapped), reports each result and errno through a second pipe, and exits with bit i set
    /// when write i did not fail with EFAULT.
    /// </summary>
    public static WriteProbe WriteFrom(ReadOnlySpan<nint> addresses)
    {
        if (addresses.Length is 0 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(addresses), addresses.Length, "1 to 8 addresses");
        }

        int* data = stackalloc int[2];
        int* report = stackalloc int[2];
        OpenPipe(data);
        OpenPipe(report);
        nint* targets = stackalloc nint[addresses.Length];
        addresses.CopyTo(new Span<nint>(targets, addresses.Length));
        long* record = stackalloc long[2];

        int pid;
        bool noGc = EnterNoGcRegion();
        try
        {
            pid = ForkWriter(C, data[1], report[1], targets, addresses.Length, record);
        }
        finally
        {
            ExitNoGcRegion(noGc);
        }

        C.Close(data[1]);
        C.Close(report[1]);
        ChildEnd end = pid < 0 ? throw new InvalidOperationException($"fork failed: errno {Marshal.GetLastSystemError()}") : Wait(pid);
        byte[] read = Drain(data[0]);
        byte[] reports = Drain(report[0]);
        var results = new (long Result, int Errno)[reports.Length / (2 * sizeof(long))];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = (BitConverter.ToInt64(reports, i * 16), (int)BitConverter.ToInt64(reports, i * 16 + 8));
        }

        return new WriteProbe(end, results, read);
    }

    /// <summary>A child that reads a string at <paramref name="address"/> itself (strlen): SIGSEGV where nothing is mapped.</summary>
    public static ChildEnd Touch(nint address)
    {
        int pid;
        bool noGc = EnterNoGcRegion();
        try
        {
            pid = ForkToucher(C, address);
        }
        finally
        {
            ExitNoGcRegion(noGc);
        }

        return pid < 0 ? throw new InvalidOperationException($"fork failed: errno {Marshal.GetLastSystemError()}") : Wait(pid);
    }

    /// <summary>Describes how a touching child ended.</summary>
    public static string DescribeTouch(ChildEnd end) => end switch
    {
        { Hung: true } => "hung (killed)",
        { Signal: SIGSEGV } => "SIGSEGV",
        { Signal: > 0 } => $"signal {end.Signal}",
        { Code: TouchReadEmptyString } => "no fault: it read a zero byte there",
        { Code: TouchReadString } => "no fault: it read a non-empty string there",
        _ => $"exit code {end.Code}",
    };

    /// <summary>The child of <see cref="WriteFrom"/>. Nothing after the fork may allocate, call managed code or lock.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int ForkWriter(Libc c, int dataFd, int reportFd, nint* targets, int count, long* record)
    {
        int pid = c.Fork();
        if (pid != 0)
        {
            return pid;
        }

        int notEfault = 0;
        for (int i = 0; i < count; i++)
        {
            nint written = c.Write(dataFd, targets[i], 1);
            int errno = written < 0 ? *c.ErrnoLocation() : 0;
            record[0] = written;
            record[1] = errno;
            c.Write(reportFd, (nint)record, 2 * sizeof(long));
            if (written >= 0 || errno != EFAULT)
            {
                notEfault |= 1 << i;
            }
        }

        c.Exit(notEfault);
        return 0;
    }

    /// <summary>The child of <see cref="Touch"/>: strlen faults in native code, where the default action (death) applies.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int ForkToucher(Libc c, nint address)
    {
        int pid = c.Fork();
        if (pid != 0)
        {
            return pid;
        }

        nuint length = c.Strlen(address);
        c.Exit(length == 0 ? TouchReadEmptyString : TouchReadString);
        return 0;
    }

    /// <summary>
    /// Forks happen inside a no-GC region: a child forked while a collection runs would inherit a runtime that makes
    /// its thread wait for that collection when it returns from a native call, and nothing would ever finish it.
    /// </summary>
    private static bool EnterNoGcRegion() => GC.TryStartNoGCRegion(1 << 20);

    private static void ExitNoGcRegion(bool entered)
    {
        if (entered && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }
    }

    private static ChildEnd Wait(int pid)
    {
        int status = 0;
        long deadline = Environment.TickCount64 + ChildBoundMs;
        while (true)
        {
            int r = C.Waitpid(pid, &status, WNOHANG);
            if (r == pid)
            {
                return (status & 0x7f) == 0
                    ? new ChildEnd((status >> 8) & 0xff, 0, Hung: false)
                    : new ChildEnd(0, status & 0x7f, Hung: false);
            }

            if (r < 0)
            {
                throw new InvalidOperationException($"waitpid({pid}) failed: errno {Marshal.GetLastSystemError()}");
            }

            if (Environment.TickCount64 > deadline)
            {
                C.Kill(pid, SIGKILL);
                C.Waitpid(pid, &status, 0);
                return new ChildEnd(0, 0, Hung: true);
            }

            Thread.Sleep(1);
        }
    }

    private static void OpenPipe(int* fds)
    {
        if (C.Pipe2(fds, O_CLOEXEC) != 0)
        {
            throw new InvalidOperationException($"pipe2 failed: errno {Marshal.GetLastSystemError()}");
        }
    }

    /// <summary>Everything left in a pipe whose writers are all gone, then closes it.</summary>
    private static byte[] Drain(int fd)
    {
        var all = new System.Collections.Generic.List<byte>();
        byte* chunk = stackalloc byte[256];
        for (nint n; (n = C.Read(fd, (nint)chunk, 256)) > 0;)
        {
            all.AddRange(new ReadOnlySpan<byte>(chunk, (int)n).ToArray());
        }

        C.Close(fd);
        return all.ToArray();
    }

    /// <summary>The libc functions, resolved once, as unmanaged function pointers (no marshalling stub to create).</summary>
    private readonly struct Libc
    {
        public readonly delegate* unmanaged<int> Fork;
        public readonly delegate* unmanaged<int, nint, nuint, nint> Write;
        public readonly delegate* unmanaged<int, nint, nuint, nint> Read;
        public readonly delegate* unmanaged<int*> ErrnoLocation;
        public readonly delegate* unmanaged<int, void> Exit;
        public readonly delegate* unmanaged<nint, nuint> Strlen;
        public readonly delegate* unmanaged<int*, int, int> Pipe2;
        public readonly delegate* unmanaged<int, int> Close;
        public readonly delegate* unmanaged<int, int*, int, int> Waitpid;
        public readonly delegate* unmanaged<int, int, int> Kill;

        private Libc(nint lib)
        {
            Fork = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "fork");
            Write = (delegate* unmanaged<int, nint, nuint, nint>)NativeLibrary.GetExport(lib, "write");
            Read = (delegate* unmanaged<int, nint, nuint, nint>)NativeLibrary.GetExport(lib, "read");
            ErrnoLocation = (delegate* unmanaged<int*>)NativeLibrary.GetExport(lib, "__errno_location");
            Exit = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(lib, "_exit");
            Strlen = (delegate* unmanaged<nint, nuint>)NativeLibrary.GetExport(lib, "strlen");
            Pipe2 = (delegate* unmanaged<int*, int, int>)NativeLibrary.GetExport(lib, "pipe2");
            Close = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(lib, "close");
            Waitpid = (delegate* unmanaged<int, int*, int, int>)NativeLibrary.GetExport(lib, "waitpid");
            Kill = (delegate* unmanaged<int, int, int>)NativeLibrary.GetExport(lib, "kill");
        }

        public static Libc Load() => new(NativeLibrary.Load("libc.so.6"));
    }
}

/// <summary>How a child ended: its exit code, or the signal that killed it, or killed by the parent's bound.</summary>
internal readonly record struct ChildEnd(int Code, int Signal, bool Hung);

/// <summary>What a <see cref="ForkedChild.WriteFrom"/> child did: how it ended, each write's result and errno, and the bytes that reached the pipe.</summary>
internal sealed record WriteProbe(ChildEnd End, (long Result, int Errno)[] Writes, byte[] BytesRead);
