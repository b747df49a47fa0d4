using System.Runtime.CompilerServices;
using Uffd.Interop;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using static Uffd.Runtime.Tests.Lifetime.MappingOwnershipTests;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// The engine gives its memory's mappings up in two cases, and the memory's SafeHandles (whose finalizer unmaps a
/// leaked mapping) must then never unmap them: after an mremap moved the region (the engine unmaps the pages where
/// they are now; the old addresses may be someone else's), and when a drain timed out (the revoked mapping is kept
/// for a thread that may still fault in it).
/// </summary>
public sealed class RegionMappingOwnershipTests
{
    private const int Pages = 4;

    [Fact]
    public void A_moved_region_is_unmapped_where_it_is_now_and_its_old_addresses_are_left_to_their_new_owner()
    {
        // The freed old range can be taken by another test's mmap before the placeholder lands there: then that mapping
        // is not ours to unmap, so the scenario is run again with a fresh region.
        (nint Old, nint Moved, long Length)? run = null;
        for (int attempt = 0; attempt < 5 && run is null; attempt++)
        {
            run = OpenMoveAndDispose();
        }

        Assert.True(run is not null, "another mapping took the region's old addresses before the placeholder, five times over");
        (nint old, nint moved, long length) = run.Value;
        try
        {
            Assert.False(IsMemfd(moved), "Dispose did not unmap the region where the mremap put it");
            CollectUntil(() => false, attempts: 3);
            Assert.Equal(old, VmaInfo.Find(old)?.Start);
        }
        finally
        {
            Libc.munmap(old, (nuint)length);
        }
    }

    [Fact]
    public void A_region_whose_drain_timed_out_keeps_its_revoked_mapping_even_through_the_finalizer()
    {
        TimeSpan drain = FaultRegionEngine<RecordingCallbacks>.DrainTimeout;
        FaultRegionEngine<RecordingCallbacks>.DrainTimeout = TimeSpan.FromMilliseconds(100);
        (nint address, long length) = (0, 0);
        try
        {
            (address, length) = OpenLeaseAndDispose();
            CollectUntil(() => false, attempts: 3);
            Assert.True(IsMemfd(address), "the kept mapping was unmapped: a thread still in a fault could touch whatever reuses it");
        }
        finally
        {
            FaultRegionEngine<RecordingCallbacks>.DrainTimeout = drain;
            if (address != 0)
            {
                Libc.munmap(address, (nuint)length);
            }
        }
    }

    /// <summary>Opens a shared-memory region, moves it whole with mremap, maps a placeholder at its old address and disposes it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (nint Old, nint Moved, long Length)? OpenMoveAndDispose()
    {
        var recorder = new RegionRecorder(Pages);
        var region = TestRegion.Open(recorder, TestRegion.Settings("MovedThenDisposed", Pages) with { Memory = RegionMemory.Shared });
        try
        {
            nint old = region.BaseAddress;
            long length = region.Length;
            Assert.True(RegionRecorder.HasPattern(1, Faulter.Run(() => region.ReadPage(1)).Join()));
            Assert.True(IsMemfd(old));

            // The REMAP and UNMAP events block mremap until a handler reads them.
            nint target = Libc.mmap(0, (nuint)length, Libc.PROT_NONE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
            Assert.NotEqual(Libc.MAP_FAILED, target);
            Assert.Equal(target, Faulter.Run(() => Libc.mremap(old, (nuint)length, (nuint)length,
                Libc.MREMAP_MAYMOVE | Libc.MREMAP_FIXED, target)).Join());
            Assert.True(Bounded.Until(() => region.BaseAddress == target), "the engine did not follow the REMAP");
            nint placeholder = Libc.mmap(old, (nuint)length, Libc.PROT_NONE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
            if (placeholder == Libc.MAP_FAILED)
            {
                return null;
            }

            Assert.Equal(old, placeholder);

            region.Dispose();
            Assert.Equal(old, VmaInfo.Find(old)?.Start);
            return (old, target, length);
        }
        finally
        {
            region.Dispose();
        }
    }

    /// <summary>
    /// Opens a synchronously write-protected region, holds a lease on another thread so the drain times out, disposes
    /// the region, then ends the lease (never touching its span: the mapping is revoked by then).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (nint Address, long Length) OpenLeaseAndDispose()
    {
        var recorder = new RegionRecorder(Pages);
        var region = TestRegion.Open(recorder,
            TestRegion.Settings("DrainTimesOut", Pages, FaultMode.WriteProtect) with { Memory = RegionMemory.Shared });
        using var leased = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        try
        {
            Faulter<bool> holder = Faulter.Run(() =>
            {
                using SpanLease lease = region.LeaseSpan(0, region.PageSize);
                leased.Set();
                return release.Wait(Bounded.Wait);
            }, "lease holder");
            Assert.True(leased.Wait(Bounded.Wait), "the lease was never taken");

            nint address = region.BaseAddress;
            long length = region.Length;
            region.Dispose();
            release.Set();
            Assert.True(holder.Join());
            Assert.True(region.Uffd.IsDisposed);
            Assert.True(IsMemfd(address), "the revoked mapping was not kept");
            return (address, length);
        }
        finally
        {
            release.Set();
            region.Dispose();
        }
    }
}
