using Uffd.Interop;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>uffd-unit-tests "zeropage": UFFDIO_ZEROPAGE resolves a missing fault with the shared zero page.</summary>
public sealed class ZeroPageTests
{
    [Fact]
    public void Zeropage_resolves_a_read_fault_refuses_a_second_time_and_a_later_write_cows_without_a_fault()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Environment.SystemPageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        int pageSize = memory.PageSize;
        UffdRegistration registration = uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            Assert.True(registration.Allows(UffdIoctls.ZeroPage));
            var faults = new List<PageFaultEvent>();
            UffdResult second = default;
            using (new TestHandler(uffd, message =>
            {
                Assert.Equal(UffdEventKind.PageFault, message.Kind);
                lock (faults)
                {
                    faults.Add(message.PageFault);
                }

                nint page = message.PageFault.PageStart(pageSize);
                Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), uffd.ZeroPage(page, pageSize));
                second = uffd.ZeroPage(page, pageSize);
            }))
            {
                byte[] read = Faulter.Run(() => Registered.ReadBytes(memory.Address, pageSize)).Join();
                Assert.All(read, b => Assert.Equal(0, b));

                // The zero page is mapped read-only: the write below is an ordinary COW, not a MISSING fault.
                Faulter.Run(() =>
                {
                    Registered.Fill(memory.Address, pageSize, 0x5a);
                    return 0;
                }).Join();
                Assert.All(memory.AsSpan(0, pageSize).ToArray(), b => Assert.Equal(0x5a, b));
            }

            Assert.Equal(new UffdResult(UffdOutcome.AlreadyPresent, 0, Errno.EEXIST), second);
            PageFaultEvent fault = Assert.Single(faults);
            Assert.Equal(PageFaultFlags.None, fault.Flags);
            Assert.Equal(memory.Address, fault.Address);
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
