using Uffd.Interop;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// uffd-unit-tests "events" (in-process part): mremap, MADV_DONTNEED and munmap of a registered range post REMAP,
/// REMOVE and UNMAP events, and the thread that caused them stays blocked until the event is read.
/// </summary>
public sealed class NonCooperativeEventTests
{
    private static readonly int PageSize = Environment.SystemPageSize;

    private static Userfaultfd CreateUffd() => Userfaultfd.Create(new UffdOptions
    {
        RequiredFeatures = UffdFeatures.EventRemap | UffdFeatures.EventRemove | UffdFeatures.EventUnmap,
        RevokeAccessOnClose = false,
    });

    [Fact]
    public void Mremap_posts_remap_then_unmap_blocks_until_read_and_faults_follow_the_range()
    {
        long length = 2L * PageSize;
        // Raw mappings: after the move the old address is free and may be reused, so nothing may unmap it later.
        nint source = MapAnonymous(length, Libc.PROT_READ | Libc.PROT_WRITE);
        nint target = MapAnonymous(length, Libc.PROT_NONE);
        using Userfaultfd uffd = CreateUffd();
        uffd.Register(source, length, RegisterMode.Missing);
        try
        {
            Faulter<nint> raiser = Faulter.Run(
                () => Libc.mremap(source, (nuint)length, (nuint)length, Libc.MREMAP_MAYMOVE | Libc.MREMAP_FIXED, target), "mremap");
            AssertBlockedUntilRead(uffd, raiser);

            UffdMessage remap = Messages.Next(uffd);
            Assert.Equal(UffdEventKind.Remap, remap.Kind);
            Assert.Equal(new RemapEvent(source, target, length), remap.Remap);
            UffdMessage unmap = Messages.Next(uffd);
            Assert.Equal(UffdEventKind.Unmap, unmap.Kind);
            Assert.Equal(new RangeEvent(source, source + (nint)length), unmap.Range);
            Assert.Equal(target, raiser.Join());

            Faulter<byte> reader = Faulter.Run(() => Registered.ReadByte(target + PageSize + 3));
            UffdMessage fault = Messages.Next(uffd);
            Assert.Equal(UffdEventKind.PageFault, fault.Kind);
            Assert.Equal(new PageFaultEvent(PageFaultFlags.None, target + PageSize, 0), fault.PageFault);
            Assert.Equal(new UffdResult(UffdOutcome.Done, PageSize, 0), uffd.Copy(target + PageSize, Filled(0x3c)));
            Assert.Equal(0x3c, reader.Join());
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(target, length);
            Libc.munmap(target, (nuint)length);
        }
    }

    [Fact]
    public void Madvise_dontneed_posts_remove_and_the_range_stays_registered()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(2L * PageSize);
        using Userfaultfd uffd = CreateUffd();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            Assert.True(uffd.Copy(memory.Address, Filled(0x11)).IsDone);
            Assert.Equal(0x11, memory.AsSpan(0, 1)[0]);

            Faulter<int> raiser = Faulter.Run(() =>
            {
                memory.Discard(0, PageSize);
                return 0;
            }, "madvise");
            AssertBlockedUntilRead(uffd, raiser);
            UffdMessage remove = Messages.Next(uffd);
            Assert.Equal(UffdEventKind.Remove, remove.Kind);
            Assert.Equal(new RangeEvent(memory.Address, memory.Address + PageSize), remove.Range);
            raiser.Join();

            Faulter<byte> reader = Faulter.Run(() => Registered.ReadByte(memory.Address + 9));
            UffdMessage fault = Messages.Next(uffd);
            Assert.Equal(new PageFaultEvent(PageFaultFlags.None, memory.Address, 0), fault.PageFault);
            Assert.Equal(new UffdResult(UffdOutcome.Done, PageSize, 0), uffd.Copy(memory.Address, Filled(0x22)));
            Assert.Equal(0x22, reader.Join());
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    [Fact]
    public void Munmap_posts_unmap_and_a_later_copy_into_the_range_reports_range_gone()
    {
        long length = 2L * PageSize;
        nint area = MapAnonymous(length, Libc.PROT_READ | Libc.PROT_WRITE);
        using Userfaultfd uffd = CreateUffd();
        uffd.Register(area, length, RegisterMode.Missing);

        Faulter<int> raiser = Faulter.Run(() => Libc.munmap(area, (nuint)length), "munmap");
        AssertBlockedUntilRead(uffd, raiser);
        UffdMessage unmap = Messages.Next(uffd);
        Assert.Equal(UffdEventKind.Unmap, unmap.Kind);
        Assert.Equal(new RangeEvent(area, area + (nint)length), unmap.Range);
        Assert.Equal(0, raiser.Join());

        Assert.Equal(new UffdResult(UffdOutcome.RangeGone, 0, Errno.ENOENT), uffd.Copy(area, Filled(0x33)));
    }

    /// <summary>
    /// The event is queued and its raiser sleeps uninterruptibly (state D) in the kernel: it cannot return before a
    /// reader consumes the event.
    /// </summary>
    internal static void AssertBlockedUntilRead<T>(Userfaultfd uffd, Faulter<T> raiser)
    {
        Assert.Equal(UffdWaitResult.MessagesAvailable, uffd.WaitForMessages(null, (int)Bounded.Wait.TotalMilliseconds));
        Assert.True(Bounded.Until(() => !raiser.IsAlive || KernelThreadState.Of(raiser.ThreadId) == 'D'));
        Assert.True(raiser.IsAlive, "the raiser returned before its event was read");
        Assert.Equal('D', KernelThreadState.Of(raiser.ThreadId));
    }

    private static nint MapAnonymous(long length, int protection)
    {
        nint address = Libc.mmap(0, (nuint)length, protection, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        Assert.NotEqual(Libc.MAP_FAILED, address);
        return address;
    }

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, PageSize).ToArray();
}
