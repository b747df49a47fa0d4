using System.Runtime.InteropServices;

namespace Uffd;

/// <summary>
/// One <c>struct uffd_msg</c> exactly as <c>read(2)</c> returns it (32 bytes, packed). Read messages into a
/// <see cref="System.Span{T}"/> of these with <see cref="Userfaultfd.ReadMessages"/>; decoding is a field access.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
public readonly struct UffdMessage
{
    [FieldOffset(0)] private readonly byte eventCode;
    [FieldOffset(8)] private readonly ulong arg0;
    [FieldOffset(16)] private readonly ulong arg1;
    [FieldOffset(24)] private readonly ulong arg2;

    /// <summary>The event code. Values outside <see cref="UffdEventKind"/>'s named members are surfaced as they are.</summary>
    public UffdEventKind Kind => (UffdEventKind)eventCode;

    /// <summary>True when <see cref="Kind"/> is one this runtime decodes.</summary>
    public bool IsKnownKind => eventCode is >= 0x12 and <= 0x16;

    /// <summary>The page-fault payload; meaningful only when <see cref="Kind"/> is <see cref="UffdEventKind.PageFault"/>.</summary>
    public PageFaultEvent PageFault => new((PageFaultFlags)arg0, (nint)arg1, (int)(uint)arg2);

    /// <summary>The fork payload: the child's uffd number, already installed in this process's fd table.</summary>
    public int ForkChildFd => (int)(uint)arg0;

    /// <summary>The remap payload (<c>mremap</c> moved a registered range).</summary>
    public RemapEvent Remap => new((nint)arg0, (nint)arg1, (long)arg2);

    /// <summary>The remove / unmap payload: <c>[Start, End)</c>.</summary>
    public RangeEvent Range => new((nint)arg0, (nint)arg1);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        UffdEventKind.PageFault => PageFault.ToString(),
        UffdEventKind.Fork => $"Fork(child uffd {ForkChildFd})",
        UffdEventKind.Remap => Remap.ToString(),
        UffdEventKind.Remove => $"Remove{Range}",
        UffdEventKind.Unmap => $"Unmap{Range}",
        _ => $"Unknown event 0x{eventCode:x2}",
    };
}

/// <summary>The kinds of <c>uffd_msg.event</c>. The kernel numbers them from 0x12 on purpose.</summary>
public enum UffdEventKind : byte
{
    /// <summary>A thread faulted in a registered range and is waiting.</summary>
    PageFault = 0x12,
    /// <summary>The process forked; the child's registrations live on a new uffd (needs <see cref="UffdFeatures.EventFork"/>).</summary>
    Fork = 0x13,
    /// <summary>A registered range moved with mremap (needs <see cref="UffdFeatures.EventRemap"/>).</summary>
    Remap = 0x14,
    /// <summary>Pages were dropped by MADV_DONTNEED / MADV_REMOVE; the range stays registered (needs <see cref="UffdFeatures.EventRemove"/>).</summary>
    Remove = 0x15,
    /// <summary>A registered range was unmapped (needs <see cref="UffdFeatures.EventUnmap"/>).</summary>
    Unmap = 0x16,
}

/// <summary>Flags of a page-fault message. Neither WriteProtect nor Minor means a MISSING fault.</summary>
[System.Flags]
public enum PageFaultFlags : ulong
{
    /// <summary>A read of a missing page.</summary>
    None = 0,
    /// <summary>The access was a write.</summary>
    Write = 1UL << 0,
    /// <summary>A write to a write-protected page (always comes with <see cref="Write"/>).</summary>
    WriteProtect = 1UL << 1,
    /// <summary>A minor fault: the page is in the page cache but not mapped.</summary>
    Minor = 1UL << 2,
}

/// <summary>A decoded page fault.</summary>
/// <param name="Flags">What kind of fault it is.</param>
/// <param name="Address">The faulting address; page-masked unless <see cref="UffdFeatures.ExactAddress"/> was enabled.</param>
/// <param name="ThreadId">The faulting thread's id when <see cref="UffdFeatures.ThreadId"/> was enabled, else 0.</param>
public readonly record struct PageFaultEvent(PageFaultFlags Flags, nint Address, int ThreadId)
{
    /// <summary>True for a write access.</summary>
    public bool IsWrite => (Flags & PageFaultFlags.Write) != 0;

    /// <summary>True for a write-protect fault (resolve with <see cref="Userfaultfd.RemoveWriteProtection"/>).</summary>
    public bool IsWriteProtect => (Flags & PageFaultFlags.WriteProtect) != 0;

    /// <summary>True for a minor fault (resolve with <see cref="Userfaultfd.Continue"/>).</summary>
    public bool IsMinor => (Flags & PageFaultFlags.Minor) != 0;

    /// <summary>True for a missing-page fault (resolve with COPY, ZEROPAGE, MOVE or POISON).</summary>
    public bool IsMissing => (Flags & (PageFaultFlags.WriteProtect | PageFaultFlags.Minor)) == 0;

    /// <summary>The start of the page that faulted, for a mapping with pages of <paramref name="pageSize"/> bytes.</summary>
    public nint PageStart(int pageSize) => Address & ~(nint)(pageSize - 1);

    /// <inheritdoc />
    public override string ToString() =>
        $"PageFault(0x{Address:x}, {Flags}{(ThreadId != 0 ? $", tid {ThreadId}" : string.Empty)})";
}

/// <summary>A registered range moved from <see cref="From"/> to <see cref="To"/>.</summary>
public readonly record struct RemapEvent(nint From, nint To, long Length)
{
    /// <inheritdoc />
    public override string ToString() => $"Remap(0x{From:x} -> 0x{To:x}, {Length} bytes)";
}

/// <summary>The half-open range <c>[Start, End)</c> of a REMOVE or UNMAP event.</summary>
public readonly record struct RangeEvent(nint Start, nint End)
{
    /// <summary>The range's length in bytes.</summary>
    public long Length => End - Start;

    /// <inheritdoc />
    public override string ToString() => $"(0x{Start:x}..0x{End:x})";
}
