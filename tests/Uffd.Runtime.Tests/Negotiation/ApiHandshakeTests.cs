using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd.Runtime.Tests.Negotiation;

/// <summary>
/// UFFDIO_API succeeds once per descriptor (the man page's "call it twice" example is wrong on current kernels),
/// which is why the runtime probes supported features on a temporary uffd and not on the one it returns.
/// </summary>
public sealed unsafe class ApiHandshakeTests
{
    [Theory]
    [InlineData(0x0UL)]
    [InlineData(0x100UL)]
    public void A_second_UFFDIO_API_on_a_runtime_uffd_fails_with_EINVAL_and_changes_nothing(ulong features)
    {
        using UffdMemory memory = UffdMemory.MapAnonymous(Environment.SystemPageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RequiredFeatures = UffdFeatures.ThreadId, RevokeAccessOnClose = false });

        var api = new UffdioApi { Api = UffdAbi.UFFD_API, Features = features };
        int result = Libc.ioctl(uffd.Handle, UffdAbi.UFFDIO_API, &api);
        int errno = Marshal.GetLastPInvokeError();

        Assert.Equal((-1, Errno.EINVAL), (result, errno));
        // On refusal the kernel zeroes the whole struct: nothing to learn from it.
        Assert.Equal((0UL, 0UL, 0UL), (api.Api, api.Features, api.Ioctls));
        Assert.Equal(UffdFeatures.ThreadId, uffd.ReadFdInfo().Features);

        // The first handshake still stands: the uffd works.
        UffdRegistration registration = uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);
        Assert.True(registration.Allows(UffdIoctls.Copy));
        Assert.True(uffd.ZeroPage(memory.Address, memory.Length).IsDone);
        uffd.Unregister(memory.Address, memory.Length);
    }

    [Fact]
    public void Probing_with_UFFDIO_API_consumes_the_descriptor_so_it_could_not_enable_features_afterwards()
    {
        using var raw = new RawUffd();
        (int probe, _, UffdioApi supported) = raw.Api(0);
        Assert.Equal(0, probe);
        Assert.Equal((ulong)Userfaultfd.QuerySupportedFeatures(), supported.Features);
        Assert.Equal((ulong)(UffdIoctls.Api | UffdIoctls.Register | UffdIoctls.Unregister), supported.Ioctls);

        (int second, int errno, _) = raw.Api((ulong)UffdFeatures.ThreadId);
        Assert.Equal((-1, Errno.EINVAL), (second, errno));
        Assert.Equal(UffdFeatures.None, Fdinfo(raw.Fd));
    }

    [Fact]
    public void A_refused_UFFDIO_API_leaves_the_descriptor_uninitialised_so_it_can_be_asked_again()
    {
        using var raw = new RawUffd();
        (int refused, int errno, UffdioApi zeroed) = raw.Api((ulong)UffdFeatures.ThreadId | 1UL << 17);
        Assert.Equal((-1, Errno.EINVAL), (refused, errno));
        Assert.Equal(0UL, zeroed.Features);

        (int accepted, _, _) = raw.Api((ulong)UffdFeatures.ThreadId);
        Assert.Equal(0, accepted);
        Assert.Equal(UffdFeatures.ThreadId, Fdinfo(raw.Fd));
    }

    private static UffdFeatures Fdinfo(int fd) => UffdFdInfoFile.ReadOnce(fd).Features;
}
