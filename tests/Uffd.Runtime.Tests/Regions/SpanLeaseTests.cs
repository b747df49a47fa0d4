using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// Synchronous write protection: writable spans come only as leases. A lease calls the write handler for its
/// protected pages and unprotects them on the caller's thread, and a Protect waits for every open lease, so a page
/// made writable for a span is never protected again under it (a write there would fault in managed code).
/// </summary>
public sealed class SpanLeaseTests
{
    private const int Pages = 8;

    [Fact]
    public void A_lease_reports_and_unprotects_its_protected_pages_on_the_callers_thread()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Lease", Pages, FaultMode.WriteProtect));
        region.Protect(0, Pages);
        int writerThreads = 0;
        recorder.OnWrite = c => Volatile.Write(ref writerThreads, c.ThreadId);

        (int caller, bool[] protectedInside) = Faulter.Run(() =>
        {
            using SpanLease lease = region.LeaseSpan(2L * region.PageSize + 100, 2 * region.PageSize);
            bool[] inside = Enumerable.Range(0, Pages).Select(p => IsProtected(region, p)).ToArray();
            lease.Span.Fill(0x5C);
            return (Uffd.Interop.Libc.gettid(), inside);
        }).Join();

        // 2 pages and 100 bytes from page 2 cover pages 2, 3 and 4.
        Assert.Equal(new[] { 0, 0, 1, 1, 1, 0, 0, 0 }, recorder.WriteCalls);
        Assert.Equal(Enumerable.Range(0, Pages).Select(p => p is < 2 or > 4), protectedInside);
        Assert.Equal(caller, writerThreads);
        Assert.Equal(0, region.Statistics.Messages);
        Assert.Equal(3, region.Statistics.WriteFaults);
        Assert.Equal(0x5C, region.ReadPage(3)[0]);
        Assert.Equal(0x5C, region.ReadPage(2)[100]);
        Assert.Equal(0, region.ReadPage(2)[99]);
    }

    [Fact]
    public void AsSpan_is_refused_and_AsReadOnlySpan_never_counts_as_a_write()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("NoPlainSpan", Pages, FaultMode.Missing | FaultMode.WriteProtect));
        region.Protect(0, Pages);

        var refused = Assert.Throws<InvalidOperationException>(() => region.AsSpan(0, 1));
        Assert.Contains("LeaseSpan", refused.Message);
        byte[] read = Faulter.Run(() => region.AsReadOnlySpan(0, 2 * region.PageSize).ToArray()).Join();

        Assert.True(RegionRecorder.HasPattern(1, read.AsSpan(region.PageSize)));
        Assert.All(recorder.WriteCalls, calls => Assert.Equal(0, calls));
        Assert.True(IsProtected(region, 0) && IsProtected(region, 1), "reading must leave the pages protected");
    }

    [Fact]
    public void Protect_waits_until_the_open_leases_end()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Waits", Pages, FaultMode.WriteProtect));
        using var release = new ManualResetEventSlim();
        Faulter<int> holder = HoldLeaseOnPage0(region, release, index: 0, value: 1);

        Faulter<int> protector = Faulter.Run(() =>
        {
            region.Protect(0, Pages);
            return 0;
        }, "protector");
        Assert.False(protector.TryJoin(TimeSpan.FromMilliseconds(300)), "Protect must wait for the lease");
        Assert.False(IsProtected(region, 0));

        release.Set();
        holder.Join();
        protector.Join();
        Assert.True(Enumerable.Range(0, Pages).All(p => IsProtected(region, p)));
        Assert.Equal(1, region.ReadPage(0)[0]);
    }

    [Fact]
    public void While_a_Protect_waits_new_leases_wait_for_it_but_a_thread_that_holds_one_may_take_another()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("Nested", Pages, FaultMode.WriteProtect));
        using var leased = new ManualResetEventSlim();
        using var nestNow = new ManualResetEventSlim();
        using var nested = new ManualResetEventSlim();
        Faulter<int> holder = Faulter.Run(() =>
        {
            using SpanLease outer = region.LeaseSpan(0, region.PageSize);
            leased.Set();
            Assert.True(nestNow.Wait(Bounded.Wait));
            using (SpanLease inner = region.LeaseSpan(region.PageSize, region.PageSize))
            {
                inner.Span[0] = 2;   // a nested lease does not wait for the pending Protect: it would wait for itself
            }

            nested.Set();
            return 0;
        }, "lease holder");
        Assert.True(leased.Wait(Bounded.Wait));
        Faulter<int> protector = Faulter.Run(() =>
        {
            region.Protect(0, Pages);
            return 0;
        }, "protector");
        Assert.True(Bounded.Until(() => region.LeaseGate.IsExclusiveWaiting), "the Protect must be waiting for the lease");

        Faulter<int> newcomer = Faulter.Run(() =>
        {
            using SpanLease lease = region.LeaseSpan(5L * region.PageSize, 1);
            return IsProtected(region, 0) ? 1 : 0;   // only after the Protect: page 0 is protected by then
        }, "new lease");
        Assert.False(newcomer.TryJoin(TimeSpan.FromMilliseconds(200)), "a new lease must wait for the pending Protect");

        nestNow.Set();
        Assert.True(nested.Wait(Bounded.Wait), "the nested lease must not wait for the pending Protect");
        holder.Join();
        protector.Join();
        Assert.Equal(1, newcomer.Join());
        Assert.Equal(1, recorder.WriteCalls[5]);   // the newcomer's page was protected, so its lease reported it
        Assert.Equal(2, region.ReadPage(1)[0]);
    }

    [Fact]
    public void Protect_by_a_thread_that_holds_a_lease_is_refused_at_once()
    {
        using var region = TestRegion.Open(new RegionRecorder(Pages), TestRegion.Settings("Self", Pages, FaultMode.WriteProtect));
        InvalidOperationException refused = Faulter.Run(() =>
        {
            using SpanLease lease = region.LeaseSpan(0, 1);
            return Assert.Throws<InvalidOperationException>(() => region.Protect(0, 1));
        }).Join();

        Assert.Contains("holds a span lease", refused.Message);
        region.Protect(0, 1);   // once the lease is disposed
    }

    [Fact]
    public void A_lease_that_is_never_disposed_makes_Protect_fail_with_a_clear_error()
    {
        TimeSpan saved = FaultRegionEngine<RecordingCallbacks>.LeaseWaitTimeout;
        FaultRegionEngine<RecordingCallbacks>.LeaseWaitTimeout = TimeSpan.FromMilliseconds(200);
        try
        {
            using var region = TestRegion.Open(new RegionRecorder(Pages), TestRegion.Settings("Leaked", Pages, FaultMode.WriteProtect));
            using var leaked = new ManualResetEventSlim();
            using var done = new ManualResetEventSlim();
            Faulter<int> leaker = Faulter.Run(() =>
            {
                SpanLease lease = region.LeaseSpan(0, 1);
                leaked.Set();
                Assert.True(done.Wait(Bounded.Wait));
                lease.Dispose();
                return 0;
            }, "leaker");
            Assert.True(leaked.Wait(Bounded.Wait));

            TimeoutException timeout = Assert.Throws<TimeoutException>(() => region.Protect(0, Pages));
            Assert.Contains("span lease", timeout.Message);
            Assert.Contains("Dispose", timeout.Message);

            // The failed Protect left nothing blocked: leases open again at once.
            Faulter.Run(() =>
            {
                using SpanLease other = region.LeaseSpan(region.PageSize, 1);
                return 0;
            }).Join(TimeSpan.FromSeconds(5));
            done.Set();
            leaker.Join();
        }
        finally
        {
            FaultRegionEngine<RecordingCallbacks>.LeaseWaitTimeout = saved;
        }
    }

    [Fact]
    public void A_disposed_lease_is_empty_and_a_second_Dispose_does_nothing()
    {
        using var region = TestRegion.Open(new RegionRecorder(Pages), TestRegion.Settings("Empty", Pages, FaultMode.WriteProtect));
        Faulter.Run(() =>
        {
            SpanLease lease = region.LeaseSpan(0, 10);
            Assert.Equal(10, lease.Length);
            lease.Dispose();
            lease.Dispose();
            Assert.True(lease.Span.IsEmpty);
            return 0;
        }).Join();

        region.Protect(0, Pages);   // no lease is left open
    }

    [Fact]
    public void A_write_prefault_reports_protected_pages_without_touching_their_content()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("WritePrefault", Pages, FaultMode.Missing | FaultMode.WriteProtect));
        Faulter.Run(() => region.ReadPage(1)).Join();
        region.Protect(0, Pages);

        Faulter.Run(() =>
        {
            region.Prefault(region.PageSize, 2L * region.PageSize, write: true);
            return 0;
        }).Join();

        Assert.Equal(new[] { 0, 1, 1, 0, 0, 0, 0, 0 }, recorder.WriteCalls);
        Assert.False(IsProtected(region, 1) || IsProtected(region, 2));
        Assert.True(IsProtected(region, 3));
        Assert.True(RegionRecorder.HasPattern(1, region.ReadPage(1)));
        Assert.True(RegionRecorder.HasPattern(2, region.ReadPage(2)));
    }

    [Fact]
    public void Dispose_waits_for_open_leases_before_it_unmaps()
    {
        var region = TestRegion.Open(new RegionRecorder(Pages), TestRegion.Settings("DisposeWaits", Pages, FaultMode.WriteProtect));
        using var release = new ManualResetEventSlim();
        Faulter<int> holder = HoldLeaseOnPage0(region, release, index: 7, value: 7);

        Faulter<int> disposer = Faulter.Run(() =>
        {
            region.Dispose();
            return 0;
        }, "disposer");
        Assert.False(disposer.TryJoin(TimeSpan.FromMilliseconds(300)), "Dispose must wait for the lease");
        release.Set();
        holder.Join();
        disposer.Join();
    }

    [Fact]
    public void A_lease_over_a_page_filled_write_protected_is_writable_when_returned_and_reports_the_fill_once()
    {
        const int Pages = 256;
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder,
            TestRegion.Settings("LeaseAfterFill", Pages, FaultMode.Missing | FaultMode.WriteProtect) with { ProtectOnFill = true });

        // Every lease here populates a page nobody touched: a handler fills it and installs it write-protected (COPY
        // with WP), which wakes this thread before the handler has returned from the ioctl.
        long[] protectedUnderLease = Faulter.Run(() =>
        {
            var found = new List<long>();
            for (long p = 0; p < Pages; p++)
            {
                using SpanLease lease = region.LeaseSpan(p * region.PageSize, region.PageSize);
                if (RawPagemap.IsUffdWriteProtected(region.BaseAddress + (nint)(p * region.PageSize)))
                {
                    found.Add(p);
                }
            }

            return found.ToArray();
        }, "leaser").Join();

        Assert.True(protectedUnderLease.Length == 0,
            $"{protectedUnderLease.Length} of {Pages} pages were still write-protected under their lease (first: {string.Join(", ", protectedUnderLease.Take(8))})");
        Assert.Equal(Enumerable.Repeat(1, Pages), recorder.WriteCalls);
        Assert.Equal(Enumerable.Repeat(1, Pages), recorder.FillCalls);
    }

    /// <summary>
    /// A thread that opens a lease over page 0 and, once <paramref name="release"/> is set, writes
    /// <paramref name="value"/> at <paramref name="index"/> through it: that write would fault (the page protected
    /// again) or crash (the region unmapped) if the lease had not held off a Protect or a Dispose. Returns once the
    /// lease is open.
    /// </summary>
    private static Faulter<int> HoldLeaseOnPage0(
        FaultRegionEngine<RecordingCallbacks> region, ManualResetEventSlim release, int index, byte value)
    {
        // Not disposed here: the holder may still be inside Set when Wait returns.
        var leased = new ManualResetEventSlim();
        Faulter<int> holder = Faulter.Run(() =>
        {
            using SpanLease lease = region.LeaseSpan(0, region.PageSize);
            leased.Set();
            Assert.True(release.Wait(Bounded.Wait));
            lease.Span[index] = value;
            return 0;
        }, "lease holder");
        Assert.True(leased.Wait(Bounded.Wait));
        return holder;
    }

    private static bool IsProtected(FaultRegionEngine<RecordingCallbacks> region, int page) =>
        RawPagemap.IsUffdWriteProtected(region.BaseAddress + page * region.PageSize);
}
