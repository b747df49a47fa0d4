using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Races;

namespace Uffd.Runtime.Tests.Lifetime;

/// <summary>
/// Faulters blocked on a uffd whose handler never resolves: the kernel lets them retry as ordinary faults once the
/// range stops being registered, which on anonymous memory means zero-filled pages.
/// </summary>
public sealed class CloseWhileFaultingTests
{
    private const int Pages = 4;

    [Fact]
    public void Unregistering_then_disposing_releases_every_blocked_faulter_with_zero_pages()
    {
        using FaultScope scope = FaultScope.Create(Pages);
        Faulter<byte[]>[] faulters = StartBlockedFaulters(scope);

        // The handler reads every message and resolves none: read-but-unresolved waiters count in Total only.
        Assert.Equal(Pages, scope.Uffd.ReadMessages(new UffdMessage[Pages * 2]));
        UffdFdInfo before = scope.FdInfo();
        Assert.Equal(0, before.Pending);
        Assert.Equal(Pages, before.Total);

        scope.Uffd.Unregister(scope.Memory.Address, scope.Memory.Length);
        Assert.True(Bounded.Until(() => scope.FdInfo().Total == 0), "UNREGISTER did not wake the waiters");
        scope.Uffd.Dispose();

        byte[] zeros = new byte[scope.PageSize];
        Assert.All(faulters, f => Assert.Equal(zeros, f.Join()));
        Assert.Equal(RegisterMode.None, VmaInfo.Find(scope.Page(0))!.RegisteredModes);
    }

    [Fact]
    public void Disposing_without_revocation_releases_every_blocked_faulter_with_zero_pages()
    {
        using FaultScope scope = FaultScope.Create(Pages);
        Faulter<byte[]>[] faulters = StartBlockedFaulters(scope);
        Assert.Equal(Pages, scope.FdInfo().Total);

        // No UNREGISTER: the kernel's release of the last reference unregisters and wakes everybody itself.
        scope.Uffd.Dispose();

        byte[] zeros = new byte[scope.PageSize];
        Assert.All(faulters, f => Assert.Equal(zeros, f.Join()));
        VmaInfo vma = VmaInfo.Find(scope.Page(0))!;
        Assert.Equal(RegisterMode.None, vma.RegisteredModes);
        Assert.Contains("rd", vma.VmFlags);
    }

    private static Faulter<byte[]>[] StartBlockedFaulters(FaultScope scope)
    {
        Faulter<byte[]>[] faulters = Enumerable.Range(0, Pages)
            .Select(page => scope.Run(() => scope.ReadPage(page), $"faulter {page}"))
            .ToArray();
        Assert.True(Bounded.Until(() => scope.FdInfo() is { Pending: Pages, Total: Pages }), "the faults were not all queued");
        Assert.All(faulters, f => Assert.True(f.IsAlive));
        return faulters;
    }
}
