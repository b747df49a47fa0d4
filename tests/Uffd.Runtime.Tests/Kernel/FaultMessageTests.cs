using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Kernel;

/// <summary>What a page-fault message carries: the thread id and the (masked or exact) address, per feature.</summary>
public sealed class FaultMessageTests
{
    private const int Offset = 0x123;

    [Fact]
    public void Thread_id_feature_reports_the_faulting_threads_tid()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(pageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = UffdFeatures.ThreadId, RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            Faulter<byte> reader = Faulter.Run(() => Registered.ReadByte(memory.Address));
            UffdMessage message = Messages.Next(uffd);
            Assert.Equal(reader.ThreadId, message.PageFault.ThreadId);
            Assert.NotEqual(Uffd.Interop.Libc.gettid(), message.PageFault.ThreadId);
            Assert.True(uffd.ZeroPage(memory.Address, pageSize).IsDone);
            Assert.Equal(0, reader.Join());
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fault_address_is_page_masked_unless_exact_address_is_enabled(bool exact)
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(2L * pageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            RequiredFeatures = exact ? UffdFeatures.ExactAddress : UffdFeatures.None,
            RevokeAccessOnClose = false,
        });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            nint page = memory.Address + pageSize;
            Faulter<byte> reader = Faulter.Run(() => Registered.ReadByte(page + Offset));
            PageFaultEvent fault = Messages.Next(uffd).PageFault;
            Assert.Equal(exact ? page + Offset : page, fault.Address);
            Assert.Equal(0, fault.ThreadId);
            Assert.Equal(page, fault.PageStart(pageSize));
            Assert.True(uffd.ZeroPage(page, pageSize).IsDone);
            Assert.Equal(0, reader.Join());
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }

    [Fact]
    public void One_read_returns_all_queued_faults_oldest_first()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(2L * pageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            Faulter<byte> first = Faulter.Run(() => Registered.ReadByte(memory.Address + pageSize), "first");
            Assert.True(Bounded.Until(() => uffd.ReadFdInfo().Pending == 1));
            Faulter<byte> second = Faulter.Run(() => Registered.ReadByte(memory.Address), "second");
            Assert.True(Bounded.Until(() => uffd.ReadFdInfo().Pending == 2));

            var buffer = new UffdMessage[4];
            Assert.Equal(2, uffd.ReadMessages(buffer));
            Assert.Equal(memory.Address + pageSize, buffer[0].PageFault.Address);
            Assert.Equal(memory.Address, buffer[1].PageFault.Address);
            Assert.Equal(0, uffd.ReadFdInfo().Pending);
            Assert.Equal(2, uffd.ReadFdInfo().Total);

            Assert.True(uffd.ZeroPage(memory.Address, memory.Length).IsDone);
            Assert.Equal(0, first.Join());
            Assert.Equal(0, second.Join());
            Assert.Equal(0, uffd.ReadFdInfo().Total);
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
