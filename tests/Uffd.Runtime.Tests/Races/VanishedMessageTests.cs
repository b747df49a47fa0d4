using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Races;

/// <summary>A fault resolved before anyone reads its message.</summary>
public sealed class VanishedMessageTests
{
    [Fact]
    public void A_fault_resolved_before_read_wakes_the_faulter_and_its_message_disappears()
    {
        using FaultScope scope = FaultScope.Create(1);
        byte[] content = FaultScope.Pattern(0, scope.PageSize, salt: 0x20);
        Faulter<byte[]> faulter = scope.Run(() => scope.ReadPage(0));
        Assert.True(Bounded.Until(() => scope.FdInfo() is { Pending: 1, Total: 1 }), "the fault was never queued");

        Assert.Equal(new UffdResult(UffdOutcome.Done, scope.PageSize, 0), scope.Uffd.Copy(scope.Page(0), content));
        Assert.Equal(content, faulter.Join());

        // The kernel drops the unread message of a woken waiter: a handler must not expect one message per COPY.
        Assert.Equal(0, scope.Uffd.ReadMessages(new UffdMessage[4]));
        UffdFdInfo info = scope.FdInfo();
        Assert.Equal(0, info.Pending);
        Assert.Equal(0, info.Total);
    }
}
