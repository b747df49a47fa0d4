using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Uffd;

/// <summary>
/// One mapping of this process as <c>/proc/self/smaps</c> describes it. Used to explain a kernel EINVAL with the
/// facts that caused it (page size, memory type, registered modes); reading it allocates, so it is never on a hot path.
/// </summary>
public sealed record VmaInfo(nint Start, nint End, string Path, long KernelPageSize, IReadOnlySet<string> VmFlags)
{
    /// <summary>True for hugetlbfs mappings (VmFlag <c>ht</c>).</summary>
    public bool IsHugetlb => VmFlags.Contains("ht");

    /// <summary>True for shared mappings (VmFlag <c>sh</c>).</summary>
    public bool IsShared => VmFlags.Contains("sh");

    /// <summary>True for anonymous private memory (no backing file).</summary>
    public bool IsPrivateAnonymous => !IsShared && (Path.Length == 0 || Path.StartsWith('['));

    /// <summary>The register modes the kernel recorded on this mapping (VmFlags <c>um</c>, <c>uw</c>, <c>ui</c>).</summary>
    public RegisterMode RegisteredModes =>
        (VmFlags.Contains("um") ? RegisterMode.Missing : 0) |
        (VmFlags.Contains("uw") ? RegisterMode.WriteProtect : 0) |
        (VmFlags.Contains("ui") ? RegisterMode.Minor : 0);

    /// <summary>A short description such as "private anonymous memory" or "shared hugetlbfs memory (2048 KiB pages)".</summary>
    public string Describe()
    {
        string kind = IsHugetlb ? "hugetlbfs" : IsPrivateAnonymous ? "anonymous" : Path.StartsWith("/memfd:", StringComparison.Ordinal) || Path.StartsWith("/dev/shm", StringComparison.Ordinal) ? "shmem" : $"file-backed ({Path})";
        return $"{(IsShared ? "shared" : "private")} {kind} memory ({KernelPageSize >> 10} KiB pages)";
    }

    /// <summary>Finds the mapping that contains <paramref name="address"/>, or null.</summary>
    public static VmaInfo? Find(nint address)
    {
        List<VmaInfo> found = FindAll(address, address + 1);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Every mapping that overlaps <c>[start, end)</c>, lowest first.</summary>
    public static List<VmaInfo> FindAll(nint start, nint end)
    {
        var found = new List<VmaInfo>();
        try
        {
            nint vmaStart = 0, vmaEnd = 0;
            string path = string.Empty;
            long pageSize = 0;
            bool inside = false;
            foreach (string line in SmapsFile.ReadLines())
            {
                if (IsHeader(line, out nint s, out nint e, out string p))
                {
                    inside = s < end && start < e;
                    (vmaStart, vmaEnd, path, pageSize) = (s, e, p, 0);
                    continue;
                }

                if (!inside)
                {
                    continue;
                }

                if (line.StartsWith("KernelPageSize:", StringComparison.Ordinal))
                {
                    string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    pageSize = long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
                }
                else if (line.StartsWith("VmFlags:", StringComparison.Ordinal))
                {
                    var flags = new HashSet<string>(line.Substring(8).Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
                    found.Add(new VmaInfo(vmaStart, vmaEnd, path, pageSize, flags));
                    inside = false;
                }
            }
        }
        catch (IOException)
        {
        }

        return found;
    }

    private static bool IsHeader(string line, out nint start, out nint end, out string path)
    {
        start = end = 0;
        path = string.Empty;
        int dash = line.IndexOf('-');
        int space = line.IndexOf(' ');
        if (dash <= 0 || space <= dash || line.EndsWith(" kB", StringComparison.Ordinal))
        {
            return false;
        }

        if (!long.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long s) ||
            !long.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long e))
        {
            return false;
        }

        // "start-end perms offset dev inode   path"
        string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        path = fields.Length == 6 ? fields[5].Trim() : string.Empty;
        (start, end) = ((nint)s, (nint)e);
        return true;
    }
}
