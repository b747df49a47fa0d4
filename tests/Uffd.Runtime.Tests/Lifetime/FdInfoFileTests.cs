using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>
/// The region engine's Dispose reads the uffd's fdinfo through a descriptor opened at Open (at the fd limit it
/// could not open one then): read again and again, that descriptor must show the counters as they are now.
/// </summary>
public sealed class FdInfoFileTests
{
    [Fact]
    public void An_fdinfo_opened_once_reads_the_current_counters_every_time()
    {
        int pageSize = Environment.SystemPageSize;
        using UffdMemory memory = UffdMemory.MapAnonymous(pageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        using UffdFdInfoFile kept = uffd.OpenFdInfo();
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        try
        {
            Assert.Equal((0L, 0L), (kept.Read().Pending, kept.Read().Total));

            Faulter<byte> faulter = Faulter.Run(() => Registered.ReadByte(memory.Address));
            Assert.True(Bounded.Until(() => kept.Read().Pending == 1), $"the kept fdinfo never showed the fault: {kept.Read()}");
            Assert.Equal(1, kept.Read().Total);
            Assert.Equal(uffd.ReadFdInfo(), kept.Read());

            Assert.True(uffd.ZeroPage(memory.Address, memory.Length).IsDone);
            Assert.Equal(0, faulter.Join());
            Assert.Equal((0L, 0L), (kept.Read().Pending, kept.Read().Total));
        }
        finally
        {
            uffd.Unregister(memory.Address, memory.Length);
        }
    }
}
