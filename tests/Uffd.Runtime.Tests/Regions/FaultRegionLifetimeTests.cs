using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Tests.Shared;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>The open/rollback/dispose protocol every generated region forwards to, against the real kernel.</summary>
public sealed class FaultRegionLifetimeTests
{
    [Fact]
    public void A_region_moves_from_unopened_to_open_to_disposed_and_says_why_it_has_no_engine()
    {
        var lifetime = new FaultRegionLifetime<RecordingCallbacks>("Lifecycle", "Open(pages)");
        Assert.Equal(RegionState.Unopened, lifetime.State);
        Assert.False(lifetime.IsOpen);
        InvalidOperationException notOpen = Assert.Throws<InvalidOperationException>(() => lifetime.Engine);
        Assert.Equal("Lifecycle is not open: call Open(pages) first.", notOpen.Message);

        lifetime.Open(new RecordingCallbacks(new RegionRecorder(2)), TestRegion.Settings("Lifecycle", 2));
        Assert.Equal(RegionState.Open, lifetime.State);
        Assert.True(lifetime.IsOpen);
        Assert.True(RegionRecorder.HasPattern(1, lifetime.Engine.ReadPage(1)));
        InvalidOperationException twice = Assert.Throws<InvalidOperationException>(
            () => lifetime.Open(new RecordingCallbacks(new RegionRecorder(2)), TestRegion.Settings("Lifecycle", 2)));
        Assert.Equal("Lifecycle is already open: a region is opened once.", twice.Message);

        lifetime.Dispose();
        lifetime.Dispose();
        Assert.Equal(RegionState.Disposed, lifetime.State);
        Assert.False(lifetime.IsOpen);
        Assert.Throws<ObjectDisposedException>(() => lifetime.Engine);
        Assert.Throws<ObjectDisposedException>(
            () => lifetime.Open(new RecordingCallbacks(new RegionRecorder(2)), TestRegion.Settings("Lifecycle", 2)));
    }

    [Fact]
    public void A_failed_open_leaves_the_region_unopened_so_it_can_be_retried()
    {
        var lifetime = new FaultRegionLifetime<RecordingCallbacks>("Retried", "Open(pages)");
        ArgumentOutOfRangeException noPages = Assert.Throws<ArgumentOutOfRangeException>(
            () => lifetime.Open(new RecordingCallbacks(new RegionRecorder(1)), TestRegion.Settings("Retried", 0)));
        Assert.Equal("pages", noPages.ParamName);
        Assert.Equal(RegionState.Unopened, lifetime.State);

        // Minor faults need shared memory: the engine rejects anonymous memory after the state moved to Opening.
        Assert.Throws<ArgumentException>(() => lifetime.Open(
            new RecordingCallbacks(new RegionRecorder(1)),
            TestRegion.Settings("Retried", 1, FaultMode.Minor) with { Memory = RegionMemory.Anonymous }));
        Assert.Equal(RegionState.Unopened, lifetime.State);
        Assert.False(lifetime.IsOpen);

        lifetime.Open(new RecordingCallbacks(new RegionRecorder(1)), TestRegion.Settings("Retried", 1));
        Assert.Equal(RegionState.Open, lifetime.State);
        lifetime.Dispose();
    }

    [Fact]
    public void A_dispose_that_races_an_open_disposes_the_engine_that_open_creates()
    {
        const string Name = "LtRace";
        int disposedWhileOpening = 0;
        for (int round = 0; round < 20; round++)
        {
            var lifetime = new FaultRegionLifetime<RecordingCallbacks>(Name, "Open(pages)");
            var opener = Faulter.Run(() =>
            {
                // A dispatcher of its own: Open then starts a thread, long enough for Dispose to land while it opens, and
                // the thread's name says whether the engine was disposed.
                lifetime.Open(new RecordingCallbacks(new RegionRecorder(4)), TestRegion.Settings(Name, 4) with { HandlerThreads = 1 });
                return true;
            }, "opener");
            Assert.True(SpinWait.SpinUntil(() => lifetime.State != RegionState.Unopened, Bounded.Wait), "Open never started");
            RegionState seen = lifetime.State;
            lifetime.Dispose();
            Assert.True(opener.Join(Bounded.Wait), "Open failed");

            disposedWhileOpening += seen == RegionState.Opening ? 1 : 0;
            Assert.Equal(RegionState.Disposed, lifetime.State);
            Assert.False(lifetime.IsOpen);
            Assert.Throws<ObjectDisposedException>(() => lifetime.Engine);
            // The engine that Open created was disposed: its handler threads ("uffd LtRace #n") are gone.
            Assert.True(Bounded.Until(() => ProcessThreads.CountNamed("uffd " + Name) == 0), $"round {round}: the engine of a disposed region still runs");
        }

        Assert.True(disposedWhileOpening > 0, "no round disposed while Open was still opening: the race was never exercised");
    }
}
