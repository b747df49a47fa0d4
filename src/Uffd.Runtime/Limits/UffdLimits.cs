using System;
using System.Globalization;

namespace Uffd;

/// <summary>
/// The largest sizes the runtime accepts. Each is what the kernel or the runtime's own bookkeeping can hold, so a
/// larger argument is refused at once with an <see cref="ArgumentOutOfRangeException"/> that names the limit, rather
/// than failing later with an <see cref="OverflowException"/>, an <see cref="OutOfMemoryException"/> or a bare EINVAL.
/// </summary>
public static class UffdLimits
{
    /// <summary>
    /// The longest mapping, registration or resolution range, in bytes: 128 TiB (2^47), the user address space of
    /// x86_64 with 4-level page tables. It is also the most <c>mmap</c> hands out without an address hint on 5-level
    /// machines, and half of arm64's usual 48-bit space, so no single range the runtime maps or passes to the kernel
    /// can be longer on any supported machine.
    /// </summary>
    public const long MaxMappingLength = 1L << 47;

    /// <summary>
    /// The most pages a region can have: its page table holds one <see cref="int"/> per page in one array, and an
    /// array holds at most <see cref="Array.MaxLength"/> (2,147,483,591) elements. With 4 KiB pages that is just under
    /// 8 TiB; with 2 MiB huge pages <see cref="MaxMappingLength"/> binds first (67,108,864 pages).
    /// </summary>
    public static int MaxRegionPages => Array.MaxLength;

    /// <summary>The most pages of <paramref name="pageSize"/> bytes a region can have: both limits applied.</summary>
    public static long MaxRegionPagesOf(long pageSize) =>
        pageSize <= 0 ? MaxRegionPages : Math.Min(MaxRegionPages, MaxMappingLength / pageSize);

    /// <summary>Throws when <paramref name="length"/> is longer than <see cref="MaxMappingLength"/>.</summary>
    /// <param name="length">The length, in bytes.</param>
    /// <param name="paramName">The argument it was passed as.</param>
    /// <param name="remedy">What the caller can do instead, as a sentence.</param>
    /// <param name="subject">What is too long, when not the argument itself.</param>
    internal static void CheckMappingLength(long length, string paramName, string remedy, string? subject = null)
    {
        if (length > MaxMappingLength)
        {
            throw new ArgumentOutOfRangeException(paramName, length,
                $"{subject ?? paramName + " " + length.ToString(CultureInfo.InvariantCulture)} is longer than the user address space: " +
                $"at most {MaxMappingLength} bytes ({Bytes(MaxMappingLength)}, UffdLimits.MaxMappingLength). {remedy}");
        }
    }

    /// <summary>A byte count the way people read it: 128 TiB, 8 GiB, 1.5 MiB.</summary>
    internal static string Bytes(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int unit = 0;
        double value = bytes;
        while (unit < units.Length - 1 && value >= 1024)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.#", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
