using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// The alias of shared memory under a Missing registration: touching a page through it allocates the page in the
/// memfd, so the registered view never faults on it. That is why memory registered only for missing faults is mapped
/// with <c>alias: false</c> (as the region engine does for every mode but Minor).
/// </summary>
public sealed class SharedAliasTests
{
    [Fact]
    public void Through_the_alias_a_page_of_a_Missing_registration_is_allocated_as_zeros_and_never_faults()
    {
        using UffdMemory memory = UffdMemory.MapShared(Environment.SystemPageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = UffdFeatures.MissingShmem, RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            Assert.Equal(0, memory.AliasSpan(0, 1)[0]);

            // The read would wait for a handler if the page faulted; bounded, and nothing serves it.
            byte[] read = Faulter.Run(() => Registered.ReadBytes(memory.Address, 8)).Join();
            Assert.All(read, b => Assert.Equal(0, b));
            Assert.True(Messages.NoneWithin(uffd, 0), "the page touched through the alias must not fault");
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    [Fact]
    public void Without_an_alias_shared_memory_has_one_view_and_its_first_touch_faults()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapShared(pageSize, alias: false);
        Assert.Equal(0, memory.AliasAddress);
        var e = Assert.Throws<InvalidOperationException>(() => memory.AliasSpan(0, 1).Length);
        Assert.Equal("This SharedMemfd memory has no alias mapping: it was mapped with alias: false.", e.Message);

        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = UffdFeatures.MissingShmem, RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            Faulter<byte[]> reader = Faulter.Run(() => Registered.ReadBytes(memory.Address, 8));
            UffdMessage fault = Messages.Next(uffd);
            Assert.Equal(new PageFaultEvent(PageFaultFlags.None, memory.Address, 0), fault.PageFault);
            Assert.True(uffd.Copy(memory.Address, Enumerable.Repeat((byte)'s', pageSize).ToArray()).IsDone);
            Assert.All(reader.Join(), b => Assert.Equal((byte)'s', b));
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
