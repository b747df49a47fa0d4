using System;
using System.Globalization;

namespace Uffd;

/// <summary>
/// What <c>/proc/self/fdinfo/&lt;uffd&gt;</c> says: <see cref="Pending"/> unread page faults and <see cref="Total"/>
/// threads waiting on a fault (read or not). <see cref="Total"/> returning to 0 proves no thread is left blocked.
/// </summary>
public readonly record struct UffdFdInfo(long Pending, long Total, UffdFeatures Features, UffdIoctls Ioctls)
{
    /// <summary>True once UFFDIO_API has been called on the uffd (the kernel's own "initialized" feature bit).</summary>
    public bool IsInitialized { get; init; }

    /// <summary>Parses the text of <c>/proc/self/fdinfo/N</c> (read from <paramref name="path"/>, quoted in errors).</summary>
    internal static UffdFdInfo Parse(string text, string path)
    {
        long pending = -1, total = -1;
        ulong features = 0, ioctls = 0;
        bool initialized = false;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("pending:", StringComparison.Ordinal))
            {
                pending = long.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("total:", StringComparison.Ordinal))
            {
                total = long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("API:", StringComparison.Ordinal))
            {
                // "API:\taa:<ctx features>:<ioctls>"; bit 31 of the features is the kernel's own "initialized" flag.
                string[] parts = line.Substring(4).Trim().Split(':');
                ulong raw = ulong.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                initialized = (raw & 0x8000_0000UL) != 0;
                features = raw & 0x7FFF_FFFFUL;
                ioctls = ulong.Parse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        if (pending < 0 || total < 0)
        {
            throw new UffdException($"{path} is not a userfaultfd's fdinfo.");
        }

        return new UffdFdInfo(pending, total, (UffdFeatures)features, (UffdIoctls)ioctls) { IsInitialized = initialized };
    }
}
