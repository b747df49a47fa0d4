using System;

namespace Uffd;

/// <summary>
/// The feature bits of <c>uffdio_api.features</c> (bits 0–16, complete as of Linux 6.18).
/// Bits this enum does not name are kept as they are, never treated as an error: a newer kernel may report them.
/// </summary>
[Flags]
public enum UffdFeatures : ulong
{
    /// <summary>No feature.</summary>
    None = 0,
    /// <summary>Write-protect faults on anonymous memory (register mode WP; bit reported since 5.10).</summary>
    PageFaultFlagWP = 1UL << 0,
    /// <summary>FORK events carrying a new uffd for the child (4.11; needs CAP_SYS_PTRACE).</summary>
    EventFork = 1UL << 1,
    /// <summary>REMAP events on mremap (4.11). Without it a moved range is silently unregistered.</summary>
    EventRemap = 1UL << 2,
    /// <summary>REMOVE events on MADV_DONTNEED / MADV_REMOVE (4.11).</summary>
    EventRemove = 1UL << 3,
    /// <summary>MISSING mode on hugetlbfs (4.11; informational).</summary>
    MissingHugetlbfs = 1UL << 4,
    /// <summary>MISSING mode on shmem (4.11; informational).</summary>
    MissingShmem = 1UL << 5,
    /// <summary>UNMAP events on munmap (4.11).</summary>
    EventUnmap = 1UL << 6,
    /// <summary>Faults raise SIGBUS instead of producing messages (4.14).</summary>
    Sigbus = 1UL << 7,
    /// <summary>Page-fault messages carry the faulting thread id (4.14).</summary>
    ThreadId = 1UL << 8,
    /// <summary>MINOR mode on hugetlbfs (5.13).</summary>
    MinorHugetlbfs = 1UL << 9,
    /// <summary>MINOR mode on shmem (5.14).</summary>
    MinorShmem = 1UL << 10,
    /// <summary>Fault addresses are reported unmasked (5.18).</summary>
    ExactAddress = 1UL << 11,
    /// <summary>WP mode on hugetlbfs and shmem (5.19).</summary>
    WPHugetlbfsShmem = 1UL << 12,
    /// <summary>WRITEPROTECT also protects unpopulated anonymous PTEs (6.4).</summary>
    WPUnpopulated = 1UL << 13,
    /// <summary>UFFDIO_POISON (6.6).</summary>
    Poison = 1UL << 14,
    /// <summary>Asynchronous write protection: the kernel resolves WP faults itself (6.7; implies WPUnpopulated).</summary>
    WPAsync = 1UL << 15,
    /// <summary>UFFDIO_MOVE (6.8).</summary>
    Move = 1UL << 16,
}

/// <summary>Bits of the <c>ioctls</c> masks returned by UFFDIO_API and UFFDIO_REGISTER (<c>1 &lt;&lt; _UFFDIO_x</c>).</summary>
[Flags]
public enum UffdIoctls : ulong
{
    /// <summary>No ioctl.</summary>
    None = 0,
    /// <summary>UFFDIO_REGISTER.</summary>
    Register = 1UL << 0,
    /// <summary>UFFDIO_UNREGISTER.</summary>
    Unregister = 1UL << 1,
    /// <summary>UFFDIO_WAKE.</summary>
    Wake = 1UL << 2,
    /// <summary>UFFDIO_COPY.</summary>
    Copy = 1UL << 3,
    /// <summary>UFFDIO_ZEROPAGE.</summary>
    ZeroPage = 1UL << 4,
    /// <summary>UFFDIO_MOVE.</summary>
    Move = 1UL << 5,
    /// <summary>UFFDIO_WRITEPROTECT.</summary>
    WriteProtect = 1UL << 6,
    /// <summary>UFFDIO_CONTINUE.</summary>
    Continue = 1UL << 7,
    /// <summary>UFFDIO_POISON.</summary>
    Poison = 1UL << 8,
    /// <summary>UFFDIO_API.</summary>
    Api = 1UL << 63,
}

/// <summary>Which faults a registered range reports (<c>uffdio_register.mode</c>); any combination.</summary>
[Flags]
public enum RegisterMode : ulong
{
    /// <summary>Not a valid registration on its own.</summary>
    None = 0,
    /// <summary>Faults on pages that are not present (4.3).</summary>
    Missing = 1UL << 0,
    /// <summary>Writes to write-protected pages (5.7 anon, 5.19 shmem / hugetlbfs).</summary>
    WriteProtect = 1UL << 1,
    /// <summary>Faults on pages present in the page cache but not mapped (5.13 hugetlbfs, 5.14 shmem).</summary>
    Minor = 1UL << 2,
}

/// <summary>Options of UFFDIO_COPY.</summary>
[Flags]
public enum CopyMode : ulong
{
    /// <summary>Copy and wake the waiters of the range.</summary>
    None = 0,
    /// <summary>Do not wake; the caller must issue <see cref="Userfaultfd.Wake"/> for the range later.</summary>
    DontWake = 1UL << 0,
    /// <summary>Install the pages write-protected (the range must be registered WP).</summary>
    WriteProtect = 1UL << 1,
}

/// <summary>Options of UFFDIO_ZEROPAGE.</summary>
[Flags]
public enum ZeroPageMode : ulong
{
    /// <summary>Map zero pages and wake.</summary>
    None = 0,
    /// <summary>Do not wake; the caller must issue <see cref="Userfaultfd.Wake"/> for the range later.</summary>
    DontWake = 1UL << 0,
}

/// <summary>Options of UFFDIO_CONTINUE.</summary>
[Flags]
public enum ContinueMode : ulong
{
    /// <summary>Map the page-cache pages and wake.</summary>
    None = 0,
    /// <summary>Do not wake; the caller must issue <see cref="Userfaultfd.Wake"/> for the range later.</summary>
    DontWake = 1UL << 0,
    /// <summary>Map the pages write-protected (6.5; the range must be registered WP).</summary>
    WriteProtect = 1UL << 1,
}

/// <summary>Options of UFFDIO_POISON.</summary>
[Flags]
public enum PoisonMode : ulong
{
    /// <summary>Install poison markers and wake (the woken accesses get SIGBUS).</summary>
    None = 0,
    /// <summary>Do not wake; the caller must issue <see cref="Userfaultfd.Wake"/> for the range later.</summary>
    DontWake = 1UL << 0,
}

/// <summary>Options of UFFDIO_MOVE.</summary>
[Flags]
public enum MoveMode : ulong
{
    /// <summary>Move and wake.</summary>
    None = 0,
    /// <summary>Do not wake; the caller must issue <see cref="Userfaultfd.Wake"/> for the range later.</summary>
    DontWake = 1UL << 0,
    /// <summary>Holes in the source count as moved instead of failing with <see cref="UffdOutcome.SourceHole"/>.</summary>
    AllowSourceHoles = 1UL << 1,
}
