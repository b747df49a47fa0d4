using Uffd.Interop;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>uffd-unit-tests "move": UFFDIO_MOVE remaps source pages into faulting destination pages.</summary>
public sealed class MoveTests
{
    private const int Pages = 8;

    [Fact]
    public void Each_missing_fault_is_resolved_by_moving_one_source_page_which_leaves_the_source_empty()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory source = UffdMemory.MapAnonymous(Pages * pageSize);
        using UffdMemory destination = UffdMemory.MapAnonymous(Pages * pageSize);
        // A source page shared with a forked child (COW) cannot be moved (EBUSY); keep the source out of any fork.
        Assert.Equal(0, Libc.madvise(source.Address, (nuint)source.Length, Libc.MADV_DONTFORK));
        for (int i = 0; i < Pages; i++)
        {
            source.AsSpan((long)i * pageSize, pageSize).Fill(Pattern(i));
        }

        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        UffdRegistration registration = uffd.Register(destination.Address, destination.Length, RegisterMode.Missing);
        try
        {
            Assert.True(registration.Allows(UffdIoctls.Move));
            int missingFaults = 0;
            using (new TestHandler(uffd, message =>
            {
                Assert.Equal(UffdEventKind.PageFault, message.Kind);
                Assert.True(message.PageFault.IsMissing);
                Interlocked.Increment(ref missingFaults);
                nint page = message.PageFault.PageStart(pageSize);
                nint from = source.Address + (page - destination.Address);
                Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0),
                    uffd.Move(page, from, pageSize, MoveMode.AllowSourceHoles));
            }))
            {
                byte[][] pages = Faulter.Run(() => Enumerable.Range(0, Pages)
                    .Select(i => Registered.ReadBytes(destination.Address + i * pageSize, pageSize)).ToArray()).Join();
                for (int i = 0; i < Pages; i++)
                {
                    Assert.True(pages[i].All(b => b == Pattern(i)), $"destination page {i} does not hold source page {i}");
                }
            }

            Assert.Equal(Pages, missingFaults);
            Assert.True(source.AsSpan(0, (int)source.Length).ToArray().All(b => b == 0), "moved source pages must read as empty");
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(destination.Address, destination.Length);
        }
    }

    [Fact]
    public void Move_from_a_source_hole_without_allow_source_holes_reports_source_hole()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory source = UffdMemory.MapAnonymous(pageSize);
        using UffdMemory destination = UffdMemory.MapAnonymous(pageSize);
        Assert.Equal(0, Libc.madvise(source.Address, (nuint)source.Length, Libc.MADV_DONTFORK));
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Register(destination.Address, destination.Length, RegisterMode.Missing);
        try
        {
            Assert.Equal(new UffdResult(UffdOutcome.SourceHole, 0, Errno.ENOENT),
                uffd.Move(destination.Address, source.Address, pageSize));
            // With the flag the kernel counts the hole as moved.
            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0),
                uffd.Move(destination.Address, source.Address, pageSize, MoveMode.AllowSourceHoles));
        }
        finally
        {
            uffd.Unregister(destination.Address, destination.Length);
        }
    }

    private static byte Pattern(int page) => (byte)(0x30 + page * 7);
}
