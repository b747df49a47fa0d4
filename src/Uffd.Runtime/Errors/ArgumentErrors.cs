using System;
using System.Linq;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// Turns a kernel EINVAL into the rule that was broken, using the facts of the mapping (<see cref="VmaInfo"/>).
/// Runs only after the kernel refused, so reading <c>/proc/self/smaps</c> costs nothing on the fault path.
/// </summary>
internal static class ArgumentErrors
{
    public static ArgumentException Register(nint start, long length, RegisterMode mode)
    {
        VmaInfo? vma = VmaInfo.Find(start);
        if (vma is null)
        {
            return new ArgumentException($"Nothing is mapped at start 0x{start:x}: register a mapped range.", nameof(start));
        }

        if (Unaligned(vma, start, length) is { } alignment)
        {
            return alignment;
        }

        if ((mode & RegisterMode.Minor) != 0 && vma.IsPrivateAnonymous)
        {
            return new ArgumentException(
                $"mode {mode} includes Minor, which needs shmem or hugetlbfs memory; [0x{start:x}, +{length}) is {vma.Describe()}. " +
                "Map it with UffdMemory.MapShared or MapHugetlb.", nameof(mode));
        }

        if (!vma.IsPrivateAnonymous && !vma.IsHugetlb && !vma.Path.StartsWith("/memfd:", StringComparison.Ordinal) && !vma.Path.StartsWith("/dev/shm", StringComparison.Ordinal) && vma.Path.Length > 0)
        {
            return new ArgumentException(
                $"start 0x{start:x} is in {vma.Describe()}: regular files cannot be registered, only anonymous, shmem and hugetlbfs memory.", nameof(start));
        }

        return new ArgumentException(
            $"The kernel rejected registering [0x{start:x}, +{length}) with {mode} (EINVAL) on {vma.Describe()}.", nameof(mode));
    }

    /// <summary>A mode with bits its enum does not name: the kernel would answer a bare EINVAL.</summary>
    public static ArgumentException UndefinedModeBits(Type modeType, ulong mode, ulong allowed) =>
        new($"mode has bits 0x{mode & ~allowed:x} that {modeType.Name} does not define (it defines {Enum.ToObject(modeType, allowed)}).", "mode");

    public static ArgumentException Unregister(nint start, long length)
    {
        VmaInfo? vma = VmaInfo.Find(start);
        if (vma is null)
        {
            return new ArgumentException($"Nothing is mapped at start 0x{start:x}.", nameof(start));
        }

        return Unaligned(vma, start, length) ?? new ArgumentException(
            $"The kernel rejected unregistering [0x{start:x}, +{length}) (EINVAL): the range may be registered with another userfaultfd.",
            nameof(start));
    }

    public static ArgumentException Resolve(string ioctl, nint destination, long length, ulong mode, nint source = 0)
    {
        string dst = ioctl is "UFFDIO_COPY" or "UFFDIO_MOVE" ? "destination" : "start";
        VmaInfo? vma = VmaInfo.Find(destination);
        if (vma is null)
        {
            return new ArgumentException($"{ioctl}: nothing is mapped at {dst} 0x{destination:x}.", dst);
        }

        if (Unaligned(vma, destination, length, dst, $"{ioctl}: ") is { } alignment)
        {
            return alignment;
        }

        RegisterMode modes = vma.RegisteredModes;
        switch (ioctl)
        {
            case "UFFDIO_COPY" when (mode & UffdAbi.UFFDIO_COPY_MODE_WP) != 0 && (modes & RegisterMode.WriteProtect) == 0:
                return new ArgumentException(
                    $"UFFDIO_COPY: CopyMode.WriteProtect needs the destination registered with RegisterMode.WriteProtect; it is registered {Modes(modes)}.", "mode");
            case "UFFDIO_CONTINUE" when (modes & RegisterMode.Minor) == 0:
                return new ArgumentException(
                    $"UFFDIO_CONTINUE: start 0x{destination:x} must be registered with RegisterMode.Minor on shmem or hugetlbfs; it is {vma.Describe()} registered {Modes(modes)}.", dst);
            case "UFFDIO_CONTINUE" when (mode & UffdAbi.UFFDIO_CONTINUE_MODE_WP) != 0 && (modes & RegisterMode.WriteProtect) == 0:
                return new ArgumentException(
                    $"UFFDIO_CONTINUE: ContinueMode.WriteProtect needs the range registered with RegisterMode.WriteProtect; it is registered {Modes(modes)}.", "mode");
            case "UFFDIO_ZEROPAGE" when vma.IsHugetlb:
                return new ArgumentException(
                    "UFFDIO_ZEROPAGE is not supported on hugetlbfs memory: copy a zeroed huge page with UFFDIO_COPY instead.", dst);
            case "UFFDIO_MOVE":
                return Move(destination, source, length, vma);
            case "UFFDIO_WRITEPROTECT" when (mode & UffdAbi.UFFDIO_WRITEPROTECT_MODE_WP) != 0 && (mode & UffdAbi.UFFDIO_WRITEPROTECT_MODE_DONTWAKE) != 0:
                return new ArgumentException("UFFDIO_WRITEPROTECT: protecting never wakes, so DontWake is only valid when unprotecting.", "mode");
        }

        if (vma.End < destination + (nint)length)
        {
            return new ArgumentException(
                $"{ioctl}: [0x{destination:x}, +{length}) runs past the end of its mapping at 0x{vma.End:x}; resolve each mapping separately.", nameof(length));
        }

        return new ArgumentException(
            $"{ioctl}: the kernel rejected [0x{destination:x}, +{length}) with mode 0x{mode:x} (EINVAL) on {vma.Describe()} registered {Modes(modes)}.", dst);
    }

