using System.IO;
using Microsoft.Win32.SafeHandles;

namespace Uffd.Runtime.Tests.Kernel.Support;

/// <summary>/proc/self/pagemap read directly (an oracle independent of the runtime's Pagemap): one little-endian u64 per virtual page.</summary>
internal static class RawPagemap
{
    /// <summary>PM_UFFD_WP: the PTE (or its marker) carries the uffd write-protect bit.</summary>
    public const int UffdWriteProtectBit = 57;

    public static ulong Entry(nint address)
    {
        long offset = (long)((ulong)address / (ulong)Environment.SystemPageSize) * 8;
        using SafeFileHandle file = File.OpenHandle("/proc/self/pagemap", FileMode.Open, FileAccess.Read);
        Span<byte> entry = stackalloc byte[8];
        int read = RandomAccess.Read(file, entry, offset);
        Assert.Equal(8, read);
        return BitConverter.ToUInt64(entry);
    }

    public static bool IsUffdWriteProtected(nint address) => (Entry(address) >> UffdWriteProtectBit & 1) != 0;
}
