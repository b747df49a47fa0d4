using System;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// A mapping made for userfaultfd: private anonymous memory, a shared memfd with (by default) a second,
/// never-registered alias mapping through which MINOR-mode pages are staged, or hugetlbfs. <see cref="PageSize"/> is
/// the mapping's own page size (a huge page size for hugetlbfs), which every range passed to the kernel must be
/// aligned to.
/// </summary>
/// <remarks>
/// A forked child does not inherit the mapping (MADV_DONTFORK on every view): the child's copy of a registered range
/// would not be registered with any uffd, so its missing pages would read as zeros. In the child the addresses are
/// unmapped instead: a touch is SIGSEGV and a system call given them fails with EFAULT. A handler that serves
/// forked children calls <see cref="InheritOnFork"/>, negotiates <see cref="UffdFeatures.EventFork"/> and serves the
/// uffd each Fork message carries (<see cref="Userfaultfd.AdoptForkedChild"/>).
/// <para>
/// The mappings and the memfd are owned by <see cref="SafeHandle"/>s, so memory nobody disposed is unmapped (and its
/// memfd closed) by the finalizer instead of leaking. Dispose it all the same, after the uffd it is registered with:
/// the finalizer runs whenever the GC finds the object unreachable, and a raw <see cref="Address"/> kept elsewhere
/// (a span, a pointer in native code) does not keep it reachable. An munmap of a range registered with a uffd that
/// negotiated <see cref="UffdFeatures.EventUnmap"/> also waits until a reader reads the UNMAP event, which a
/// finalizer thread must not be left doing.
/// </para>
/// </remarks>
public sealed unsafe class UffdMemory : IDisposable
{
    // The owners of the mappings; the addresses are kept beside them for the paths that read them on every fault
    // (AliasAddress) and are cleared by Dispose.
    private readonly MappingHandle view;
    private readonly MappingHandle? aliasView;
    private nint address;
    private nint alias;

    private UffdMemory(MappingHandle view, MappingHandle? aliasView, long length, int pageSize, MemoryKind kind, FileDescriptorHandle? file)
    {
        this.view = view;
        this.aliasView = aliasView;
        address = view.DangerousGetHandle();
        alias = aliasView?.DangerousGetHandle() ?? 0;
        Length = length;
        PageSize = pageSize;
        Kind = kind;
        File = file;
    }

    /// <summary>Start of the mapping (the view to register).</summary>
    public nint Address => Volatile.Read(ref address) is var a && a != 0 ? a : throw new ObjectDisposedException(nameof(UffdMemory));

    /// <summary>
    /// Start of the alias: a second shared mapping of the same pages that is never registered, so the handler can
    /// read and write page contents without faulting. 0 when the memory has no alias (private mappings, or mapped
    /// with <c>alias: false</c>).
    /// </summary>
    /// <remarks>
    /// The alias is how <see cref="RegisterMode.Minor"/> works: a page written through it is in the page cache, and
    /// the registered view's first touch of it raises a minor fault. Under <see cref="RegisterMode.Missing"/> alone it
    /// bypasses the handler instead: touching a page through the alias allocates it in the memfd (as zeros when only
    /// read), the registered view then finds it present, and no missing fault is ever raised for it. Map memory that is
    /// only registered for missing faults with <c>alias: false</c>, or touch through the alias only pages already served.
    /// </remarks>
    public nint AliasAddress => alias;

    /// <summary>Length in bytes, a whole number of pages.</summary>
    public long Length { get; }

    /// <summary>The page size of this mapping, from the mapping itself (4 KiB, or 2 MiB / 1 GiB for hugetlbfs).</summary>
    public int PageSize { get; }

    /// <summary>What kind of memory this is.</summary>
    public MemoryKind Kind { get; }

    /// <summary>The memfd behind shared and hugetlb memory; null for anonymous memory.</summary>
    public FileDescriptorHandle? File { get; }

    /// <summary>Number of pages.</summary>
    public long PageCount => Length / PageSize;

