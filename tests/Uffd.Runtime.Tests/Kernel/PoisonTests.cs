using System.Runtime.InteropServices;
using Uffd.Interop;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>
/// uffd-unit-tests "poison": poisoned pages fail every access (SIGBUS for user mode, EFAULT for kernel mode) until
/// a COPY replaces the marker. User-mode SIGBUS is only observed in a child process that runs no managed code.
/// </summary>
public sealed unsafe class PoisonTests
{
    private const int Pages = 4;

    [Fact]
    public void Even_pages_poisoned_odd_pages_copied_then_kernel_access_to_poison_gets_efault_and_copy_replaces_it()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(Pages * pageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        UffdRegistration registration = uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        int[] pipe = new int[2];
        try
        {
            Assert.True(registration.Allows(UffdIoctls.Poison));
            byte[] zeros = new byte[pageSize];
            for (int i = 0; i < Pages; i++)
            {
                nint page = memory.Address + i * pageSize;
                UffdResult result = i % 2 == 0 ? uffd.Poison(page, pageSize) : uffd.Copy(page, zeros);
                Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), result);
            }

            fixed (int* fds = pipe)
            {
                Assert.Equal(0, TestLibc.pipe2(fds, TestLibc.O_CLOEXEC));
            }

            for (int i = 0; i < Pages; i++)
            {
                nint written = TestLibc.write(pipe[1], memory.Address + i * pageSize, 1);
                if (i % 2 == 0)
                {
                    Assert.Equal(-1, written);
                    Assert.Equal(TestLibc.EFAULT, Marshal.GetLastPInvokeError());
                }
                else
                {
                    Assert.Equal(1, written);
                    Assert.True(memory.AsSpan((long)i * pageSize, pageSize).ToArray().All(b => b == 0), $"copied page {i} must read zero");
                }
            }

            Assert.Equal(new UffdResult(UffdOutcome.AlreadyPresent, 0, Errno.EEXIST), uffd.Poison(memory.Address + pageSize, pageSize));

            byte[] content = Enumerable.Repeat((byte)0x6b, pageSize).ToArray();
            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), uffd.Copy(memory.Address, content));
            Assert.Equal(1, TestLibc.write(pipe[1], memory.Address, 1));
            Assert.True(memory.AsSpan(0, pageSize).ToArray().All(b => b == 0x6b));
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
            foreach (int fd in pipe.Where(fd => fd > 0))
            {
                TestLibc.close(fd);
            }
        }
    }

    [Fact]
    public void A_user_mode_read_of_a_poisoned_page_kills_a_native_child_with_sigbus()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(2 * pageSize);
        // The child must inherit the mapping to meet the poison marker; UffdMemory keeps it out of forks otherwise.
        memory.InheritOnFork();
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            // The copied page gives the mapping an anon_vma, so fork copies its page table, poison marker included.
            Assert.True(uffd.Copy(memory.Address + pageSize, new byte[pageSize]).IsDone);
            Assert.True(uffd.Poison(memory.Address, pageSize).IsDone);

            using ClonedChild child = ClonedChild.StartStrlen(memory.Address);
            int status = child.Wait();
            Assert.True(TestLibc.WIFSIGNALED(status), $"the child must die from a signal; wait status 0x{status:x}");
            Assert.Equal(TestLibc.SIGBUS, TestLibc.WTERMSIG(status));
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