    private static ArgumentException Move(nint destination, nint source, long length, VmaInfo dst)
    {
        if (!dst.IsPrivateAnonymous || dst.IsHugetlb)
        {
            return new ArgumentException(
                $"UFFDIO_MOVE works only on private anonymous memory; destination 0x{destination:x} is {dst.Describe()}.", "destination");
        }

        if (dst.RegisteredModes == RegisterMode.None)
        {
            return new ArgumentException($"UFFDIO_MOVE: destination 0x{destination:x} must be registered with this userfaultfd.", "destination");
        }

        VmaInfo? src = VmaInfo.Find(source);
        if (src is null)
        {
            return new ArgumentException($"UFFDIO_MOVE: nothing is mapped at source 0x{source:x}.", "source");
        }

        if (!src.IsPrivateAnonymous || src.IsHugetlb)
        {
            return new ArgumentException($"UFFDIO_MOVE works only on private anonymous memory; source 0x{source:x} is {src.Describe()}.", "source");
        }

        string srcProtection = Protection(src), dstProtection = Protection(dst);
        if (srcProtection != dstProtection || !src.VmFlags.Contains("wr"))
        {
            return new ArgumentException(
                $"UFFDIO_MOVE: the source 0x{source:x} is mapped {srcProtection} but the destination 0x{destination:x} is mapped {dstProtection}. " +
                "MOVE needs source and destination mapped with the same protection and flags, and both writable: mprotect the source to match.", "source");
        }

        return new ArgumentException(
            $"UFFDIO_MOVE: the kernel rejected moving {length} bytes from 0x{source:x} to 0x{destination:x} (EINVAL). Source and destination " +
            "must be mapped with the same protection and flags (both writable), each range must stay within one mapping, and the " +
            "calling process must be the one the uffd serves.", "source");
    }

    private static ArgumentException? Unaligned(VmaInfo vma, nint start, long length, string startName = "start", string prefix = "")
    {
        long pageSize = vma.KernelPageSize;
        if (pageSize <= 0)
        {
            return null;
        }

        if ((start & (nint)(pageSize - 1)) != 0)
        {
            return new ArgumentException(
                $"{prefix}{startName} 0x{start:x} is not aligned to this mapping's page size ({pageSize >> 10} KiB): it lies in " +
                $"{vma.Describe()}; round it down with address & ~(0x{pageSize:x} - 1).", startName);
        }

        if (length % pageSize != 0)
        {
            return new ArgumentException(
                $"{prefix}length {length} is not a multiple of this mapping's page size ({pageSize >> 10} KiB): the range is in " +
                $"{vma.Describe()}, which the kernel handles in whole pages of that size.", "length");
        }

        return null;
    }

    private static string Protection(VmaInfo vma)
    {
        string[] prot = new[] { ("rd", "PROT_READ"), ("wr", "PROT_WRITE"), ("ex", "PROT_EXEC") }
            .Where(p => vma.VmFlags.Contains(p.Item1)).Select(p => p.Item2).ToArray();
        return prot.Length == 0 ? "PROT_NONE" : string.Join('|', prot);
    }

    private static string Modes(RegisterMode modes) => modes == RegisterMode.None ? "with no mode" : $"with {modes}";
}
