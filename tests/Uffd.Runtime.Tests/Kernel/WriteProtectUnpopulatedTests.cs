using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// uffd-unit-tests "wp-unpopulated": on anonymous memory, WRITEPROTECT protects never-touched pages (with a PTE
/// marker visible as pagemap bit 57) only when WP_UNPOPULATED is enabled.
/// </summary>
public sealed class WriteProtectUnpopulatedTests
{
    [Fact]
    public void With_wp_unpopulated_a_write_to_a_never_touched_protected_page_raises_a_wp_fault()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(pageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            RequiredFeatures = UffdFeatures.PageFaultFlagWP | UffdFeatures.WPUnpopulated,
            RevokeAccessOnClose = false,
        });
        uffd.Register(memory.Address, memory.Length, RegisterMode.WriteProtect);
        try
        {
            Assert.False(RawPagemap.IsUffdWriteProtected(memory.Address));
            Assert.True(uffd.WriteProtect(memory.Address, pageSize).IsDone);
            Assert.True(RawPagemap.IsUffdWriteProtected(memory.Address), "WP_UNPOPULATED must leave a uffd-wp marker on the empty PTE");

            Faulter<int> writer = Faulter.Run(() =>
            {
                Registered.WriteByte(memory.Address, 0x77);
                return 0;
            }, "wp writer");
            UffdMessage message = Messages.Next(uffd);
            Assert.Equal(UffdEventKind.PageFault, message.Kind);
            Assert.Equal(0x3UL, (ulong)message.PageFault.Flags);
            Assert.Equal(memory.Address, message.PageFault.Address);
            Assert.True(writer.IsAlive);

            Assert.True(uffd.RemoveWriteProtection(memory.Address, pageSize).IsDone);
            Assert.False(RawPagemap.IsUffdWriteProtected(memory.Address), "unprotecting must clear the uffd-wp bit");
            writer.Join();
            Assert.Equal(0x77, memory.AsSpan(0, 1)[0]);
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    [Fact]
    public void Without_wp_unpopulated_a_never_touched_protected_page_is_not_protected()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(pageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            RequiredFeatures = UffdFeatures.PageFaultFlagWP,
            RevokeAccessOnClose = false,
        });
        Assert.Equal(UffdFeatures.None, uffd.EnabledFeatures & UffdFeatures.WPUnpopulated);
        uffd.Register(memory.Address, memory.Length, RegisterMode.WriteProtect);
        try
        {
            Assert.True(uffd.WriteProtect(memory.Address, pageSize).IsDone);
            Assert.False(RawPagemap.IsUffdWriteProtected(memory.Address), "an empty PTE carries no uffd-wp bit without WP_UNPOPULATED");

            // No handler runs: if the write raised a WP fault it would stay blocked and Join would fail.
            Faulter.Run(() =>
            {
                Registered.WriteByte(memory.Address, 0x77);
                return 0;
            }, "unprotected writer").Join();

            Assert.Equal(0x77, memory.AsSpan(0, 1)[0]);
            Assert.True(Messages.NoneWithin(uffd, 0));
            Assert.False(RawPagemap.IsUffdWriteProtected(memory.Address));
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
