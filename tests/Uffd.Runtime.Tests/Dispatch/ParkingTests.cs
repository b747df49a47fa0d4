using System.Diagnostics;
using System.Linq;
using System.Threading;
using Uffd.Dispatch;
using Uffd.Interop;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Lifetime;
using Xunit.Abstractions;

namespace Uffd.Runtime.Tests.Dispatch;

/// <summary>
/// Parking against the real kernel: a handler whose CPU has no thread in a <see cref="GcSafeMemory"/> access steps
/// aside while such accesses fault on another CPU, so the kernel wakes only the faulting CPU's handler; it comes back
/// for an access on its own CPU, after its timeout, and on Dispose. Each test pins its faulting threads.
/// </summary>
public sealed class ParkingTests(ITestOutputHelper output)
{
    private static readonly int[] Cpus = PinnedAccess.TwoCpus();

    [Fact]
    public void While_one_cpu_faults_the_other_handler_parks_and_the_faulting_cpus_handler_serves()
    {
        using var dispatcher = new FaultDispatcher(2, Cpus, parks: true);
        using var source = new TestFaultSource(2048, salt: 0x31);
        FaultSourceRegistration registration = dispatcher.Add(source);
        DispatcherThread local = dispatcher.Threads[0], other = dispatcher.Threads[1];

        long sleepsBefore = ThreadProbe.Sleeps(other.ThreadId);
        var clock = Stopwatch.StartNew();
        string? mismatch = Faulter.Run(() => PinnedAccess.Run(Cpus[0], () => PinnedAccess.ReadEach(source)), "faulter on the first CPU").Join();
        double elapsedMs = clock.Elapsed.TotalMilliseconds;
        long sleeps = ThreadProbe.Sleeps(other.ThreadId) - sleepsBefore;

        Assert.Null(mismatch);
        Assert.True(source.SettlesAt(2048), "a served fault was never counted");
        Assert.Equal(2048, source.Served);
        // Without parking the other handler is woken for most faults (see the last test); it parks the first time
        // epoll_wait returns to it, and then looks again once per timeout.
        long budget = 2 + (long)(elapsedMs / dispatcher.ParkTimeout.TotalMilliseconds);
        output.WriteLine($"{elapsedMs:F0} ms; handler on the faulting CPU: {local.Wakeups} wake-ups, {local.Pumps} pumps; other: {sleeps} sleeps, {other.Parks} parks, {other.Pumps} pumps (budget {budget})");
        Assert.True(other.Parks >= 1, "the handler of the idle CPU never parked");
        Assert.InRange(other.Pumps, 0, budget);
        Assert.InRange(sleeps, 0, 2048 / 4);
        Assert.Equal(0, local.Parks);
        dispatcher.Remove(registration);
    }

    [Fact]
    public void A_parked_handler_comes_back_for_an_access_on_its_own_cpu()
    {
        using var dispatcher = new FaultDispatcher(2, Cpus, parks: true, parkTimeout: TimeSpan.FromSeconds(30));
        using var busy = new TestFaultSource(1 << 16, salt: 0x41);
        using var mine = new TestFaultSource(64, salt: 0x42);
        FaultSourceRegistration busyRegistration = dispatcher.Add(busy);
        FaultSourceRegistration mineRegistration = dispatcher.Add(mine);
        DispatcherThread other = dispatcher.Threads[1];
        using var stop = new ManualResetEventSlim();
        Faulter<string?> first = FaultOnFirstCpuUntilParked(dispatcher, busy, stop);

        // With a 30 s timeout, only the access on its CPU can bring it back in time.
        long pumpsBefore = other.Pumps;
        string? mismatch = Faulter.Run(() => PinnedAccess.Run(Cpus[1], () => PinnedAccess.ReadEach(mine)), "faulter on the second CPU").Join(TimeSpan.FromSeconds(10));
        stop.Set();
        string? busyMismatch = first.Join();

        Assert.Null(mismatch);
        Assert.Null(busyMismatch);
        Assert.True(other.Pumps > pumpsBefore, "the parked handler did not come back");
        Assert.Contains(other.ThreadId, mine.PumpThreads.Keys);
        dispatcher.Remove(busyRegistration);
        dispatcher.Remove(mineRegistration);
    }

