using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Uffd.Dispatch;
using Uffd.Interop;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Lifetime;
using Xunit.Abstractions;

namespace Uffd.Runtime.Tests.Dispatch;

/// <summary>
/// The process-wide dispatcher against the real kernel: faults of many uffds served by one fixed pool of pinned
/// threads, quiescent removal, and threads that sleep in epoll_wait when nothing faults. Each test makes its own
/// dispatcher (disposed at the end) except the one about <see cref="FaultDispatcher.Shared"/>.
/// </summary>
public sealed class FaultDispatcherTests(ITestOutputHelper output)
{
    private const int Threads = 2;

    [Fact]
    public void Missing_faults_are_served_with_a_copy_of_the_pattern_or_a_zero_page()
    {
        using var dispatcher = new FaultDispatcher(Threads);
        using var copy = new TestFaultSource(16, salt: 0x21);
        using var zeros = new TestFaultSource(16, zero: true);
        FaultSourceRegistration copyRegistration = dispatcher.Add(copy);
        FaultSourceRegistration zeroRegistration = dispatcher.Add(zeros);

        string? mismatch = Faulter.Run(() => ReadAll(copy) ?? ReadAll(zeros), "dispatch faulter").Join();

        Assert.Null(mismatch);
        Assert.True(copy.SettlesAt(16) && zeros.SettlesAt(16), "a served fault was never counted");
        Assert.Equal(16, copy.Served);
        Assert.Equal(16, zeros.Served);
        Assert.Equal(0, copy.Failures + zeros.Failures);
        int[] handlerIds = dispatcher.Threads.Select(t => t.ThreadId).ToArray();
        Assert.Subset(handlerIds.ToHashSet(), copy.PumpThreads.Keys.Concat(zeros.PumpThreads.Keys).ToHashSet());
        dispatcher.Remove(copyRegistration);
        dispatcher.Remove(zeroRegistration);
        Assert.Equal(0, dispatcher.SourceCount);
    }

    [Fact]
    public void By_default_one_thread_per_allowed_cpu_each_pinned_to_its_cpu()
    {
        int[] allowed = CpuAffinity.AllowedCpus(Environment.ProcessId);
        using var dispatcher = new FaultDispatcher();

        Assert.Equal(allowed.Length, dispatcher.Threads.Count);
        Assert.Equal(allowed, dispatcher.Threads.Select(t => t.Cpu).ToArray());
        foreach (DispatcherThread t in dispatcher.Threads)
        {
            Assert.Equal(0, t.PinError);
            Assert.Equal(t.Cpu.ToString(System.Globalization.CultureInfo.InvariantCulture), CpusAllowedList(t.ThreadId));
        }
    }

    [Fact]
    public void A_pump_reads_one_message_while_another_thread_could_take_the_next_and_a_batch_when_alone()
    {
        using var two = new FaultDispatcher(threadCount: 2);
        using var one = new FaultDispatcher(threadCount: 1);

        Assert.All(two.Threads, t => Assert.Equal(1, t.ReadBuffer.Length));
        Assert.Equal(DispatcherThread.Batch, one.Threads[0].ReadBuffer.Length);
    }

    [Fact]
    public void A_hundred_sources_are_served_by_the_same_threads()
    {
        using var dispatcher = new FaultDispatcher(Threads);
        using var first = new TestFaultSource(1);
        FaultSourceRegistration firstRegistration = dispatcher.Add(first);
        Assert.Null(Faulter.Run(() => ReadAll(first), "warm-up faulter").Join());
        dispatcher.Remove(firstRegistration);
        int tasksBefore = TaskIds().Count;

        var sources = new List<TestFaultSource>();
        var registrations = new List<FaultSourceRegistration>();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                var source = new TestFaultSource(4, zero: i % 2 == 1, salt: (byte)i);
                sources.Add(source);
                registrations.Add(dispatcher.Add(source));
            }

