namespace Uffd.Runtime.Tests.Arguments;

/// <summary>
/// hugetlbfs ranges pass the runtime's base-page checks but not the kernel's huge-page ones; the explanation must
/// quote the mapping's own page size. And hugetlbfs has no zero page.
/// </summary>
[Trait("Requires", "root")] // HugePageReservation raises vm.nr_hugepages, which only root may write.
public sealed class HugetlbArgumentTests : IClassFixture<HugePageReservation>, IDisposable
{
    private const int SmallPage = 4096;
    private readonly UffdMemory memory = UffdMemory.MapHugetlb(1);
    private readonly Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { OptionalFeatures = UffdFeatures.MissingHugetlbfs, RevokeAccessOnClose = false });

    public void Dispose()
    {
        uffd.Unregister(memory.Address, memory.Length);
        uffd.Dispose();
        memory.Dispose();
    }

    [Fact]
    public void The_mapping_uses_2_MiB_pages()
    {
        Assert.Equal(2 << 20, memory.PageSize);
        Assert.Equal(memory.PageSize, memory.Length);
        Assert.Equal(SmallPage, Environment.SystemPageSize);
    }

    [Fact]
    public void Registering_a_4_KiB_length_quotes_the_mappings_page_size()
    {
        ArgumentAssert.Throws(() => uffd.Register(memory.Address, SmallPage, RegisterMode.Missing), "length",
            $"length {SmallPage} is not a multiple of this mapping's page size (2048 KiB): the range is in shared hugetlbfs memory");
        Assert.Equal(RegisterMode.None, VmaInfo.Find(memory.Address)!.RegisteredModes);
    }

    [Fact]
    public void Registering_from_a_4_KiB_aligned_start_inside_a_huge_page_quotes_the_mappings_page_size()
    {
        ArgumentAssert.Throws(() => uffd.Register(memory.Address + SmallPage, memory.Length - SmallPage, RegisterMode.Missing), "start",
            $"start 0x{memory.Address + SmallPage:x} is not aligned to this mapping's page size (2048 KiB): it lies in shared hugetlbfs memory",
            "address & ~(0x200000 - 1)");
        Assert.Equal(RegisterMode.None, VmaInfo.Find(memory.Address)!.RegisteredModes);
    }

    [Fact]
    public void Copying_4_KiB_into_a_huge_page_quotes_the_mappings_page_size()
    {
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        ArgumentAssert.Throws(() => uffd.Copy(memory.Address, new byte[SmallPage]), "length",
            $"UFFDIO_COPY: length {SmallPage} is not a multiple of this mapping's page size (2048 KiB");

        AssertWholeHugePageCopies();
    }

    [Fact]
    public void ZeroPage_on_hugetlbfs_is_not_supported()
    {
        UffdRegistration registration = uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        Assert.False(registration.Allows(UffdIoctls.ZeroPage));

        ArgumentAssert.Throws(() => uffd.ZeroPage(memory.Address, memory.Length), "start",
            "UFFDIO_ZEROPAGE is not supported on hugetlbfs", "UFFDIO_COPY");

        AssertWholeHugePageCopies();
    }

    /// <summary>The rejected call left the huge page missing: a full-size COPY fills it.</summary>
    private void AssertWholeHugePageCopies()
    {
        byte[] content = new byte[memory.PageSize];
        content.AsSpan().Fill(0x68);
        Assert.Equal(new UffdResult(UffdOutcome.Done, memory.PageSize, 0), uffd.Copy(memory.Address, content));
        Assert.True(memory.AsSpan(0, memory.PageSize).SequenceEqual(content));
    }
}
