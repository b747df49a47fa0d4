using Uffd.Interop;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// uffd-unit-tests "mmap-changing": while a non-cooperative event is unread (and until its raiser resumes), every
/// filling ioctl refuses with EAGAIN and no progress, so a handler cannot fill a layout it has not caught up with.
/// </summary>
public sealed class MmapChangingTests
{
    [Fact]
    public void While_a_remove_event_is_unread_every_resolution_ioctl_asks_to_retry_after_events()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapShared(2L * pageSize);
        using UffdMemory moveSource = UffdMemory.MapAnonymous(pageSize);
        memory.AliasSpan(0, pageSize).Fill(0x01);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            RequiredFeatures = UffdFeatures.EventRemove | UffdFeatures.MinorShmem,
            RevokeAccessOnClose = false,
        });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing | RegisterMode.Minor);
        try
        {
            Faulter<int> raiser = Faulter.Run(() =>
            {
                memory.Discard(0, pageSize);
                return 0;
            }, "madvise(MADV_REMOVE)");
            NonCooperativeEventTests.AssertBlockedUntilRead(uffd, raiser);

            nint page = memory.Address + pageSize;
            byte[] content = Enumerable.Repeat((byte)0x5e, pageSize).ToArray();
            var retry = new UffdResult(UffdOutcome.RetryAfterEvents, 0, Errno.EAGAIN);
            Assert.Equal(retry, uffd.Copy(page, content));
            Assert.Equal(retry, uffd.ZeroPage(page, pageSize));
            // MOVE into shmem would be EINVAL; the mmap_changing check comes first, as the selftest relies on.
            Assert.Equal(retry, uffd.Move(page, moveSource.Address, pageSize));
            Assert.Equal(retry, uffd.Poison(page, pageSize));
            Assert.Equal(retry, uffd.Continue(page, pageSize));

            UffdMessage remove = Messages.Next(uffd);
            Assert.Equal(UffdEventKind.Remove, remove.Kind);
            Assert.Equal(new RangeEvent(memory.Address, memory.Address + pageSize), remove.Range);

            // The counter drops only when the raiser runs again, which may be a moment after the read.
            UffdResult copied = default;
            Assert.True(Bounded.Until(() => (copied = uffd.Copy(page, content)).Outcome != UffdOutcome.RetryAfterEvents));
            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), copied);
            raiser.Join();

            Assert.True(memory.AliasSpan(pageSize, pageSize).ToArray().All(b => b == 0x5e));
            Assert.Equal(0, memory.AliasSpan(0, 1)[0]);
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
