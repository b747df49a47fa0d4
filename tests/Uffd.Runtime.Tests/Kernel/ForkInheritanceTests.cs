using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// Every UffdMemory mapping is kept out of forked children (MADV_DONTFORK, VmFlag <c>dc</c>): a child's copy of a
/// registered range would be registered with no uffd and read zeros where the parent's handler never filled a page.
/// The children here are glibc clones that run only strlen, so no managed code runs in them.
/// </summary>
public sealed class ForkInheritanceTests
{
    [Fact]
    public void Anonymous_memory_is_not_inherited_by_forked_children()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(4 * Environment.SystemPageSize);
        AssertDontFork(memory.Address, memory.Length, "the anonymous mapping");
    }

    [Fact]
    public void Both_views_of_shared_memory_are_not_inherited_by_forked_children()
    {
        using UffdMemory memory = UffdMemory.MapShared(4 * Environment.SystemPageSize);
        AssertDontFork(memory.Address, memory.Length, "the registered view");
        AssertDontFork(memory.AliasAddress, memory.Length, "the alias");
    }

    [Fact]
    [Trait("Requires", "root")] // HugePageReservation raises vm.nr_hugepages, which only root may write.
    public void Hugetlb_views_shared_and_private_are_not_inherited_by_forked_children()
    {
        using HugePageReservation reservation = HugePageReservation.For(2);
        using UffdMemory shared = UffdMemory.MapHugetlb(1);
        AssertDontFork(shared.Address, shared.Length, "the shared hugetlbfs view");
        AssertDontFork(shared.AliasAddress, shared.Length, "the hugetlbfs alias");

        using UffdMemory priv = UffdMemory.MapHugetlb(1, shared: false);
        AssertDontFork(priv.Address, priv.Length, "the private hugetlbfs mapping");
    }

    [Fact]
    public void InheritOnFork_lets_children_inherit_both_views_again()
    {
        using UffdMemory memory = UffdMemory.MapShared(2 * Environment.SystemPageSize);
        memory.InheritOnFork();
        Assert.DoesNotContain("dc", Vma(memory.Address, memory.Length).VmFlags);
        Assert.DoesNotContain("dc", Vma(memory.AliasAddress, memory.Length).VmFlags);
    }

    [Fact]
    public void A_forked_child_touching_a_registered_page_the_handler_never_filled_gets_SIGSEGV_not_zeros()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(2 * pageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            // Page 1 is served in the parent, page 0 never: the child must see neither.
            byte[] text = new byte[pageSize];
            "parent"u8.CopyTo(text);
            Assert.True(uffd.Copy(memory.Address + pageSize, text).IsDone);

            foreach (nint address in new[] { memory.Address, memory.Address + pageSize })
            {
                using ClonedChild child = ClonedChild.StartStrlen(address);
                int status = child.Wait();
                Assert.True(TestLibc.WIFSIGNALED(status) && TestLibc.WTERMSIG(status) == TestLibc.SIGSEGV,
                    $"strlen at page {(address - memory.Address) / pageSize} in the child must die of SIGSEGV; wait status 0x{status:x}" +
                    (TestLibc.WIFEXITED(status) ? $" (it exited with {TestLibc.WEXITSTATUS(status)}: the child read the memory)" : ""));
            }

            Assert.Equal("parent", System.Text.Encoding.ASCII.GetString(Registered.ReadBytes(memory.Address + pageSize, 6)));
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    private static void AssertDontFork(nint start, long length, string what)
    {
        VmaInfo vma = Vma(start, length);
        Assert.True(vma.VmFlags.Contains("dc"), $"{what} must carry MADV_DONTFORK (VmFlag dc); its flags: {string.Join(' ', vma.VmFlags)}");
    }

    /// <summary>The one mapping that covers the whole range (adjacent mappings with the same flags merge).</summary>
    private static VmaInfo Vma(nint start, long length)
    {
        VmaInfo? vma = VmaInfo.Find(start);
        Assert.NotNull(vma);
        Assert.True(vma.Start <= start && start + (nint)length <= vma.End, $"[0x{start:x}, +{length}) is not inside one mapping");
        return vma;
    }
}
