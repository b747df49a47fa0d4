using Uffd.Runtime.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Uffd.Runtime.Tests.Races;

/// <summary>Many threads faulting the same pages, and resolvers racing each other on one uffd.</summary>
public sealed class ConcurrentFaultTests(ITestOutputHelper output)
{
    private const int Pages = 16;
    private const int Threads = 8;

    [Fact]
    public void Eight_faulters_and_two_copying_handlers_see_exact_content_on_every_page()
    {
        using FaultScope scope = FaultScope.Create(Pages);
        int pageSize = scope.PageSize;
        byte[][] expected = Enumerable.Range(0, Pages).Select(p => FaultScope.Pattern(p, pageSize, salt: 0x40)).ToArray();
        int[] copied = new int[Pages];
        int[] presentThenWoken = new int[Pages];

        // Both handlers answer every message with COPY; duplicate messages (one per faulting thread) spread over
        // the two, so they race to install the same page and the loser must WAKE.
        void Resolve(UffdMessage message)
        {
            Assert.Equal(UffdEventKind.PageFault, message.Kind);
            nint page = message.PageFault.PageStart(pageSize);
            int index = (int)((page - scope.Memory.Address) / pageSize);
            UffdResult result = scope.Uffd.Copy(page, expected[index]);
            switch (result.Outcome)
            {
                case UffdOutcome.Done:
                    Assert.Equal(pageSize, result.BytesDone);
                    Interlocked.Increment(ref copied[index]);
                    break;
                case UffdOutcome.AlreadyPresent:
                    scope.Uffd.Wake(page, pageSize);
                    Interlocked.Increment(ref presentThenWoken[index]);
                    break;
                default:
                    Assert.Fail($"COPY of page {index} gave {result}");
                    break;
            }
        }

        using var go = new ManualResetEventSlim();
        var first = new TestHandler(scope.Uffd, Resolve);
        var second = new TestHandler(scope.Uffd, Resolve);
        using (first)
        using (second)
        {
            var faulters = new List<Faulter<List<int>>>();
            for (int t = 0; t < Threads; t++)
            {
                int[] order = Order(t);
                faulters.Add(scope.Run(() =>
                {
                    Assert.True(go.Wait(Bounded.Wait));
                    var wrong = new List<int>();
                    foreach (int page in order)
                    {
                        if (!scope.ReadPage(page).AsSpan().SequenceEqual(expected[page]))
                        {
                            wrong.Add(page);
                        }
                    }

                    return wrong;
                }, $"faulter {t}"));
            }

            go.Set();
            foreach (Faulter<List<int>> faulter in faulters)
            {
                Assert.Empty(faulter.Join());
            }
        }

        // Counted only after both handlers are joined: a handler reads messages in batches, so when the last faulter
        // returns, duplicates of its fault may still be read but not yet resolved (they end as EEXIST + WAKE).
        int totalMessages = first.MessageCount + second.MessageCount;
        output.WriteLine($"messages: handler 1 {first.MessageCount}, handler 2 {second.MessageCount}; " +
                         $"EEXIST+WAKE per page: {string.Join(",", presentThenWoken)}");

        // COPY never overwrites: exactly one COPY per page installed it, every other message found it present.
        Assert.All(copied, count => Assert.Equal(1, count));
        Assert.Equal(totalMessages, copied.Sum() + presentThenWoken.Sum());
        Assert.InRange(totalMessages, Pages, Pages * Threads);
        Assert.Equal(0, scope.FdInfo().Total);
    }

    [Fact]
    public void A_copy_that_finds_the_page_present_leaves_the_faulter_blocked_until_wake()
    {
        using FaultScope scope = FaultScope.Create(1);
        int pageSize = scope.PageSize;
        byte[] installedFirst = FaultScope.Pattern(0, pageSize, salt: 0x10);
        byte[] handlersCopy = FaultScope.Pattern(0, pageSize, salt: 0x80);
        Faulter<byte[]> faulter = scope.Run(() => scope.ReadPage(0));
        Assert.True(Bounded.Until(() => scope.FdInfo().Pending == 1), "the fault was never queued");

        // The test thread is the handler: it reads the message, then another route installs the page first.
        var messages = new UffdMessage[4];
        Assert.Equal(1, scope.Uffd.ReadMessages(messages));
        Assert.Equal(scope.Page(0), messages[0].PageFault.PageStart(pageSize));
        Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), scope.Uffd.Copy(scope.Page(0), installedFirst, CopyMode.DontWake));
        AssertStillBlocked(scope, faulter);

        UffdResult handlers = scope.Uffd.Copy(scope.Page(0), handlersCopy);
        Assert.Equal(new UffdResult(UffdOutcome.AlreadyPresent, 0, Uffd.Interop.Errno.EEXIST), handlers);
        AssertStillBlocked(scope, faulter);

        scope.Uffd.Wake(scope.Page(0), pageSize);
        Assert.Equal(installedFirst, faulter.Join());
        Assert.Equal(new UffdFdInfo(0, 0, scope.FdInfo().Features, scope.FdInfo().Ioctls) { IsInitialized = true }, scope.FdInfo());
    }

    private static void AssertStillBlocked(FaultScope scope, Faulter<byte[]> faulter)
    {
        // Bounded negative check: neither DONTWAKE nor EEXIST wakes anybody.
        Assert.False(faulter.TryJoin(TimeSpan.FromMilliseconds(200)), "the faulter was woken without a WAKE");
        UffdFdInfo info = scope.FdInfo();
        Assert.Equal(1, info.Total);
        Assert.Equal(0, info.Pending);
    }

    /// <summary>Ascending, descending, and seeded shuffles, so threads meet on different pages at different times.</summary>
    private static int[] Order(int thread)
    {
        int[] order = Enumerable.Range(0, Pages).ToArray();
        switch (thread % 3)
        {
            case 1:
                Array.Reverse(order);
                break;
            case 2:
                new Random(thread).Shuffle(order);
                break;
        }

        return order;
    }
}
