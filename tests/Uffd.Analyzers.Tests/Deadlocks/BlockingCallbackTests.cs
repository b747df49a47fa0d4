using Uffd.Analyzers.Deadlocks;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Deadlocks;

public sealed class BlockingCallbackTests
{
    // What the rule suggests to a synchronous provider: the asynchronous form.
    private const string MakeAsynchronous =
        "; make the provider asynchronous ('async ValueTask' taking Memory<byte> and a CancellationToken) and await instead";

    [Fact]
    public Task A_blocking_wait_in_an_asynchronous_provider_is_reported_with_await_as_the_way_out() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 16)]
            public partial class Remote(HttpClient client)
            {
                [PageProvider]
                private async ValueTask Fill(long pageIndex, Memory<byte> page, CancellationToken cancellationToken)
                {
                    byte[] bytes = {|#0:client.GetByteArrayAsync($"pages/{pageIndex}").Result|};
                    bytes.CopyTo(page);
                    await Task.Yield();
                }
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("Fill", "Task.Result", "; await it instead"));

    [Fact]
    public Task An_asynchronous_provider_that_awaits_is_not_reported() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 16)]
            public partial class Remote(HttpClient client)
            {
                [PageProvider]
                private async ValueTask Fill(long pageIndex, Memory<byte> page, CancellationToken cancellationToken)
                {
                    byte[] bytes = await client.GetByteArrayAsync($"pages/{pageIndex}", cancellationToken);
                    bytes.CopyTo(page);
                }
            }
            """);

    [Fact]
    public Task Blocking_waits_in_a_provider_are_reported() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Remote
            {
                private readonly Task<byte[]> _download = Task.FromResult(new byte[1]);
                private readonly SemaphoreSlim _gate = new(1);
                private readonly object _lock = new();

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    byte[] bytes = {|#0:_download.Result|};
                    {|#1:_download.Wait()|};
                    {|#2:Task.WaitAll(_download)|};
                    {|#3:_download.GetAwaiter().GetResult()|};
                    {|#4:Thread.Sleep(1)|};
                    {|#5:_gate.Wait()|};
                    {|#6:Monitor.Wait(_lock)|};
                    bytes.CopyTo(page);
                }
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("Fill", "Task.Result", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(1).WithArguments("Fill", "Task.Wait", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(2).WithArguments("Fill", "Task.WaitAll", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(3).WithArguments("Fill", "TaskAwaiter.GetResult", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(4).WithArguments("Fill", "Thread.Sleep", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(5).WithArguments("Fill", "SemaphoreSlim.Wait", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(6).WithArguments("Fill", "Monitor.Wait", MakeAsynchronous));

    [Fact]
    public Task A_blocking_wait_in_a_write_handler_is_reported() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Threading;
            using Uffd;

            [FaultRegion(Mode = FaultMode.WriteProtect, Pages = 4)]
            public partial class Journal
            {
                private readonly ManualResetEventSlim _ready = new();

                [WriteHandler]
                private void OnWrite(long pageIndex) => {|UFFD0031:_ready.Wait()|};
            }
            """);

    [Fact]
    public Task Protect_of_a_synchronous_write_protect_region_in_a_callback_is_reported() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.WriteProtect, Pages = 4)]
            public partial class Journal
            {
                public Journal? Next;

                [WriteHandler]
                private void OnWrite(long pageIndex) => {|#0:Next!.Protect(pageIndex, 1)|};
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("OnWrite", "Journal.Protect", ""));

    [Fact]
    public Task Protect_with_asynchronous_tracking_never_waits_and_is_not_reported() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using Uffd;

            [FaultRegion(Mode = FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous, Pages = 4)]
            public partial class Tracked
            {
            }

            [FaultRegion(Pages = 4)]
            public partial class Source
            {
                public Tracked? Target;

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page) => Target!.Protect(pageIndex, 1);

                public void Protect(long firstPage, long count) { }
            }
            """);

    [Fact]
    public Task Waits_outside_callbacks_and_look_alike_members_are_not_reported() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            public sealed class Waiter
            {
                public void Wait() { }
                public int Result => 1;
            }

            [FaultRegion(Pages = 4)]
            public partial class Remote
            {
                private readonly Waiter _waiter = new();

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    _waiter.Wait();
                    page.Fill((byte)_waiter.Result);
                    Task task = Task.CompletedTask;
                    _ = task.IsCompleted;
                }

                public void Load() => Task.Delay(1).Wait();
            }
            """);

    [Fact]
    public Task Wait_handles_blocking_collections_parallel_loops_and_awaiters_are_reported() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Collections.Concurrent;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Remote
            {
                private readonly ManualResetEvent _ready = new(false);
                private readonly BlockingCollection<byte[]> _queue = new();
                private readonly ValueTask<int> _pending = new(1);
                private readonly CountdownEvent _loaded = new(1);

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    {|#0:_ready.WaitOne()|};
                    byte[] bytes = {|#1:_queue.Take()|};
                    {|#2:_queue.TryTake(out byte[]? more, 100)|};
                    {|#3:Parallel.For(0, 4, i => { })|};
                    {|#4:Task.Delay(1).ConfigureAwait(false).GetAwaiter().GetResult()|};
                    page[0] = (byte){|#5:_pending.Result|};
                    {|#6:_loaded.Wait()|};
                    bytes.CopyTo(page);
                }
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("Fill", "WaitHandle.WaitOne", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(1).WithArguments("Fill", "BlockingCollection.Take", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(2).WithArguments("Fill", "BlockingCollection.TryTake", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(3).WithArguments("Fill", "Parallel.For", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(4).WithArguments("Fill", "ConfiguredTaskAwaiter.GetResult", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(5).WithArguments("Fill", "ValueTask.Result", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(6).WithArguments("Fill", "CountdownEvent.Wait", MakeAsynchronous));

    [Fact]
    public Task A_helper_of_the_same_file_that_waits_is_reported_on_the_call() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Net.Http;
            using System.Threading.Tasks;
            using Uffd;

            internal static class Download
            {
                public static byte[] Page(HttpClient client, long index) => client.GetByteArrayAsync($"pages/{index}").Result;
            }

            [FaultRegion(Pages = 4)]
            public partial class Remote(HttpClient client)
            {
                private byte[] Cached => Task.Run(() => new byte[1]).GetAwaiter().GetResult();

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    {|#0:Download.Page(client, pageIndex)|}.CopyTo(page);
                    page[0] = {|#1:Cached|}[0];
                    Local();

                    void Local() => {|#2:Task.Delay(1).Wait()|};
                }
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("Fill", "Task.Result in Page", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(1).WithArguments("Fill", "TaskAwaiter.GetResult in Cached", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(2).WithArguments("Fill", "Task.Wait", MakeAsynchronous));

    [Fact]
    public Task Polls_completed_tasks_and_work_handed_to_other_threads_are_not_reported() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Collections.Concurrent;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Remote
            {
                private readonly SemaphoreSlim _gate = new(1);
                private readonly ManualResetEvent _ready = new(false);
                private readonly BlockingCollection<byte[]> _queue = new();
                private Task<byte[]> _download = Task.FromResult(new byte[1]);
                private readonly ValueTask<int> _pending = new(1);

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    if (_gate.Wait(0))
                    {
                        _gate.Release();
                    }

                    _ = _ready.WaitOne(TimeSpan.Zero);
                    _ = _queue.TryTake(out byte[]? queued);
                    Thread.Sleep(0);
                    if (_download.IsCompletedSuccessfully)
                    {
                        _download.Result.CopyTo(page);
                    }

                    page[0] = _pending.IsCompleted ? (byte)_pending.Result : (byte)0;
                    if (_download.Status != TaskStatus.RanToCompletion)
                    {
                        return;
                    }

                    page[1] = _download.GetAwaiter().GetResult()[0];
                    page[2] = (byte)Task.FromResult(2).Result;
                    _download = Task.Run(() => Task.Delay(10).Wait()).ContinueWith(t => new byte[1]);
                }
            }
            """);

    [Fact]
    public Task Completion_patterns_and_awaiter_checks_are_not_reported_but_PLINQ_is() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Linq;
            using System.Runtime.CompilerServices;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Remote
            {
                private readonly Task<byte[]> _download = Task.FromResult(new byte[1]);
                private readonly Task<int> _count = Task.FromResult(1);

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    if (_download is { IsCompletedSuccessfully: true })
                    {
                        _download.Result.CopyTo(page);
                    }

                    if (_count.Status is TaskStatus.RanToCompletion && _count.IsCompleted is true)
                    {
                        page[0] = (byte)_count.Result;
                    }

                    TaskAwaiter<int> awaiter = _count.GetAwaiter();
                    if (awaiter.IsCompleted)
                    {
                        page[1] = (byte)awaiter.GetResult();
                    }

                    page[2] = (byte){|#0:Enumerable.Range(0, 64).AsParallel()|}.Sum();
                }
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("Fill", "ParallelEnumerable.AsParallel", MakeAsynchronous));

    [Fact]
    public Task A_wait_that_returned_true_member_paths_and_status_switches_guard_the_result() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Uffd;

            public sealed class Entry
            {
                public Task<byte[]> Load { get; init; } = Task.FromResult(new byte[1]);
            }

            [FaultRegion(Pages = 4)]
            public partial class Remote
            {
                private readonly Dictionary<long, Entry> _entries = new();
                private readonly Task<int> _count = Task.FromResult(1);
                private Entry _other = new();

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    if (_count.IsCompleted || _count.Wait(0))
                    {
                        page[0] = (byte)_count.Result;
                    }

                    if (_count.IsCompleted || pageIndex > 1)
                    {
                        page[0] = (byte){|#2:_count.Result|};
                    }

                    if (_entries.TryGetValue(pageIndex, out Entry? entry) && entry.Load.IsCompletedSuccessfully)
                    {
                        entry.Load.Result.CopyTo(page);
                        page[1] = {|#0:_other.Load.Result|}[0];
                    }

                    switch (_count.Status)
                    {
                        case TaskStatus.RanToCompletion:
                            page[2] = (byte)_count.Result;
                            break;
                        default:
                            page[2] = (byte){|#1:_count.Result|};
                            break;
                    }

                    page[3] = _count.Status switch
                    {
                        TaskStatus.RanToCompletion => (byte)_count.Result,
                        _ => 0,
                    };
                }
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("Fill", "Task.Result", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(1).WithArguments("Fill", "Task.Result", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(2).WithArguments("Fill", "Task.Result", MakeAsynchronous));

    [Fact]
    public Task A_local_function_or_delegate_local_that_only_runs_on_other_threads_is_not_reported() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Remote
            {
                private readonly Task<byte[]> _download = Task.Run(() => new byte[1]);

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    Action refresh = () => _download.Wait();
                    _ = Task.Run(refresh);
                    ThreadPool.QueueUserWorkItem(Later);
                    _ = Task.Run(Again);

                    Action now = () => {|#1:Thread.Sleep(1)|};
                    now();
                    Inline();

                    void Later(object? state) => _download.Wait();

                    void Again() => Thread.Sleep(10);

                    void Inline() => {|#0:_download.Wait()|};

                    void NeverCalled() => _download.Wait();
                }
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(1).WithArguments("Fill", "Thread.Sleep", MakeAsynchronous),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("Fill", "Task.Wait", MakeAsynchronous));

    [Fact]
    public Task The_factory_of_a_Lazy_field_the_callback_reads_is_followed() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.IO;
            using System.Threading.Tasks;
            using Uffd;

            [FaultRegion(Pages = 4)]
            public partial class Indexed
            {
                private readonly Lazy<byte[]> _index = new(() => File.ReadAllBytesAsync("index").Result);
                private readonly Lazy<byte[]> _header = new(() => File.ReadAllBytes("header"));

                [PageProvider]
                private void Fill(long pageIndex, Span<byte> page)
                {
                    page[0] = {|#0:_index.Value|}[0];
                    page[1] = _header.Value[0];
                }
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("Fill", "Task.Result in the factory of _index", MakeAsynchronous));

    [Fact]
    public Task A_hand_written_engine_callback_that_waits_is_reported_but_a_look_alike_is_not() =>
        Verify<BlockingCallbackAnalyzer>.Analyzer("""
            using System;
            using System.Threading;
            using Uffd;
            using Uffd.Regions;

            public struct SlowCallbacks : IFaultRegionCallbacks
            {
                public PageFill FillPage(in PageFaultContext context, Span<byte> page)
                {
                    {|#0:Thread.Sleep(1)|};
                    return PageFill.Zero;
                }

                public void OnWriteFault(in PageFaultContext context) { }
            }

            public struct NotACallback
            {
                public PageFill FillPage(in PageFaultContext context, Span<byte> page)
                {
                    Thread.Sleep(1);
                    return PageFill.Zero;
                }
            }
            """,
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("FillPage", "Thread.Sleep", ""));
}
