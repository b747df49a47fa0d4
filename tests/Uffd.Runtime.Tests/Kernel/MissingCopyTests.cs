using System.Runtime.InteropServices;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Kernel;

public sealed class MissingCopyTests
{
    [Fact]
    public void Each_missing_page_is_filled_by_copy_with_its_own_content()
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(8 * Environment.SystemPageSize);
        using Userfaultfd uffd = Userfaultfd.Create();
        UffdRegistration registration = uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        Assert.True(registration.Allows(UffdIoctls.Copy | UffdIoctls.Wake | UffdIoctls.ZeroPage));

        int pageSize = memory.PageSize;
        byte[] staging = new byte[pageSize];
        var faults = new List<PageFaultEvent>();
        using (new TestHandler(uffd, message =>
        {
            Assert.Equal(UffdEventKind.PageFault, message.Kind);
            PageFaultEvent fault = message.PageFault;
            lock (faults)
            {
                faults.Add(fault);
            }

            nint page = fault.PageStart(pageSize);
            staging.AsSpan().Fill((byte)('a' + (page - memory.Address) / pageSize));
            UffdResult result = uffd.Copy(page, staging);
            Assert.Equal(new UffdResult(UffdOutcome.Done, pageSize, 0), result);
        }))
        {
            string read = Faulter.Run(() =>
            {
                var text = new char[8];
                for (int i = 0; i < 8; i++)
                {
                    text[i] = (char)GcSafeMemory.ReadByte(memory.Address + i * pageSize + 100);
                }

                return new string(text);
            }).Join();

            Assert.Equal("abcdefgh", read);
        }

        Assert.Equal(8, faults.Count);
        Assert.All(faults, f => Assert.True(f.IsMissing && !f.IsWrite));
        Assert.Equal(0, uffd.ReadFdInfo().Total);
    }
}