    [Fact]
    public void Faults_of_native_code_are_served_while_a_handler_is_parked()
    {
        using var dispatcher = new FaultDispatcher(2, Cpus, parks: true, parkTimeout: TimeSpan.FromSeconds(30));
        using var busy = new TestFaultSource(1 << 16, salt: 0x51);
        using var native = new TestFaultSource(64, salt: 0x52);
        FaultSourceRegistration busyRegistration = dispatcher.Add(busy);
        FaultSourceRegistration nativeRegistration = dispatcher.Add(native);
        using var stop = new ManualResetEventSlim();
        Faulter<string?> first = FaultOnFirstCpuUntilParked(dispatcher, busy, stop);

        // A plain native copy is not counted, so it does not unpark its CPU's handler: the other handler serves it.
        string? mismatch = Faulter.Run(() => PinnedAccess.Run(Cpus[1], () => PinnedAccess.ReadEach(native, stop: null, counted: false)), "native faulter on the second CPU").Join(TimeSpan.FromSeconds(10));
        stop.Set();

        Assert.Null(mismatch);
        Assert.Null(first.Join());
        Assert.True(native.SettlesAt(64) && native.Served == 64, "the native faults were not all served");
        dispatcher.Remove(busyRegistration);
        dispatcher.Remove(nativeRegistration);
    }

    [Fact]
    public void Dispose_brings_back_a_parked_handler()
    {
        var dispatcher = new FaultDispatcher(2, Cpus, parks: true, parkTimeout: TimeSpan.FromSeconds(30));
        using var source = new TestFaultSource(1 << 16, salt: 0x61);
        FaultSourceRegistration registration = dispatcher.Add(source);
        using var stop = new ManualResetEventSlim();
        Faulter<string?> first = FaultOnFirstCpuUntilParked(dispatcher, source, stop);
        stop.Set();
        Assert.Null(first.Join());
        dispatcher.Remove(registration);
        Assert.True(Volatile.Read(ref dispatcher.Threads[1].Parked), "the handler unparked before Dispose (30 s timeout)");

        var clock = Stopwatch.StartNew();
        dispatcher.Dispose();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Dispose took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.All(dispatcher.Threads, t => Assert.False(t.Thread!.IsAlive));
    }

    [Fact]
    public void A_dispatcher_made_without_parking_never_parks()
    {
        using var dispatcher = new FaultDispatcher(2, Cpus);
        using var source = new TestFaultSource(256, salt: 0x71);
        FaultSourceRegistration registration = dispatcher.Add(source);

        DispatcherThread other = dispatcher.Threads[1];
        long sleepsBefore = ThreadProbe.Sleeps(other.ThreadId);

        Assert.Null(Faulter.Run(() => PinnedAccess.Run(Cpus[0], () => PinnedAccess.ReadEach(source)), "faulter on the first CPU").Join());

        long sleeps = ThreadProbe.Sleeps(other.ThreadId) - sleepsBefore;
        output.WriteLine($"256 faults on the first CPU; the other handler: {sleeps} sleeps, {other.Wakeups} returns from epoll_wait, {other.Pumps} pumps");
        // Printed, not asserted: how often the herd wakes the other handler depends on the load (on an idle machine,
        // for most faults, even when it finds the message taken and sleeps again inside epoll_wait).
        Assert.All(dispatcher.Threads, t => Assert.Equal(0, t.Parks));
        Assert.All(dispatcher.Threads, t => Assert.False(Volatile.Read(ref t.Parked)));
        dispatcher.Remove(registration);
    }

    /// <summary>Starts a thread on the first CPU reading <paramref name="source"/> until <paramref name="stop"/>; returns once the second CPU's handler parked.</summary>
    private static Faulter<string?> FaultOnFirstCpuUntilParked(FaultDispatcher dispatcher, TestFaultSource source, ManualResetEventSlim stop)
    {
        Faulter<string?> faulter = Faulter.Run(() => PinnedAccess.Run(Cpus[0], () => PinnedAccess.ReadEach(source, stop)), "faulter on the first CPU");
        Assert.True(Bounded.Until(() => Volatile.Read(ref dispatcher.Threads[1].Parked)), "the handler of the idle CPU never parked");
        return faulter;
    }
}
