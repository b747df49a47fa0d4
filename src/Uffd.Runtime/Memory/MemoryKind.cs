namespace Uffd;

/// <summary>The kind of memory a <see cref="UffdMemory"/> maps; it decides which register modes and ioctls work.</summary>
public enum MemoryKind
{
    /// <summary>MAP_PRIVATE | MAP_ANONYMOUS: MISSING and WP; COPY, ZEROPAGE, MOVE, POISON, WRITEPROTECT.</summary>
    PrivateAnonymous,
    /// <summary>A shared memfd (shmem): MISSING, WP and MINOR; no MOVE. Has a non-registered alias mapping unless mapped without one.</summary>
    SharedMemfd,
    /// <summary>A shared hugetlbfs memfd: huge pages, MISSING, WP and MINOR; no ZEROPAGE, no MOVE.</summary>
    SharedHugetlb,
    /// <summary>A private mapping of a hugetlbfs memfd: huge pages, MISSING and WP; no ZEROPAGE, no MOVE.</summary>
    PrivateHugetlb,
}
