using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Races;

namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>
/// What Dispose does to ranges still registered. Nothing here touches a revoked range: that would SIGSEGV the test
/// host (a child-process test covers the fault itself); the mapping's VmFlags in smaps show the protection instead.
/// </summary>
public sealed class RevocationTests
{
    [Fact]
    public void Dispose_revokes_access_to_ranges_still_registered_and_spares_unregistered_ones()
    {
        Assert.True(UffdOptions.Default.RevokeAccessOnClose);
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(4L * pageSize);
        nint kept = memory.Address;
        nint released = memory.Address + 2 * pageSize;
        // Disposed explicitly below; the using only guards a failed assertion from leaving revocation to the
        // finalizer, which could run after the memory is unmapped and its addresses reused.
        using Userfaultfd uffd = Userfaultfd.Create();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        uffd.Unregister(released, 2L * pageSize);
        Assert.Equal(RegisterMode.Missing, VmaInfo.Find(kept)!.RegisteredModes);

        uffd.Dispose();

        VmaInfo revoked = VmaInfo.Find(kept)!;
        // The revoked pages end where the unregistered ones begin; below, the kernel may merge them with a
        // neighbouring PROT_NONE mapping (another test's revoked range, a guard page), so only the start is a bound.
        Assert.True(revoked.Start <= kept, $"the revoked mapping starts at 0x{revoked.Start:x}, after 0x{kept:x}");
        Assert.Equal(released, revoked.End);
        Assert.DoesNotContain("rd", revoked.VmFlags);
        Assert.DoesNotContain("wr", revoked.VmFlags);
        Assert.Equal(RegisterMode.None, revoked.RegisteredModes);

        VmaInfo usable = VmaInfo.Find(released)!;
        Assert.Equal((released, memory.Address + (nint)memory.Length), (usable.Start, usable.End));
        Assert.Contains("rd", usable.VmFlags);
        Assert.Contains("wr", usable.VmFlags);
        AssertOrdinaryMemory(released, pageSize);
    }

    [Fact]
    public void Without_revocation_dispose_leaves_registered_ranges_accessible_as_ordinary_memory()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(2L * pageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        uffd.Dispose();

        VmaInfo vma = VmaInfo.Find(memory.Address)!;
        Assert.Contains("rd", vma.VmFlags);
        Assert.Contains("wr", vma.VmFlags);
        Assert.Equal(RegisterMode.None, vma.RegisteredModes);
        AssertOrdinaryMemory(memory.Address, pageSize);
    }

    [Fact]
    public void Dispose_spares_addresses_that_were_unmapped_and_reused_by_an_unregistered_mapping()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(2L * pageSize);
        using Userfaultfd uffd = Userfaultfd.Create();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        // MAP_FIXED replaces the registered mapping in one step: what an unmap followed by address reuse looks
        // like to the uffd, which gets no UNMAP event without EventUnmap.
        ReplaceMapping(memory.Address, memory.Length);
        Assert.Equal(RegisterMode.None, VmaInfo.Find(memory.Address)!.RegisteredModes);

        uffd.Dispose();

        VmaInfo vma = VmaInfo.Find(memory.Address)!;
        Assert.Contains("rd", vma.VmFlags);
        Assert.Contains("wr", vma.VmFlags);
        AssertOrdinaryMemory(memory.Address, pageSize);
    }

    [Fact]
    public void Dispose_spares_reused_addresses_that_another_uffd_registered()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(2L * pageSize);
        using Userfaultfd first = Userfaultfd.Create();
        first.Register(memory.Address, memory.Length, RegisterMode.Missing);
        ReplaceMapping(memory.Address, memory.Length);
        using Userfaultfd second = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        second.Register(memory.Address, memory.Length, RegisterMode.Missing);

        first.Dispose();

        VmaInfo vma = VmaInfo.Find(memory.Address)!;
        Assert.Contains("rd", vma.VmFlags);
        Assert.Contains("wr", vma.VmFlags);
        Assert.Equal(RegisterMode.Missing, vma.RegisteredModes);

        // The second uffd still serves the range: unregistering it succeeds and leaves ordinary memory.
        second.Unregister(memory.Address, memory.Length);
        AssertOrdinaryMemory(memory.Address, pageSize);
    }

    private static void ReplaceMapping(nint address, long length)
    {
        nint replaced = Uffd.Interop.Libc.mmap(address, (nuint)length, Uffd.Interop.Libc.PROT_READ | Uffd.Interop.Libc.PROT_WRITE,
            Uffd.Interop.Libc.MAP_PRIVATE | Uffd.Interop.Libc.MAP_ANONYMOUS | Uffd.Interop.Libc.MAP_FIXED, -1, 0);
        Assert.Equal(address, replaced);
    }

    /// <summary>Zero-filled on first touch, then writable: no uffd involved any more (a faulter keeps it bounded).</summary>
    private static void AssertOrdinaryMemory(nint page, int pageSize)
    {
        byte[] content = FaultScope.Pattern(0, pageSize, salt: 0x60);
        (byte[] first, byte[] afterWrite) = Faulter.Run(() =>
        {
            var read = new byte[pageSize];
            GcSafeMemory.Read(page, read);
            GcSafeMemory.Write(page, content);
            var again = new byte[pageSize];
            GcSafeMemory.Read(page, again);
            return (read, again);
        }).Join();
        Assert.Equal(new byte[pageSize], first);
        Assert.Equal(content, afterWrite);
    }
}
