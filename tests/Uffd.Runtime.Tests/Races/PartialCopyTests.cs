using Uffd.Interop;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Races;

/// <summary>A multi-page COPY racing a resolver that already filled one of its pages.</summary>
public sealed class PartialCopyTests
{
    [Fact]
    public void A_multi_page_copy_stops_at_the_first_present_page_and_leaves_the_rest_missing()
    {
        using FaultScope scope = FaultScope.Create(4);
        int pageSize = scope.PageSize;
        byte[] old = FaultScope.Pattern(2, pageSize, salt: 0x10);
        byte[] fresh = Enumerable.Range(0, 4).SelectMany(p => FaultScope.Pattern(p, pageSize, salt: 0x80)).ToArray();
        Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), scope.Uffd.Copy(scope.Page(2), old));

        UffdResult whole = scope.Uffd.Copy(scope.Page(0), fresh);
        Assert.Equal(new UffdResult(UffdOutcome.Partial, 2L * pageSize, Errno.EAGAIN), whole);

        // Resubmitting the remainder reports why the first call stopped, and installs nothing after it either.
        UffdResult rest = scope.Uffd.Copy(scope.Page(2), fresh.AsSpan(2 * pageSize));
        Assert.Equal(new UffdResult(UffdOutcome.AlreadyPresent, 0, Errno.EEXIST), rest);

        // Pages 0..2 are present, so reading them raises no fault; a faulter keeps a wrong assumption bounded.
        byte[][] present = scope.Run(() => new[] { scope.ReadPage(0), scope.ReadPage(1), scope.ReadPage(2) }).Join();
        Assert.Equal(fresh.AsSpan(0, pageSize).ToArray(), present[0]);
        Assert.Equal(fresh.AsSpan(pageSize, pageSize).ToArray(), present[1]);
        Assert.Equal(old, present[2]);
        Assert.Equal(0, scope.FdInfo().Pending);

        Faulter<byte[]> lastPage = scope.Run(() => scope.ReadPage(3));
        Assert.True(Bounded.Until(() => scope.FdInfo().Pending == 1), "page 3 did not fault: the partial copy filled it");
        var messages = new UffdMessage[2];
        Assert.Equal(1, scope.Uffd.ReadMessages(messages));
        Assert.Equal(scope.Page(3), messages[0].PageFault.PageStart(pageSize));
        Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), scope.Uffd.Copy(scope.Page(3), fresh.AsSpan(3 * pageSize)));
        Assert.Equal(fresh.AsSpan(3 * pageSize).ToArray(), lastPage.Join());
        Assert.Equal(0, scope.FdInfo().Total);
    }
}
