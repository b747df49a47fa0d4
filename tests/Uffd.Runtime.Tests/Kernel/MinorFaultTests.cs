using Uffd.Interop;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// uffd-unit-tests "minor" on shmem: pages already in the page cache fault as MINOR; the handler edits them through
/// the never-registered alias and maps them with UFFDIO_CONTINUE.
/// </summary>
public sealed class MinorFaultTests
{
    private const int Pages = 4;

    [Fact]
    public void Each_cached_page_raises_one_minor_fault_and_the_reader_sees_the_handlers_edit()
    {
        using UffdMemory memory = UffdMemory.MapShared(Pages * Environment.SystemPageSize);
        int pageSize = memory.PageSize;
        for (int i = 0; i < Pages; i++)
        {
            memory.AliasSpan((long)i * pageSize, pageSize).Fill(Original(i));
        }

        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = UffdFeatures.MinorShmem, RevokeAccessOnClose = false });
        UffdRegistration registration = uffd.Register(memory.Address, memory.Length, RegisterMode.Minor);
        try
        {
            Assert.True(registration.Allows(UffdIoctls.Continue));
            int minorFaults = 0, missingFaults = 0;
            var faulted = new List<nint>();
            using (new TestHandler(uffd, message =>
            {
                Assert.Equal(UffdEventKind.PageFault, message.Kind);
                PageFaultEvent fault = message.PageFault;
                if (fault.IsMissing)
                {
                    Interlocked.Increment(ref missingFaults);
                    return;
                }

                Assert.Equal(0x4UL, (ulong)fault.Flags);
                Interlocked.Increment(ref minorFaults);
                nint page = fault.PageStart(pageSize);
                lock (faulted)
                {
                    faulted.Add(page);
                }

                foreach (ref byte b in memory.AliasSpan(page - memory.Address, pageSize))
                {
                    b = (byte)~b;
                }

                Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), uffd.Continue(page, pageSize));
                // The selftest's deliberate second CONTINUE: the PTE is now there.
                Assert.Equal(new UffdResult(UffdOutcome.AlreadyPresent, 0, Errno.EEXIST), uffd.Continue(page, pageSize));
            }))
            {
                byte[][] pages = Faulter.Run(() => Enumerable.Range(0, Pages)
                    .Select(i => Registered.ReadBytes(memory.Address + i * pageSize, pageSize)).ToArray()).Join();
                for (int i = 0; i < Pages; i++)
                {
                    byte flipped = (byte)~Original(i);
                    Assert.True(pages[i].All(b => b == flipped), $"page {i} must show the handler's bit flip");
                }
            }

            Assert.Equal(Pages, minorFaults);
            Assert.Equal(0, missingFaults);
            Assert.Equal(Enumerable.Range(0, Pages).Select(i => memory.Address + i * pageSize), faulted.Order());
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    [Fact]
    public void Continue_needs_the_page_in_the_page_cache_and_refuses_a_mapped_page()
    {
        using UffdMemory memory = UffdMemory.MapShared(2 * Environment.SystemPageSize);
        int pageSize = memory.PageSize;
        memory.AliasSpan(pageSize, pageSize).Fill(0x42);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = UffdFeatures.MinorShmem, RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Minor);
        try
        {
            Assert.Equal(new UffdResult(UffdOutcome.Fault, 0, Errno.EFAULT), uffd.Continue(memory.Address, pageSize));
            nint cached = memory.Address + pageSize;
            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), uffd.Continue(cached, pageSize));
            Assert.Equal(new UffdResult(UffdOutcome.AlreadyPresent, 0, Errno.EEXIST), uffd.Continue(cached, pageSize));
            Assert.Equal(0x42, memory.AsSpan(pageSize, 1)[0]);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    private static byte Original(int page) => (byte)(0x11 * (page + 1));
}
