using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>hugetlbfs: the mapping's page size is the huge page size, for registration, fault addresses and COPY.</summary>
[Trait("Requires", "root")] // HugePageReservation raises vm.nr_hugepages, which only root may write.
public sealed class HugetlbTests : IClassFixture<HugePageReservation>
{
    private const int HugePage = 2 * 1024 * 1024;

    [Fact]
    public void Hugetlb_memory_reports_the_huge_page_size_of_its_mapping()
    {
        using UffdMemory memory = UffdMemory.MapHugetlb(HugePage);
        Assert.Equal(HugePage, memory.PageSize);
        Assert.Equal(memory.PageSize, VmaInfo.Find(memory.Address)!.KernelPageSize);
    }

    [Fact]
    public void Missing_registration_allows_only_wake_copy_and_poison()
    {
        using UffdMemory memory = UffdMemory.MapHugetlb(HugePage);
        UffdIoctls ioctls = RegisterIoctlsTests.RegisterOnce(memory, RegisterMode.Missing);
        Assert.Equal(0x10cUL, (ulong)ioctls);
        Assert.Equal(UffdIoctls.None, ioctls & (UffdIoctls.ZeroPage | UffdIoctls.Move));
    }

    [Fact]
    public void A_missing_fault_arrives_huge_page_aligned_and_is_resolved_by_one_huge_copy()
    {
        using UffdMemory memory = UffdMemory.MapHugetlb(HugePage);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            Faulter<byte> reader = Faulter.Run(() => Registered.ReadByte(memory.Address + 0x12345));
            UffdMessage message = Messages.Next(uffd);
            Assert.Equal(UffdEventKind.PageFault, message.Kind);
            Assert.Equal(memory.Address, message.PageFault.Address);
            Assert.Equal(0, message.PageFault.Address % HugePage);

            // No huge zero page exists: the kernel rejects ZEROPAGE here (EINVAL, explained as an argument error).
            Assert.Throws<ArgumentException>(() => uffd.ZeroPage(memory.Address, HugePage));

            byte[] content = new byte[HugePage];
            for (int i = 0; i < content.Length; i++)
            {
                content[i] = (byte)(i >> 12);
            }

            Assert.Equal(new UffdResult(UffdOutcome.Done, HugePage, 0), uffd.Copy(memory.Address, content));
            Assert.Equal((byte)(0x12345 >> 12), reader.Join());
            Assert.True(memory.AsSpan(0, HugePage).SequenceEqual(content), "the huge page must hold exactly the copied bytes");
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