            Assert.Equal(100, dispatcher.SourceCount);
            string? mismatch = Faulter.Run(() => sources.Select(ReadAll).FirstOrDefault(m => m is not null), "dispatch faulter").Join();
            int tasksWithSources = TaskIds().Count;
            List<int> tasks = TaskIds();

            Assert.Null(mismatch);
            Assert.True(sources.All(s => s.SettlesAt(4)), "a served fault was never counted");
            Assert.All(sources, s => Assert.Equal(4, s.Served));
            var handlerIds = dispatcher.Threads.Select(t => t.ThreadId).ToHashSet();
            Assert.All(sources, s => Assert.Subset(handlerIds, s.PumpThreads.Keys.ToHashSet()));
            Assert.All(handlerIds, id => Assert.Contains(id, tasks));
            output.WriteLine($"threads: {tasksBefore} before, {tasksWithSources} with 100 sources served by {Threads} handlers");
            // The .NET runtime may start a thread of its own meanwhile; 100 sources would add 100.
            Assert.InRange(tasksWithSources, tasksBefore - 2, tasksBefore + 3);
        }
        finally
        {
            foreach (FaultSourceRegistration registration in registrations)
            {
                dispatcher.Remove(registration);
            }

            sources.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void Remove_while_faults_are_served_is_quiescent()
    {
        using var dispatcher = new FaultDispatcher(Threads);
        long pumpedBeforeRemove = 0;
        int removesThatWaited = 0;
        for (int round = 0; round < 40; round++)
        {
            // Each pump spins 200 µs, so Remove nearly always finds a handler inside it.
            using var source = new TestFaultSource(512, salt: (byte)round) { PumpSpinMicroseconds = 200 };
            FaultSourceRegistration registration = dispatcher.Add(source);
            using var stop = new ManualResetEventSlim();
            Faulter<string?>[] faulters = Enumerable.Range(0, 2)
                .Select(f => Faulter.Run(() => TouchUntil(source, f, stop), $"dispatch faulter {f}"))
                .ToArray();
            Assert.True(Bounded.Until(() => source.Served >= 4), "the dispatcher served nothing");

            bool pumping = source.InPump > 0;
            dispatcher.Remove(registration);
            int inPumpAtReturn = source.InPump;
            long pumpsAtReturn = source.Pumps;
            source.MarkRemoved();

            // Faulters blocked in a fault nobody serves now are released by unregistering the range.
            stop.Set();
            source.Release();
            string?[] mismatches = faulters.Select(f => f.Join()).ToArray();
            Thread.Sleep(5);

            Assert.Equal(0, inPumpAtReturn);
            Assert.Equal(0, source.PumpsAfterRemove);
            Assert.Equal(pumpsAtReturn, source.Pumps);
            Assert.All(mismatches, Assert.Null);
            pumpedBeforeRemove += source.Pumps;
            removesThatWaited += pumping ? 1 : 0;
        }

        Assert.Equal(0, dispatcher.SourceCount);
        // How often Remove began while a handler was inside Pump (so it had to wait): printed, the race is not forced.
        output.WriteLine($"40 rounds, {pumpedBeforeRemove} pumps before the removes, {removesThatWaited} removes began during a pump");
    }

    [Fact]
    public void A_removed_slot_is_reused_and_its_next_source_is_served()
    {
        using var dispatcher = new FaultDispatcher(Threads);
        using var a = new TestFaultSource(2, salt: 1);
        FaultSourceRegistration first = dispatcher.Add(a);
        dispatcher.Remove(first);
        using var b = new TestFaultSource(2, salt: 2);
        FaultSourceRegistration second = dispatcher.Add(b);

        Assert.Equal(first.Slot, second.Slot);
        Assert.NotEqual(first.Generation, second.Generation);
        Assert.Null(Faulter.Run(() => ReadAll(b), "dispatch faulter").Join());
        Assert.Equal(0, a.Pumps);
        Assert.Throws<InvalidOperationException>(() => dispatcher.Remove(first));
        dispatcher.Remove(second);
        Assert.Throws<InvalidOperationException>(() => dispatcher.Remove(second));
    }

    [Fact]
    public void TryRemove_gives_up_on_a_pump_that_hangs_and_the_slot_is_reused_once_it_returns()
    {
        using var dispatcher = new FaultDispatcher(Threads);
        using var inner = new TestFaultSource(1);
        using var release = new ManualResetEventSlim();
        var hanging = new HangingSource(inner, release);
        FaultSourceRegistration registration = dispatcher.Add(hanging);
        Assert.Null(Faulter.Run(() => ReadAll(inner), "dispatch faulter").Join());
        Assert.True(Bounded.Until(() => hanging.Inside == 1), "no handler entered the hanging pump");

        Assert.False(dispatcher.TryRemove(registration, TimeSpan.FromMilliseconds(50)));
        // Every handler is woken by the fault (the herd), so the other one may have pumped it too, without waiting.
        int enteredBeforeRemove = hanging.Entered;
        Assert.Equal(0, dispatcher.SourceCount);
        Assert.Throws<InvalidOperationException>(() => dispatcher.Remove(registration));
        using var other = new TestFaultSource(1);
        FaultSourceRegistration whileHanging = dispatcher.Add(other);
        Assert.NotEqual(registration.Slot, whileHanging.Slot);

        release.Set();
        Assert.True(Bounded.Until(() => hanging.Inside == 0));
        using var next = new TestFaultSource(1);
        FaultSourceRegistration afterwards = dispatcher.Add(next);
        Assert.Equal(registration.Slot, afterwards.Slot);
        Assert.Null(Faulter.Run(() => ReadAll(next), "dispatch faulter").Join());
        Assert.Equal(enteredBeforeRemove, hanging.Entered);
        dispatcher.Remove(whileHanging);
        dispatcher.Remove(afterwards);
    }

    [Fact]
    public void Add_and_Remove_of_a_thousand_sources()
    {
        const int Count = 1000;
        using var dispatcher = new FaultDispatcher(Threads);
        var sources = new List<TestFaultSource>(Count);
        try
        {
            for (int i = 0; i < Count; i++)
            {
                sources.Add(new TestFaultSource(1, withMemory: false));
            }

            var registrations = new FaultSourceRegistration[Count];
            double[] add = new double[Count];
            double[] remove = new double[Count];
            for (int i = 0; i < Count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                registrations[i] = dispatcher.Add(sources[i]);
                add[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            Assert.Equal(Count, dispatcher.SourceCount);
            for (int i = 0; i < Count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                dispatcher.Remove(registrations[i]);
                remove[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            Assert.Equal(0, dispatcher.SourceCount);
            // Printed, never asserted: speed is for benchmarks (DEVELOPERS.md).
            output.WriteLine($"{Count} sources, {Threads} handler threads: Add µs {Summary(add)}; Remove µs {Summary(remove)}");
        }
        finally
        {
            sources.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void With_no_faults_the_handler_threads_sleep_in_epoll_wait()
    {
        using var dispatcher = new FaultDispatcher(Threads);
        Assert.True(Bounded.Until(() => dispatcher.Threads.All(t => ThreadProbe.IsInEpollWait(t.ThreadId))), "a new dispatcher's threads are not in epoll_wait");

        using var source = new TestFaultSource(8);
        FaultSourceRegistration registration = dispatcher.Add(source);
        Assert.Null(Faulter.Run(() => ReadAll(source), "dispatch faulter").Join());
        Assert.True(
            Bounded.Until(() => dispatcher.Threads.All(t => ThreadProbe.IsInEpollWait(t.ThreadId))),
            $"after serving, handler threads are in syscalls {string.Join(", ", dispatcher.Threads.Select(t => ThreadProbe.SyscallOf(t.ThreadId)))}");
        long wakeups = dispatcher.Threads.Sum(t => Volatile.Read(ref t.Wakeups));
        Thread.Sleep(50);

        Assert.Equal(wakeups, dispatcher.Threads.Sum(t => Volatile.Read(ref t.Wakeups)));
        Assert.All(dispatcher.Threads, t => Assert.True(ThreadProbe.IsInEpollWait(t.ThreadId)));
        dispatcher.Remove(registration);
    }

    [Fact]
    public void Dispatching_and_serving_allocate_nothing_on_the_handler_threads()
    {
        using var dispatcher = new FaultDispatcher(Threads);
        // A long warm-up: with a short one (64 faults), 64 bytes were allocated once in the measured round in 4 of 6
        // runs (a one-time JIT effect on the serving path, not per fault).
        using var warm = new TestFaultSource(4096, salt: 3) { RecordThreads = false };
        FaultSourceRegistration warmRegistration = dispatcher.Add(warm);
        Assert.Null(Faulter.Run(() => ReadAll(warm), "warm-up faulter").Join());
        using var source = new TestFaultSource(4096, salt: 4) { RecordThreads = false };
        FaultSourceRegistration registration = dispatcher.Add(source);
        // Every handler back in epoll_wait: its last sample is taken, nothing runs between it and the next batch.
        Assert.True(Bounded.Until(() => dispatcher.Threads.All(t => ThreadProbe.IsInEpollWait(t.ThreadId))));
        long before = dispatcher.Threads.Sum(t => Volatile.Read(ref t.AllocatedBytes));

        Assert.Null(Faulter.Run(() => ReadAll(source), "dispatch faulter").Join());
        Assert.True(Bounded.Until(() => dispatcher.Threads.All(t => ThreadProbe.IsInEpollWait(t.ThreadId))));
        long after = dispatcher.Threads.Sum(t => Volatile.Read(ref t.AllocatedBytes));

        Assert.Equal(4096, source.Served);
        output.WriteLine($"allocated on the handler threads over 4096 faults: {after - before} bytes");
        Assert.Equal(0, after - before);
        dispatcher.Remove(registration);
        dispatcher.Remove(warmRegistration);
    }

    [Fact]
    public void Dispose_stops_the_threads()
    {
        var dispatcher = new FaultDispatcher(Threads);
        int[] ids = dispatcher.Threads.Select(t => t.ThreadId).ToArray();
        Assert.All(ids, id => Assert.Contains(id, TaskIds()));

        dispatcher.Dispose();

        Assert.All(dispatcher.Threads, t => Assert.False(t.Thread!.IsAlive));
        // Join returns when the managed thread is done; its task leaves /proc a moment later.
        Assert.True(Bounded.Until(() => !TaskIds().Intersect(ids).Any()), "a handler thread's task is still in /proc/self/task");
        Assert.Throws<ObjectDisposedException>(() => dispatcher.Add(new NoSource()));
    }

    [Fact]
    public void Remove_from_inside_the_sources_own_Pump_throws()
    {
        using var dispatcher = new FaultDispatcher(Threads);
        using var inner = new TestFaultSource(1);
        var source = new SelfRemovingSource(dispatcher, inner);
        source.Registration = dispatcher.Add(source);
        Assert.Null(Faulter.Run(() => ReadAll(inner), "dispatch faulter").Join());

        Assert.True(Bounded.Until(() => source.Error is not null));
        Assert.IsType<InvalidOperationException>(source.Error);
        dispatcher.Remove(source.Registration);
    }

    [Fact]
    public void The_shared_dispatcher_is_created_once_and_then_cannot_be_reconfigured_or_disposed()
    {
        // Every region of the suite uses it (the configured count is tested in a child process: RegionDispatcherTests).
        FaultDispatcher shared = FaultDispatcher.Shared;

        Assert.Same(shared, FaultDispatcher.Shared);
        Assert.Equal(CpuAffinity.AllowedCpus().Length, shared.Threads.Count);
        Assert.Throws<InvalidOperationException>(() => FaultDispatcher.ConfigureShared(2));
        Assert.Throws<InvalidOperationException>(shared.Dispose);
        using var source = new TestFaultSource(2);
        FaultSourceRegistration registration = shared.Add(source);
        Assert.Null(Faulter.Run(() => ReadAll(source), "dispatch faulter").Join());
        shared.Remove(registration);
    }

    /// <summary>Reads every page of <paramref name="source"/> through GcSafeMemory; null, or the first mismatch.</summary>
    private static string? ReadAll(TestFaultSource source)
    {
        byte[] page = new byte[TestFaultSource.PageSize];
        for (int p = 0; p < source.Pages; p++)
        {
            GcSafeMemory.Read(source.Page(p), page);
            for (int offset = 0; offset < page.Length; offset += 97)
            {
                if (page[offset] != source.Expected(p, offset))
                {
                    return $"page {p} byte {offset}: 0x{page[offset]:x2}, expected 0x{source.Expected(p, offset):x2}";
                }
            }
        }

        return null;
    }

    /// <summary>Touches pages (faulter <paramref name="index"/> takes every other one) until stopped; checks those read before the stop.</summary>
    private static string? TouchUntil(TestFaultSource source, int index, ManualResetEventSlim stop)
    {
        for (int p = index; p < source.Pages && !stop.IsSet; p += 2)
        {
            byte value = GcSafeMemory.ReadByte(source.Page(p) + 5);
            if (!stop.IsSet && value != source.Expected(p, 5))
            {
                return $"page {p}: 0x{value:x2}, expected 0x{source.Expected(p, 5):x2}";
            }
        }

        return null;
    }

    private static List<int> TaskIds() =>
        Directory.GetDirectories("/proc/self/task").Select(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static string CpusAllowedList(int tid) =>
        File.ReadAllLines($"/proc/self/task/{tid}/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();

    private static string Summary(double[] micros)
    {
        double[] sorted = micros.Order().ToArray();
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"median {sorted[sorted.Length / 2]:F1}, p90 {sorted[sorted.Length * 9 / 10]:F1}, p99 {sorted[sorted.Length * 99 / 100]:F1}, max {sorted[^1]:F1}, mean {micros.Average():F1}");
    }

    private sealed class NoSource : IFaultSource
    {
        public int Fd => 0;

        public bool Pump(DispatcherThread thread) => false;

        public bool ServeHandedOff(DispatcherThread thread, in PageFaultEvent fault, long readAt) => false;
    }

    /// <summary>Serves through <c>inner</c>, then stays in its first Pump until released.</summary>
    private sealed class HangingSource(TestFaultSource inner, ManualResetEventSlim release) : IFaultSource
    {
        private int entered;
        private int inside;

        public int Entered => Volatile.Read(ref entered);

        public int Inside => Volatile.Read(ref inside);

        public int Fd => inner.Fd;

        public bool ServeHandedOff(DispatcherThread thread, in PageFaultEvent fault, long readAt) => inner.ServeHandedOff(thread, in fault, readAt);

        public bool Pump(DispatcherThread thread)
        {
            Interlocked.Increment(ref inside);
            try
            {
                inner.Pump(thread);
                if (Interlocked.Increment(ref entered) == 1)
                {
                    release.Wait(Bounded.Wait);
                }

                return false;
            }
            finally
            {
                Interlocked.Decrement(ref inside);
            }
        }
    }

    /// <summary>Serves through <c>inner</c>, then tries to remove itself from inside its Pump.</summary>
    private sealed class SelfRemovingSource(FaultDispatcher dispatcher, TestFaultSource inner) : IFaultSource
    {
        public FaultSourceRegistration Registration { get; set; }

        public Exception? Error { get; private set; }

        public int Fd => inner.Fd;

        public bool ServeHandedOff(DispatcherThread thread, in PageFaultEvent fault, long readAt) => inner.ServeHandedOff(thread, in fault, readAt);

        public bool Pump(DispatcherThread thread)
        {
            inner.Pump(thread);
            if (Error is null)
            {
                try
                {
                    dispatcher.Remove(Registration);
                }
                catch (InvalidOperationException e)
                {
                    Error = e;
                }
            }

            return false;
        }
    }
}
