using System.Runtime.InteropServices;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Races;

/// <summary>The same page reported more than once: handlers must be idempotent per address.</summary>
public sealed partial class DuplicateMessageTests
{
    private const int SIGWINCH = 28;

    [Fact]
    public void Two_faulters_on_one_page_give_two_messages_and_one_copy_wakes_both()
    {
        using FaultScope scope = FaultScope.Create(1, UffdFeatures.ThreadId);
        Assert.True((scope.Uffd.EnabledFeatures & UffdFeatures.ThreadId) != 0);
        byte[] content = FaultScope.Pattern(0, scope.PageSize, salt: 0x30);
        Faulter<byte[]> a = scope.Run(() => scope.ReadPage(0), "faulter a");
        Faulter<byte[]> b = scope.Run(() => scope.ReadPage(0), "faulter b");
        Assert.True(Bounded.Until(() => scope.FdInfo().Pending == 2), "both faults were not queued");

        var messages = new UffdMessage[4];
        Assert.Equal(2, scope.Uffd.ReadMessages(messages));
        Assert.All(messages[..2], m => Assert.Equal(UffdEventKind.PageFault, m.Kind));
        Assert.All(messages[..2], m => Assert.Equal(scope.Page(0), m.PageFault.PageStart(scope.PageSize)));
        Assert.Equal(
            new[] { a.ThreadId, b.ThreadId }.Order(),
            messages[..2].Select(m => m.PageFault.ThreadId).Order());
        Assert.Equal(2, scope.FdInfo().Total);

        Assert.Equal(new UffdResult(UffdOutcome.Done, scope.PageSize, 0), scope.Uffd.Copy(scope.Page(0), content));
        Assert.Equal(content, a.Join());
        Assert.Equal(content, b.Join());
        Assert.Equal(0, scope.Uffd.ReadMessages(messages));
        Assert.Equal(0, scope.FdInfo().Total);
    }

    [Fact]
    public void A_signal_makes_a_blocked_faulter_report_its_page_again()
    {
        // SIGWINCH is harmless to deliver to any thread once .NET has a handler for it (without one it is ignored
        // and discarded unseen). The handler runs on the faulting thread, which then retries the access.
        int handled = 0;
        using PosixSignalRegistration registration = PosixSignalRegistration.Create(
            PosixSignal.SIGWINCH, context => { Interlocked.Increment(ref handled); context.Cancel = true; });
        using FaultScope scope = FaultScope.Create(1, UffdFeatures.ThreadId);
        byte[] content = FaultScope.Pattern(0, scope.PageSize, salt: 0x50);
        Faulter<byte[]> faulter = scope.Run(() => scope.ReadPage(0));
        Assert.True(Bounded.Until(() => scope.FdInfo().Pending == 1), "the fault was never queued");

        var messages = new UffdMessage[4];
        Assert.Equal(1, scope.Uffd.ReadMessages(messages));
        UffdMessage first = messages[0];
        Assert.Equal(0, scope.FdInfo().Pending);

        Assert.Equal(0, tgkill(Environment.ProcessId, faulter.ThreadId, SIGWINCH));
        Assert.True(Bounded.Until(() => scope.FdInfo().Pending == 1), "the signalled faulter did not fault again");
        Assert.Equal(1, scope.Uffd.ReadMessages(messages));
        Assert.Equal(first.PageFault, messages[0].PageFault);
        Assert.Equal(faulter.ThreadId, messages[0].PageFault.ThreadId);
        Assert.Equal(1, scope.FdInfo().Total);

        Assert.Equal(new UffdResult(UffdOutcome.Done, scope.PageSize, 0), scope.Uffd.Copy(scope.Page(0), content));
        Assert.Equal(content, faulter.Join());
        Assert.True(Bounded.Until(() => Volatile.Read(ref handled) == 1), "the SIGWINCH handler never ran");
        Assert.Equal(0, scope.FdInfo().Total);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tgkill(int tgid, int tid, int signal);
}
