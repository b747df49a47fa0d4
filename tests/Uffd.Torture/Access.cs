using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Uffd.Torture;

/// <summary>What a worker needs to know about the round it touches.</summary>
internal sealed record RoundInfo(int Round, ulong Seed, ulong StampSeed, int PageSize, int Pages, int Workers);

/// <summary>
/// One access per method, each through one public path of a generated region, in the shape the JIT makes only
/// partially interruptible: an ordinary method (kept out of its caller's loop) with no loop of its own, whose first
/// touch of region memory is an ordinary read followed by a call to a non-inlined helper. A thread blocked in a fault
/// at such a read cannot be suspended for a GC; the accessors must make sure it never blocks there. Each returns null
/// or what was wrong with the page.
/// </summary>
internal static class Access
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? AsSpanWhole(IWritableSpans region, RoundInfo k, long page, int worker)
    {
        Span<byte> bytes = region.AsSpan().Slice((int)(page * k.PageSize), k.PageSize);
        Helper.Observe(FirstTouch(bytes));
        StampSlot(bytes, k, page, worker);
        return Pattern.Check(bytes, k.Seed, k.StampSeed, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? AsSpanRange(IWritableSpans region, RoundInfo k, long page, int worker)
    {
        Span<byte> bytes = region.AsSpan(page * k.PageSize, k.PageSize);
        Helper.Observe(FirstTouch(bytes));
        StampSlot(bytes, k, page, worker);
        return Pattern.Check(bytes, k.Seed, k.StampSeed, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? AsReadOnlySpanWhole(ITortureRegion region, RoundInfo k, long page, int worker)
    {
        ReadOnlySpan<byte> bytes = region.AsReadOnlySpan().Slice((int)(page * k.PageSize), k.PageSize);
        Helper.Observe(FirstTouch(bytes));
        return Pattern.Check(bytes, k.Seed, k.StampSeed, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? AsReadOnlySpanRange(ITortureRegion region, RoundInfo k, long page, int worker)
    {
        ReadOnlySpan<byte> bytes = region.AsReadOnlySpan(page * k.PageSize, k.PageSize);
        Helper.Observe(FirstTouch(bytes));
        return Pattern.Check(bytes, k.Seed, k.StampSeed, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? LeaseRange(ILeasedSpans region, RoundInfo k, long page, int worker)
    {
        using SpanLease lease = region.LeaseSpan(page * k.PageSize, k.PageSize);
        Span<byte> bytes = lease.Span;
        Helper.Observe(FirstTouch(bytes));
        StampSlot(bytes, k, page, worker);
        return Pattern.Check(bytes, k.Seed, k.StampSeed, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? LeaseWhole(ILeasedSpans region, RoundInfo k, long page, int worker)
    {
        using SpanLease lease = region.LeaseSpan();
        Span<byte> bytes = lease.Span.Slice((int)(page * k.PageSize), k.PageSize);
        Helper.Observe(FirstTouch(bytes));
        StampSlot(bytes, k, page, worker);
        return Pattern.Check(bytes, k.Seed, k.StampSeed, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? Read(ITortureRegion region, RoundInfo k, long page, byte[] buffer)
    {
        region.Read(page * k.PageSize, buffer);
        Helper.Observe(FirstTouch(buffer));
        return Pattern.Check(buffer, k.Seed, k.StampSeed, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? Write(ITortureRegion region, RoundInfo k, long page, int worker, byte[] buffer)
    {
        Span<byte> stamp = stackalloc byte[sizeof(ulong)];
        MemoryMarshal.Write(stamp, Pattern.Stamp(k.StampSeed, page, worker));
        region.Write(page * k.PageSize + worker * sizeof(ulong), stamp);
        Helper.Observe(stamp[0]);
        region.Read(page * k.PageSize, buffer);
        return MemoryMarshal.Read<ulong>(buffer.AsSpan(worker * sizeof(ulong))) == Pattern.Stamp(k.StampSeed, page, worker)
            ? Pattern.Check(buffer, k.Seed, k.StampSeed, page)
            : $"page {page}: the stamp worker {worker} wrote is not there";
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? PrefaultThenSpan(IWritableSpans region, RoundInfo k, long page, int worker)
    {
        region.Prefault(page * k.PageSize, k.PageSize, write: true);
        Span<byte> bytes = region.AsSpan(page * k.PageSize, k.PageSize);
        Helper.Observe(FirstTouch(bytes));
        StampSlot(bytes, k, page, worker);
        return Pattern.Check(bytes, k.Seed, k.StampSeed, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? PrefaultThenLease(ILeasedSpans region, RoundInfo k, long page, int worker)
    {
        region.Prefault(page * k.PageSize, k.PageSize, write: true);
        using SpanLease lease = region.LeaseSpan(page * k.PageSize, k.PageSize);
        Span<byte> bytes = lease.Span;
        Helper.Observe(FirstTouch(bytes));
        StampSlot(bytes, k, page, worker);
        return Pattern.Check(bytes, k.Seed, k.StampSeed, page);
    }

    /// <summary>Writes a page's content into the page cache through the alias, all but the word a Minor provider writes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillThroughAlias(IAliased region, RoundInfo k, long page, bool leaveProviderWord)
    {
        Span<byte> alias = region.AliasSpan(page * k.PageSize, k.PageSize);
        Helper.Observe(FirstTouch(alias));
        Pattern.Fill(alias, k.Seed, page);
        if (leaveProviderWord)
        {
            MemoryMarshal.Cast<byte, ulong>(alias)[Pattern.ProviderWord] = 0;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? ReadThroughAlias(IAliased region, RoundInfo k, long page)
    {
        Span<byte> alias = region.AliasSpan(page * k.PageSize, k.PageSize);
        Helper.Observe(FirstTouch(alias));
        return Pattern.Check(alias, k.Seed, k.StampSeed, page);
    }

    /// <summary>
    /// The control: a raw span over <c>BaseAddress</c>, which the analyzers warn about. Its first touch faults in
    /// managed code, in this partially interruptible method, which is exactly the GC deadlock.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe string? RawSpan(ITortureRegion region, RoundInfo k, long page, int worker)
    {
        var bytes = new ReadOnlySpan<byte>((void*)(region.BaseAddress + (nint)(page * k.PageSize)), k.PageSize);
        Helper.Observe(FirstTouch(bytes));
        return Pattern.Check(bytes, k.Seed, k.StampSeed, page);
    }

    /// <summary>The first touch of a page: an ordinary read of a content word and of the last byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FirstTouch(ReadOnlySpan<byte> page) =>
        MemoryMarshal.Read<ulong>(page.Slice(Pattern.Slots * sizeof(ulong))) ^ page[^1];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StampSlot(Span<byte> page, RoundInfo k, long index, int worker) =>
        MemoryMarshal.Write(page.Slice(worker * sizeof(ulong)), Pattern.Stamp(k.StampSeed, index, worker));
}

/// <summary>The non-inlined call every access makes right after its first touch.</summary>
internal static class Helper
{
    private static ulong sink;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Observe(ulong value) => sink ^= value;
}
