using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>uffd-unit-tests WP basics: writes to write-protected pages block until unprotected; reads never fault.</summary>
public sealed class WriteProtectTests
{
    private const int Pages = 4;

    [Fact]
    public void A_write_to_a_protected_page_blocks_as_a_wp_fault_until_unprotected_and_reads_never_fault()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(Pages * pageSize);
        for (int i = 0; i < Pages; i++)
        {
            memory.AsSpan((long)i * pageSize, pageSize).Fill((byte)(i + 1));
        }

        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        UffdRegistration registration = uffd.Register(memory.Address, memory.Length, RegisterMode.Missing | RegisterMode.WriteProtect);
        try
        {
            Assert.True(registration.Allows(UffdIoctls.WriteProtect));
            Assert.Equal(new UffdResult(UffdOutcome.Done, memory.Length, 0), uffd.WriteProtect(memory.Address, memory.Length));

            byte[] firstBytes = Faulter.Run(() => Enumerable.Range(0, Pages).Select(i => Registered.ReadByte(memory.Address + i * pageSize)).ToArray()).Join();
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, firstBytes);
            Assert.True(Messages.NoneWithin(uffd, 0), "a read of a write-protected page must not fault");

            nint target = memory.Address + 2 * pageSize;
            Faulter<int> writer = Faulter.Run(() =>
            {
                Registered.WriteByte(target + 10, 0xee);
                return 0;
            }, "wp writer");

            UffdMessage message = Messages.Next(uffd);
            Assert.Equal(UffdEventKind.PageFault, message.Kind);
            Assert.Equal(PageFaultFlags.Write | PageFaultFlags.WriteProtect, message.PageFault.Flags);
            Assert.Equal(0x3UL, (ulong)message.PageFault.Flags);
            Assert.Equal(target, message.PageFault.Address);
            Assert.True(writer.IsAlive, "the writer must wait for the handler");
            Assert.Equal(1, uffd.ReadFdInfo().Total);

            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), uffd.RemoveWriteProtection(target, pageSize));
            writer.Join();

            Assert.Equal(0xee, memory.AsSpan(2L * pageSize + 10, 1)[0]);
            Assert.Equal(3, memory.AsSpan(2L * pageSize, 1)[0]);
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
