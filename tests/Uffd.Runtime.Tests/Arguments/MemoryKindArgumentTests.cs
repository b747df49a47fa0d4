using Uffd.Interop;

namespace Uffd.Runtime.Tests.Arguments;

/// <summary>
/// Arguments that are well-formed but wrong for the memory or its registration: the kernel answers a bare EINVAL and
/// the runtime explains it from /proc/self/smaps. Each test then shows the rejected call changed nothing.
/// </summary>
public sealed class MemoryKindArgumentTests
{
    private static readonly int Page = Environment.SystemPageSize;

    [Fact]
    public void Copy_with_WriteProtect_mode_into_a_Missing_only_range_names_the_registration()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Page);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Register(memory.Address, Page, RegisterMode.Missing);
        byte[] content = Enumerable.Repeat((byte)'c', Page).ToArray();

        ArgumentAssert.Throws(() => uffd.Copy(memory.Address, content, CopyMode.WriteProtect), "mode",
            "UFFDIO_COPY: CopyMode.WriteProtect needs the destination registered with RegisterMode.WriteProtect", "it is registered with Missing");

        Assert.Equal(new UffdResult(UffdOutcome.Done, Page, 0), uffd.Copy(memory.Address, content));
        Assert.Equal(content, memory.AsSpan(0, Page).ToArray());
        uffd.Unregister(memory.Address, Page);
    }

    [Fact]
    public void Continue_on_anonymous_memory_registered_Missing_says_it_needs_Minor_on_shmem_or_hugetlbfs()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Page);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Register(memory.Address, Page, RegisterMode.Missing);

        ArgumentAssert.Throws(() => uffd.Continue(memory.Address, Page), "start",
            $"UFFDIO_CONTINUE: start 0x{memory.Address:x} must be registered with RegisterMode.Minor on shmem or hugetlbfs",
            "it is private anonymous memory (4 KiB pages) registered with Missing");

        Assert.Equal(new UffdResult(UffdOutcome.Done, Page, 0), uffd.ZeroPage(memory.Address, Page));
        uffd.Unregister(memory.Address, Page);
    }

    [Fact]
    public void Continue_with_WriteProtect_mode_on_a_Minor_only_range_names_the_registration()
    {
        using UffdMemory memory = UffdMemory.MapShared(Page);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { OptionalFeatures = UffdFeatures.MinorShmem, RevokeAccessOnClose = false });
        memory.AliasSpan(0, Page).Fill((byte)'m');
        uffd.Register(memory.Address, Page, RegisterMode.Minor);

        ArgumentAssert.Throws(() => uffd.Continue(memory.Address, Page, ContinueMode.WriteProtect), "mode",
            "UFFDIO_CONTINUE: ContinueMode.WriteProtect needs the range registered with RegisterMode.WriteProtect", "it is registered with Minor");

        // Still unmapped: the plain CONTINUE maps the page-cache page (read before this succeeds would block).
        Assert.Equal(new UffdResult(UffdOutcome.Done, Page, 0), uffd.Continue(memory.Address, Page));
        Assert.All(memory.AsSpan(0, Page).ToArray(), b => Assert.Equal((byte)'m', b));
        uffd.Unregister(memory.Address, Page);
    }

    [Fact]
    public void Move_into_shmem_says_MOVE_works_only_on_private_anonymous_memory()
    {
        using UffdMemory shmem = UffdMemory.MapShared(Page);
        using UffdMemory source = UffdMemory.MapAnonymous(Page);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { OptionalFeatures = UffdFeatures.Move, RevokeAccessOnClose = false });
        source.AsSpan(0, Page).Fill((byte)'s');
        UffdRegistration registration = uffd.Register(shmem.Address, Page, RegisterMode.Missing);
        Assert.True(registration.Allows(UffdIoctls.Move), "shmem advertises MOVE although it cannot take it");

        ArgumentAssert.Throws(() => uffd.Move(shmem.Address, source.Address, Page), "destination",
            $"UFFDIO_MOVE works only on private anonymous memory; destination 0x{shmem.Address:x} is shared shmem memory");

        Assert.All(source.AsSpan(0, Page).ToArray(), b => Assert.Equal((byte)'s', b));
        Assert.Equal(new UffdResult(UffdOutcome.Done, Page, 0), uffd.ZeroPage(shmem.Address, Page));
        uffd.Unregister(shmem.Address, Page);
    }

    [Fact]
    public void Move_from_a_read_only_source_into_a_writable_destination_names_both_protections()
    {
        using UffdMemory destination = UffdMemory.MapAnonymous(Page);
        using UffdMemory source = UffdMemory.MapAnonymous(Page);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { OptionalFeatures = UffdFeatures.Move, RevokeAccessOnClose = false });
        source.AsSpan(0, Page).Fill((byte)'r');
        Assert.Equal(0, Libc.mprotect(source.Address, (nuint)Page, Libc.PROT_READ));
        uffd.Register(destination.Address, Page, RegisterMode.Missing);

        ArgumentAssert.Throws(() => uffd.Move(destination.Address, source.Address, Page), "source",
            $"the source 0x{source.Address:x} is mapped PROT_READ but the destination 0x{destination.Address:x} is mapped PROT_READ|PROT_WRITE",
            "same protection and flags, and both writable", "mprotect the source");

        Assert.All(source.AsSpan(0, Page).ToArray(), b => Assert.Equal((byte)'r', b));
        Assert.Equal(new UffdResult(UffdOutcome.Done, Page, 0), uffd.ZeroPage(destination.Address, Page));
        uffd.Unregister(destination.Address, Page);
    }
}