    /// <summary>
    /// Maps <paramref name="length"/> bytes (rounded up to whole pages) of private anonymous memory. Not inherited by
    /// forked children (MADV_DONTFORK; see the remarks of <see cref="UffdMemory"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public static UffdMemory MapAnonymous(long length)
    {
        CheckLength(length);
        int pageSize = Environment.SystemPageSize;
        long size = RoundUp(length, pageSize);
        var view = new MappingHandle(size);
        nint a = Libc.mmap(0, (nuint)size, Libc.PROT_READ | Libc.PROT_WRITE,
            Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        if (a == Libc.MAP_FAILED)
        {
            UffdException failed = MapFailed("mmap(MAP_PRIVATE | MAP_ANONYMOUS)", size);
            view.Dispose();
            throw failed;
        }

        view.Own(a);
        try
        {
            KeepFromForks(view, size, "the anonymous mapping");
            return new UffdMemory(view, null, size, pageSize, MemoryKind.PrivateAnonymous, null);
        }
        catch
        {
            view.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Maps <paramref name="length"/> bytes (rounded up to whole pages) of a new memfd: <see cref="Address"/> to
    /// register and, with <paramref name="alias"/> (the default), a second view at <see cref="AliasAddress"/> to
    /// stage pages through without faulting, as <see cref="RegisterMode.Minor"/> needs (see <see cref="AliasAddress"/>
    /// for why memory registered only for missing faults should have none). Neither view is inherited by forked
    /// children (MADV_DONTFORK; see the remarks of <see cref="UffdMemory"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public static UffdMemory MapShared(long length, bool alias = true) => MapMemfd(length, hugetlb: false, shared: true, alias);

    /// <summary>
    /// Maps hugetlbfs memory of the default huge page size. Needs free huge pages (<c>vm.nr_hugepages</c>);
    /// <paramref name="length"/> is rounded up to whole huge pages. A <paramref name="shared"/> mapping also gets an
    /// alias unless <paramref name="alias"/> is false, as <see cref="MapShared"/>; a private one never has one. No view
    /// is inherited by forked children (MADV_DONTFORK; see the remarks of <see cref="UffdMemory"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive, or longer than <see cref="UffdLimits.MaxMappingLength"/> (128 TiB).</exception>
    public static UffdMemory MapHugetlb(long length, bool shared = true, bool alias = true) =>
        MapMemfd(length, hugetlb: true, shared, alias && shared);

    /// <summary>
    /// Lets processes forked from now on inherit the mapping and its alias (MADV_DOFORK), which every Map method
    /// prevents. Only for a handler that serves forked children: register with a uffd that negotiated
    /// <see cref="UffdFeatures.EventFork"/> and serve the uffd each Fork message carries. Without that event the
    /// child's copy of a registered range is registered nowhere, and its missing pages read as zeros.
    /// </summary>
    /// <exception cref="UffdException">madvise failed.</exception>
    public void InheritOnFork()
    {
        Advise(Address, Length, Libc.MADV_DOFORK, "MADV_DOFORK", "the mapping");
        if (alias != 0)
        {
            Advise(alias, Length, Libc.MADV_DOFORK, "MADV_DOFORK", "the alias");
        }

        // The finalizer must not unmap the views while madvise works on their addresses.
        GC.KeepAlive(this);
    }

    /// <summary>A span over <paramref name="length"/> bytes of the registered view at <paramref name="offset"/>.</summary>
    public Span<byte> AsSpan(long offset, int length)
    {
        CheckSlice(offset, length);
        return new Span<byte>((void*)(Address + (nint)offset), length);
    }

    /// <summary>
    /// A span over the alias view (never faults into the uffd; see <see cref="AliasAddress"/> for what touching it
    /// means to a registration); throws when there is no alias.
    /// </summary>
    public Span<byte> AliasSpan(long offset, int length)
    {
        CheckSlice(offset, length);
        if (alias == 0)
        {
            throw new InvalidOperationException(Kind is MemoryKind.PrivateAnonymous or MemoryKind.PrivateHugetlb
                ? $"{Kind} memory has no alias mapping; only shared memory does."
                : $"This {Kind} memory has no alias mapping: it was mapped with alias: false.");
        }

        return new Span<byte>((void*)(alias + (nint)offset), length);
    }

    /// <summary>
    /// Drops the pages of a range so that the next access faults again: MADV_DONTNEED for private memory,
    /// MADV_REMOVE (which also frees the page cache) for shared memory. Raises a REMOVE event when enabled.
    /// </summary>
    public void Discard(long offset, long length)
    {
        CheckRange(offset, length);
        if (Kind is MemoryKind.SharedMemfd or MemoryKind.SharedHugetlb)
        {
            Advise(Address + (nint)offset, length, Libc.MADV_REMOVE, "MADV_REMOVE", "the range");
        }
        else
        {
            Advise(Address + (nint)offset, length, Libc.MADV_DONTNEED, "MADV_DONTNEED", "the range");
        }

        GC.KeepAlive(this);
    }

    /// <summary>Unmaps both views and closes the memfd. Idempotent; never throws.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref address, 0);
        Interlocked.Exchange(ref alias, 0);
        view.Dispose();
        aliasView?.Dispose();
        File?.Dispose();
    }

    /// <summary>
    /// Dispose for a registered view that is no longer where it was mapped: an mremap moved it or an munmap dropped
    /// part of it, and whoever followed that unmaps the pieces where they are now. The old address range may belong
    /// to someone else by now, so neither this nor the finalizer unmaps it; the alias is unmapped and the memfd closed.
    /// </summary>
    internal void DisposeMovedView()
    {
        Interlocked.Exchange(ref address, 0);
        view.SetHandleAsInvalid();
        Dispose();
    }

    /// <summary>
    /// Dispose that leaves both views mapped for good (only the memfd is closed; the mappings hold the file): for a
    /// revoked mapping a thread may still fault in, which must crash on it rather than touch whatever could reuse
    /// the addresses. Neither Dispose nor the finalizer unmaps them afterwards.
    /// </summary>
    internal void DisposeKeepingMappings()
    {
        Interlocked.Exchange(ref address, 0);
        Interlocked.Exchange(ref alias, 0);
        view.SetHandleAsInvalid();
        aliasView?.SetHandleAsInvalid();
        File?.Dispose();
    }

    private static UffdMemory MapMemfd(long length, bool hugetlb, bool shared, bool alias)
    {
        CheckLength(length);
        uint flags = Libc.MFD_CLOEXEC | (hugetlb ? Libc.MFD_HUGETLB : 0);
        int fd = Libc.memfd_create(hugetlb ? "uffd-hugetlb" : "uffd-shmem", flags);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"memfd_create({(hugetlb ? "MFD_HUGETLB" : "0")}) failed: {Errno.Describe(errno)}." +
                (hugetlb ? " hugetlbfs needs a kernel with CONFIG_HUGETLBFS." : string.Empty), errno);
        }

        var file = new FileDescriptorHandle(fd, ownsHandle: true);
        MappingHandle? view = null, aliasView = null;
        try
        {
            int pageSize = hugetlb ? BlockSize(file) : Environment.SystemPageSize;
            long size = RoundUp(length, pageSize);
            if (Libc.ftruncate(file, size) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new UffdException($"ftruncate of the memfd to {size} bytes failed: {Errno.Describe(errno)}.", errno);
            }

            int share = shared ? Libc.MAP_SHARED : Libc.MAP_PRIVATE;
            view = MapFile(file, size, share, hugetlb ? "mmap of a hugetlbfs memfd" : "mmap of a memfd", hugetlb, pageSize);
            KeepFromForks(view, size, "the memfd mapping");
            if (alias)
            {
                aliasView = MapFile(file, size, Libc.MAP_SHARED, "mmap of the memfd alias", hugetlb, pageSize);
                KeepFromForks(aliasView, size, "the memfd alias");
            }

            MemoryKind kind = hugetlb
                ? (shared ? MemoryKind.SharedHugetlb : MemoryKind.PrivateHugetlb)
                : MemoryKind.SharedMemfd;
            return new UffdMemory(view, aliasView, size, pageSize, kind, file);
        }
        catch
        {
            aliasView?.Dispose();
            view?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>Maps the memfd, readable and writable; the returned handle owns the mapping.</summary>
    private static MappingHandle MapFile(FileDescriptorHandle file, long size, int flags, string what, bool hugetlb, int pageSize)
    {
        var mapping = new MappingHandle(size);
        nint a = Libc.mmap(0, (nuint)size, Libc.PROT_READ | Libc.PROT_WRITE, flags, file, 0);
        if (a == Libc.MAP_FAILED)
        {
            UffdException failed = MapFailed(what, size, hugetlb, pageSize);
            mapping.Dispose();
            throw failed;
        }

        mapping.Own(a);
        return mapping;
    }

    /// <summary>
    /// MADV_DONTFORK on a fresh mapping, or throws (the caller disposes the mapping). A forked child would get a copy
    /// registered with no uffd, whose missing pages read as zeros: without the mapping it gets SIGSEGV or EFAULT instead.
    /// </summary>
    private static void KeepFromForks(MappingHandle mapping, long size, string what) =>
        Advise(mapping.DangerousGetHandle(), size, Libc.MADV_DONTFORK, "MADV_DONTFORK", what);

    /// <summary>One madvise, or a <see cref="UffdException"/> naming the advice, what it was given and the errno.</summary>
    private static void Advise(nint start, long length, int advice, string name, string what)
    {
        if (Libc.madvise(start, (nuint)length, advice) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"madvise({name}) of {what} ({length} bytes) failed: {Errno.Describe(errno)}.", errno);
        }
    }

    /// <summary>The block size of the file's filesystem: the huge page size for hugetlbfs.</summary>
    private static int BlockSize(FileDescriptorHandle file)
    {
        byte* statfs = stackalloc byte[Libc.StatfsSize];
        if (Libc.fstatfs(file, statfs) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"fstatfs of the hugetlbfs memfd failed: {Errno.Describe(errno)}.", errno);
        }

        return checked((int)*(long*)(statfs + Libc.StatfsBlockSizeOffset));
    }

