using System.Runtime.CompilerServices;
using Uffd.Interop;

namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>
/// UffdMemory's mappings are owned by SafeHandles: memory nobody disposed is unmapped by the finalizer, and the two
/// ways the region engine gives a mapping up (moved by mremap, kept revoked) never unmap it, now or when finalized.
/// </summary>
public sealed class MappingOwnershipTests
{
    // Maps at the address given, failing (EEXIST) rather than replacing a mapping someone else made there meanwhile.
    internal const int MAP_FIXED_NOREPLACE = 0x100000;

    private static readonly int PageSize = Environment.SystemPageSize;

    [Fact]
    public void Memory_nobody_disposed_is_unmapped_by_its_finalizer()
    {
        (nint view, nint alias, bool mapped) = MapSharedAndDrop();
        Assert.True(mapped, "the views were not mapped from the memfd to begin with");

        Assert.True(CollectUntil(() => !IsMemfd(view) && !IsMemfd(alias)),
            $"the finalizer left the views mapped: {VmaInfo.Find(view)?.Describe()}; {VmaInfo.Find(alias)?.Describe()}");
    }

    [Fact]
    public void Dispose_is_idempotent_and_the_address_is_refused_afterwards()
    {
        var memory = UffdMemory.MapShared(2 * PageSize);
        nint view = memory.Address, alias = memory.AliasAddress;

        memory.Dispose();
        memory.Dispose();

        Assert.False(IsMemfd(view));
        Assert.False(IsMemfd(alias));
        Assert.Throws<ObjectDisposedException>(() => memory.Address);
        Assert.Equal(0, memory.AliasAddress);
        Assert.True(memory.File!.IsClosed);
    }

    [Fact]
    public void Mappings_kept_by_DisposeKeepingMappings_survive_the_finalizer()
    {
        (nint view, nint alias) = MapSharedAndKeep();
        try
        {
            CollectUntil(() => false, attempts: 3);
            Assert.True(IsMemfd(view), "the kept registered view was unmapped");
            Assert.True(IsMemfd(alias), "the kept alias was unmapped");
        }
        finally
        {
            Libc.munmap(view, (nuint)(2 * PageSize));
            Libc.munmap(alias, (nuint)(2 * PageSize));
        }
    }

    [Fact]
    public void A_moved_view_is_not_unmapped_at_its_old_address_now_or_by_the_finalizer()
    {
        long length = 2L * PageSize;
        (nint old, nint moved, nint alias) = MoveViewAndDispose(length);
        try
        {
            // The old range belongs to someone else now (a placeholder mapped there after the move).
            Assert.False(IsMemfd(alias), "the alias was not unmapped");
            CollectUntil(() => false, attempts: 3);
            Assert.Equal(old, VmaInfo.Find(old)?.Start);
            Assert.True(IsMemfd(moved), "the moved view is the mover's to unmap, not the memory's");
        }
        finally
        {
            Libc.munmap(old, (nuint)length);
            Libc.munmap(moved, (nuint)length);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (nint View, nint Alias, bool Mapped) MapSharedAndDrop()
    {
        var memory = UffdMemory.MapShared(2 * PageSize);
        (nint view, nint alias) = (memory.Address, memory.AliasAddress);

        // Checked while the memory is still reachable: once this returns, any GC (another test's) may finalize it.
        bool mapped = IsMemfd(view) && IsMemfd(alias);
        GC.KeepAlive(memory);
        return (view, alias, mapped);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (nint View, nint Alias) MapSharedAndKeep()
    {
        var memory = UffdMemory.MapShared(2 * PageSize);
        (nint view, nint alias) = (memory.Address, memory.AliasAddress);
        memory.DisposeKeepingMappings();
        Assert.Throws<ObjectDisposedException>(() => memory.Address);
        return (view, alias);
    }

    /// <summary>mremaps the view away, maps a placeholder at its old address, then disposes the memory as moved.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (nint Old, nint Moved, nint Alias) MoveViewAndDispose(long length)
    {
        var memory = UffdMemory.MapShared(length);
        nint old = memory.Address, alias = memory.AliasAddress;
        nint target = Libc.mmap(0, (nuint)length, Libc.PROT_NONE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        Assert.NotEqual(Libc.MAP_FAILED, target);
        Assert.Equal(target, Libc.mremap(old, (nuint)length, (nuint)length, Libc.MREMAP_MAYMOVE | Libc.MREMAP_FIXED, target));
        nint placeholder = Libc.mmap(old, (nuint)length, Libc.PROT_NONE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        Assert.Equal(old, placeholder);

        memory.DisposeMovedView();
        Assert.Equal(old, VmaInfo.Find(old)?.Start);
        Assert.True(memory.File!.IsClosed);
        return (old, target, alias);
    }

    internal static bool IsMemfd(nint address) => VmaInfo.Find(address) is { } vma && vma.Path.Contains("memfd:uffd-shmem");

    /// <summary>Collects and runs finalizers until <paramref name="done"/> (or <paramref name="attempts"/> rounds).</summary>
    internal static bool CollectUntil(Func<bool> done, int attempts = 50)
    {
        for (int i = 0; i < attempts; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (done())
            {
                return true;
            }
        }

        return false;
    }
}
