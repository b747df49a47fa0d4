using Uffd.Analyzers.Deadlocks;
using Uffd.Analyzers.Tests.Infrastructure;

namespace Uffd.Analyzers.Tests.Deadlocks;

public sealed class BlockingCallbackTests
{
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
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("Fill", "Task.Result"),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(1).WithArguments("Fill", "Task.Wait"),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(2).WithArguments("Fill", "Task.WaitAll"),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(3).WithArguments("Fill", "TaskAwaiter.GetResult"),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(4).WithArguments("Fill", "Thread.Sleep"),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(5).WithArguments("Fill", "SemaphoreSlim.Wait"),
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(6).WithArguments("Fill", "Monitor.Wait"));

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
            Verify<BlockingCallbackAnalyzer>.Diagnostic("UFFD0031").WithLocation(0).WithArguments("OnWrite", "Journal.Protect"));

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
}