    /// <summary>Checked before any descriptor or mapping exists, so a bad length is reported as such even at the fd limit.</summary>
    private static void CheckLength(long length)
    {
        if (length <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The length must be positive.");
        }

        UffdLimits.CheckMappingLength(length, nameof(length), "Map less, or several smaller mappings.");
    }

    // Cannot overflow: the length is at most UffdLimits.MaxMappingLength, a multiple of every page size.
    private static long RoundUp(long length, int pageSize) =>
        (length + pageSize - 1) / pageSize * pageSize;

    private static UffdException MapFailed(string what, long size, bool hugetlb = false, int pageSize = 0)
    {
        int errno = Marshal.GetLastPInvokeError();
        string hint = hugetlb && errno == Errno.ENOMEM
            ? $" There are not enough free huge pages of {pageSize >> 10} KiB: raise vm.nr_hugepages " +
              $"(now {KernelInfo.HugePagesTotal}), for example `sysctl -w vm.nr_hugepages={Math.Max(8, size / Math.Max(pageSize, 1) * 2)}`."
            : string.Empty;
        return new UffdException($"{what} of {size} bytes failed: {Errno.Describe(errno)}.{hint}", errno);
    }

    private void CheckSlice(long offset, int length)
    {
        // offset > Length - length, not offset + length > Length: the sum of a huge offset and a length wraps negative.
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, +{length}) is outside the {Length}-byte mapping.");
        }
    }

    private void CheckRange(long offset, long length)
    {
        if (offset < 0 || length <= 0 || offset > Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, +{length}) is outside the {Length}-byte mapping.");
        }

        if (offset % PageSize != 0 || length % PageSize != 0)
        {
            throw new ArgumentException($"offset {offset} and length {length} must be multiples of the page size {PageSize}.", nameof(length));
        }
    }
}
