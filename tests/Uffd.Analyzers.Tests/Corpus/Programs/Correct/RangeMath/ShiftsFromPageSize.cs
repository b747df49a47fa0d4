using System;
using System.Numerics;
using Uffd;

namespace Corpus.ShiftsFromPageSize;

/// <summary>Page arithmetic with shifts, the shift computed from the machine's page size once.</summary>
public static class PageShift
{
    private static readonly int s_shift = BitOperations.Log2((uint)Environment.SystemPageSize);

    public static long PageOf(long offset) => offset >> s_shift;

    public static long OffsetOf(long page) => page << s_shift;

    public static nint PageStart(nint address) => (nint)((long)address >> s_shift << s_shift);
}

public sealed class Mapping : IDisposable
{
    private readonly UffdMemory _memory = UffdMemory.MapAnonymous(32 * (long)Environment.SystemPageSize);

    public long PageOfAddress(nint address) => PageShift.PageOf(address - _memory.Address);

    public void DropPage(long page) => _memory.Discard(PageShift.OffsetOf(page), _memory.PageSize);

    public Span<byte> Page(long page) => _memory.AsSpan(page * _memory.PageSize, _memory.PageSize);

    public void Dispose() => _memory.Dispose();
}
