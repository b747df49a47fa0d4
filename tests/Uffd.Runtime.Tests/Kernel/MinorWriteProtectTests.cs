using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>uffd-unit-tests "minor-wp": CONTINUE with MODE_WP maps the page write-protected, so the next write is a WP fault.</summary>
public sealed class MinorWriteProtectTests
{
    [Fact]
    public void A_page_continued_write_protected_raises_a_wp_fault_on_the_next_write()
    {
        using UffdMemory memory = UffdMemory.MapShared(Environment.SystemPageSize);
        int pageSize = memory.PageSize;
        memory.AliasSpan(0, pageSize).Fill(0x10);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            RequiredFeatures = UffdFeatures.MinorShmem | UffdFeatures.PageFaultFlagWP | UffdFeatures.WPHugetlbfsShmem | UffdFeatures.WPUnpopulated,
            RevokeAccessOnClose = false,
        });
        UffdRegistration registration = uffd.Register(memory.Address, memory.Length, RegisterMode.Minor | RegisterMode.WriteProtect);
        try
        {
            Assert.True(registration.Allows(UffdIoctls.Continue | UffdIoctls.WriteProtect));

            Faulter<byte> reader = Faulter.Run(() => Registered.ReadByte(memory.Address + 5), "minor reader");
            UffdMessage minor = Messages.Next(uffd);
            Assert.Equal(0x4UL, (ulong)minor.PageFault.Flags);
            Assert.Equal(memory.Address, minor.PageFault.Address);
            memory.AliasSpan(0, pageSize).Fill(0x20);
            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0),
                uffd.Continue(memory.Address, pageSize, ContinueMode.WriteProtect));
            Assert.Equal(0x20, reader.Join());

            Faulter<int> writer = Faulter.Run(() =>
            {
                Registered.WriteByte(memory.Address + 7, 0x99);
                return 0;
            }, "wp writer");
            UffdMessage wp = Messages.Next(uffd);
            Assert.Equal(0x3UL, (ulong)wp.PageFault.Flags);
            Assert.Equal(memory.Address, wp.PageFault.Address);
            Assert.True(writer.IsAlive);
            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), uffd.RemoveWriteProtection(memory.Address, pageSize));
            writer.Join();

            Assert.Equal(0x99, memory.AliasSpan(7, 1)[0]);
            Assert.Equal(0x20, memory.AliasSpan(8, 1)[0]);
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
