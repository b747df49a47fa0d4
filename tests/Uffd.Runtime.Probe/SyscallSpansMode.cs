using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Win32.SafeHandles;

namespace Uffd.Runtime.Probe;

/// <summary>
/// Hands the kernel region memory that no one has touched, through every accessor of generated regions, on a
/// user-mode-only uffd (as nobody with <c>UserModeOnly = Allow</c>, or anyone with <c>Require</c>): <c>FileStream.Write</c>
/// of a span (the kernel reads the pages), <c>RandomAccess.Read</c> into a span or a lease (the kernel writes them),
/// and <c>Prefault</c>, <c>Read</c>, <c>Write</c>. Each access is checked byte for byte, and the pages are checked
/// missing beforehand in /proc/self/pagemap so that no earlier access can have filled them. The control: a raw span over
/// <c>BaseAddress</c> given to the same <c>FileStream.Write</c> fails with EFAULT ("Bad address"), which is what the
/// accessors prevent. Prints one line per check, then "ok"; any mismatch throws (exit code 5 via an unhandled exception).
/// </summary>
internal static unsafe class SyscallSpansMode
{
    public static int Run(string policy)
    {
        using var pagemap = Pagemap.OpenSelf();
        string directory = Directory.CreateTempSubdirectory("uffd-syscall-spans-").FullName;
        try
        {
            // Content a file hands to the region: different from every provider's.
            byte[] incoming = Enumerable.Range(0, 2 * Environment.SystemPageSize).Select(i => (byte)(i * 7 + 3)).ToArray();
            string source = Path.Combine(directory, "incoming.bin");
            File.WriteAllBytes(source, incoming);
            using SafeFileHandle input = File.OpenHandle(source);

            if (policy == "allow")
            {
                using var missing = new AllowedPages();
                using var leased = new AllowedLeasedPages();
                using var tracked = new AllowedTrackedPages();
                missing.Open();
                leased.Open();
                tracked.Open();
                Check(pagemap, directory, input, incoming, missing, leased, tracked);
            }
            else
            {
                using var missing = new RequiredPages();
                using var leased = new RequiredLeasedPages();
                using var tracked = new RequiredTrackedPages();
                missing.Open();
                leased.Open();
                tracked.Open();
                Check(pagemap, directory, input, incoming, missing, leased, tracked);
            }

            Program.Print("ok");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Check(Pagemap pagemap, string directory, SafeFileHandle input, byte[] incoming,
        ISpanPages missing, ILeasePages leased, ITrackedPages tracked)
    {
        int pageSize = missing.PageSize;
        int length = 2 * pageSize;
        string output = Path.Combine(directory, "outgoing.bin");
        Program.Print($"usermodeonly={missing.IsUserModeOnly && leased.IsUserModeOnly && tracked.IsUserModeOnly}".ToLowerInvariant());

        // The control: the kernel reading pages no one touched, through a raw span, fails with EFAULT ("Bad address").
        Untouched(pagemap, missing, 2, 2);
        var raw = new ReadOnlySpan<byte>((void*)(missing.BaseAddress + 2 * pageSize), length);
        try
        {
            WriteToFile(output, raw);
            throw new InvalidOperationException("the kernel read an untouched page of a user-mode-only region");
        }
        catch (IOException e) when (e.Message.Contains("Bad address", StringComparison.Ordinal))
        {
            Program.Print("raw span to FileStream.Write: EFAULT");
        }

        // Missing: AsSpan and AsReadOnlySpan of untouched pages to FileStream.Write (the kernel reads what the provider
        // wrote), RandomAccess.Read into AsSpan (the kernel writes them), Read and Write (native copies).
        Untouched(pagemap, missing, 0, 8);
        WriteToFile(output, missing.AsSpan(0, length));
        Same("AsSpan to FileStream.Write", Expected(0, 2, pageSize), File.ReadAllBytes(output));
        WriteToFile(output, missing.AsReadOnlySpan(2L * pageSize, length));
        Same("AsReadOnlySpan to FileStream.Write", Expected(2, 2, pageSize), File.ReadAllBytes(output));
        SameValue("RandomAccess.Read into AsSpan", length, RandomAccess.Read(input, missing.AsSpan(4L * pageSize, length), 0));
        byte[] back = new byte[length];
        missing.Read(4L * pageSize, back);
        Same("RandomAccess.Read into AsSpan", incoming.AsSpan(0, length), back);
        byte[] page = new byte[pageSize];
        missing.Read(6L * pageSize, page);
        Same("Read", Expected(6, 1, pageSize), page);
        missing.Write(7L * pageSize, incoming.AsSpan(pageSize, pageSize));
        WriteToFile(output, missing.AsReadOnlySpan(7L * pageSize, pageSize));
        Same("Write then AsReadOnlySpan to FileStream.Write", incoming.AsSpan(pageSize, pageSize), File.ReadAllBytes(output));

        // Synchronous write protection: the kernel writes untouched pages through a lease, and reads protected ones.
        Untouched(pagemap, leased, 0, 4);
        using (SpanLease lease = leased.LeaseSpan(0, length))
        {
            SameValue("RandomAccess.Read into LeaseSpan", length, RandomAccess.Read(input, lease.Span, 0));
        }

        leased.Read(0, back);
        Same("RandomAccess.Read into LeaseSpan", incoming.AsSpan(0, length), back);
        WriteToFile(output, leased.AsReadOnlySpan(2L * pageSize, length));
        Same("AsReadOnlySpan (write-protected) to FileStream.Write", Expected(2, 2, pageSize), File.ReadAllBytes(output));

        // Asynchronous tracking: pages are installed protected, the kernel's writes into the span count as writes.
        Untouched(pagemap, tracked, 0, 4);
        SameValue("RandomAccess.Read into AsSpan (tracked)", length, RandomAccess.Read(input, tracked.AsSpan(pageSize, length), 0));
        tracked.Read(pageSize, back);
        Same("RandomAccess.Read into AsSpan (tracked)", incoming.AsSpan(0, length), back);
        string collected = string.Join(',', tracked.CollectWrittenPages().SelectMany(r => Enumerable.Range((int)r.FirstPage, (int)r.Count)));
        SameValue("kernel writes collected", "1,2", collected);
        Program.Print($"kernel writes collected: pages {collected}");

        // Prefault makes pages present from native code: afterwards even a raw span reaches the kernel.
        tracked.Prefault(3L * pageSize, pageSize);
        Present(pagemap, tracked, 3, 1, "Prefault");
        WriteToFile(output, new ReadOnlySpan<byte>((void*)(tracked.BaseAddress + 3 * pageSize), pageSize));
        Same("Prefault then a raw span to FileStream.Write", Expected(3, 1, pageSize), File.ReadAllBytes(output));
    }

    private static void WriteToFile(string path, ReadOnlySpan<byte> span)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(span);
    }

    /// <summary>What the providers put in page <c>i</c>: <c>'A' + i</c> then the page index's low byte, repeated.</summary>
    public static void Fill(long pageIndex, Span<byte> page)
    {
        for (int i = 0; i < page.Length; i++)
        {
            page[i] = (i & 1) == 0 ? (byte)('A' + pageIndex) : (byte)pageIndex;
        }
    }

    private static byte[] Expected(long first, int count, int pageSize)
    {
        byte[] bytes = new byte[count * pageSize];
        for (int i = 0; i < count; i++)
        {
            Fill(first + i, bytes.AsSpan(i * pageSize, pageSize));
        }

        return bytes;
    }

    private static void Untouched(Pagemap pagemap, IRegion region, long first, int count)
    {
        for (long p = first; p < first + count; p++)
        {
            if (pagemap.ReadEntry(region.BaseAddress + (nint)(p * region.PageSize)).IsPresent)
            {
                throw new InvalidOperationException($"page {p} of {region.GetType().Name} was present before the check that needs it untouched");
            }
        }
    }

    private static void Present(Pagemap pagemap, IRegion region, long first, int count, string what)
    {
        for (long p = first; p < first + count; p++)
        {
            if (!pagemap.ReadEntry(region.BaseAddress + (nint)(p * region.PageSize)).IsPresent)
            {
                throw new InvalidOperationException($"{what}: page {p} of {region.GetType().Name} is not present");
            }
        }
    }

    private static void Same(string what, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (!expected.SequenceEqual(actual))
        {
            throw new InvalidOperationException($"{what}: {actual.Length} bytes differ from the {expected.Length} expected, first at {expected.CommonPrefixLength(actual)}");
        }

        Program.Print($"{what}: {actual.Length} bytes ok");
    }

    private static void SameValue<T>(string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new InvalidOperationException($"{what}: {actual} instead of {expected}");
        }
    }
}

