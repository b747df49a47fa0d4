using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// EVENT_FORK: the child's copy of a registered range reports its faults on a new uffd carried by the FORK message.
/// The child is created by glibc clone without CLONE_VM and runs only strlen, so no managed code runs in it.
/// </summary>
[Trait("Requires", "root")] // EVENT_FORK needs CAP_SYS_PTRACE.
public sealed class ForkEventTests
{
    private const string ChildText = "served to the child";
    private const string ParentText = "parent";

    [Fact]
    public void A_forked_childs_fault_is_served_on_the_adopted_child_uffd_while_the_parent_page_stays_missing()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(pageSize);
        // UffdMemory keeps its mappings out of forks; a handler that serves the child opts back in.
        memory.InheritOnFork();
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = UffdFeatures.EventFork, RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            // The cloning thread blocks until the FORK event is read, so it cannot be the test thread.
            Faulter<ClonedChild> cloner = Faulter.Run(() => ClonedChild.StartStrlen(memory.Address), "clone");
            UffdMessage fork = Messages.Next(uffd);
            Assert.Equal(UffdEventKind.Fork, fork.Kind);
            using Userfaultfd child = uffd.AdoptForkedChild(fork);
            using ClonedChild process = cloner.Join();

            UffdMessage fault = Messages.Next(child);
            Assert.Equal(UffdEventKind.PageFault, fault.Kind);
            Assert.Equal(new PageFaultEvent(PageFaultFlags.None, memory.Address, 0), fault.PageFault);
            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), child.Copy(memory.Address, Page(ChildText, pageSize)));

            int status = process.Wait();
            Assert.True(TestLibc.WIFEXITED(status), $"the child must exit normally; wait status 0x{status:x}");
            Assert.Equal(ChildText.Length, TestLibc.WEXITSTATUS(status));
            Assert.True(Messages.NoneWithin(uffd, 0), "the child's fault must not reach the parent's uffd");

            Faulter<string> reader = Faulter.Run(() => System.Text.Encoding.ASCII.GetString(Registered.ReadBytes(memory.Address, ParentText.Length)));
            UffdMessage parentFault = Messages.Next(uffd);
            Assert.Equal(new PageFaultEvent(PageFaultFlags.None, memory.Address, 0), parentFault.PageFault);
            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), uffd.Copy(memory.Address, Page(ParentText, pageSize)));
            Assert.Equal(ParentText, reader.Join());
            Assert.Equal(0, uffd.ReadFdInfo().Total);
            Assert.Equal(0, child.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    private static byte[] Page(string text, int pageSize)
    {
        byte[] page = new byte[pageSize];
        System.Text.Encoding.ASCII.GetBytes(text, page);
        return page;
    }
}