internal interface IRegion
{
    nint BaseAddress { get; }

    int PageSize { get; }

    bool IsUserModeOnly { get; }

    ReadOnlySpan<byte> AsReadOnlySpan(long offset, int length);

    void Read(long offset, Span<byte> destination);

    void Write(long offset, ReadOnlySpan<byte> source);

    void Prefault(long offset, long length, bool write = false);
}

internal interface ISpanPages : IRegion
{
    Span<byte> AsSpan(long offset, int length);
}

internal interface ILeasePages : IRegion
{
    SpanLease LeaseSpan(long offset, int length);
}

internal interface ITrackedPages : ISpanPages
{
    IReadOnlyList<PageRange> CollectWrittenPages();
}

[FaultRegion(Pages = 8, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class AllowedPages : ISpanPages
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => SyscallSpansMode.Fill(pageIndex, page);
}

[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, ProtectOnFill = true, Pages = 8, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class AllowedLeasedPages : ILeasePages
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => SyscallSpansMode.Fill(pageIndex, page);
}

[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 8, HandlerThreads = 1,
             UserModeOnly = UserModeOnlyPolicy.Allow)]
internal sealed partial class AllowedTrackedPages : ITrackedPages
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => SyscallSpansMode.Fill(pageIndex, page);
}

[FaultRegion(Pages = 8, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Require)]
internal sealed partial class RequiredPages : ISpanPages
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => SyscallSpansMode.Fill(pageIndex, page);
}

[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, ProtectOnFill = true, Pages = 8, HandlerThreads = 1, UserModeOnly = UserModeOnlyPolicy.Require)]
internal sealed partial class RequiredLeasedPages : ILeasePages
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => SyscallSpansMode.Fill(pageIndex, page);
}

[FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 8, HandlerThreads = 1,
             UserModeOnly = UserModeOnlyPolicy.Require)]
internal sealed partial class RequiredTrackedPages : ITrackedPages
{
    [PageProvider]
    private static void Fill(long pageIndex, Span<byte> page) => SyscallSpansMode.Fill(pageIndex, page);
}
