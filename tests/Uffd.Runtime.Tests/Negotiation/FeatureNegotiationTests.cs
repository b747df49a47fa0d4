namespace Uffd.Runtime.Tests.Negotiation;

/// <summary>
/// Create() probes the kernel on a temporary uffd, then calls UFFDIO_API exactly once with (required | optional) ∩
/// supported. The fdinfo API line shows the context's features, so it proves which bits reached the kernel.
/// </summary>
public sealed class FeatureNegotiationTests
{
    private const UffdFeatures UnknownBit40 = (UffdFeatures)(1UL << 40);

    private static readonly UffdFeatures Supported = Userfaultfd.QuerySupportedFeatures();

    [Fact]
    public void Supported_features_are_what_a_raw_UFFDIO_API_probe_reports()
    {
        ulong probed;
        using (var raw = new RawUffd())
        {
            (int result, int errno, var api) = raw.Api(0);
            Assert.Equal((0, 0), (result, errno));
            probed = api.Features;
        }

        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });
        Assert.Equal((UffdFeatures)probed, uffd.SupportedFeatures);
        Assert.Equal((UffdFeatures)probed, Userfaultfd.QuerySupportedFeatures());
        Assert.Equal((UffdFeatures)probed, Userfaultfd.QuerySupportedFeatures(UserModeOnlyPolicy.Require));

        // The suite targets Linux 6.8+ (MOVE); on 6.18 the probe reports exactly the 17 bits the runtime names.
        Assert.Equal(FeatureCatalog.KnownMask, (UffdFeatures)probed & FeatureCatalog.KnownMask);
    }

    [Theory]
    [InlineData(0x0UL, 0x0UL)]
    [InlineData(0x100UL, 0x800UL)] // ThreadId required, ExactAddress optional
    [InlineData(0x0UL, 0x4dUL)] // PageFaultFlagWP | EventRemap | EventRemove | EventUnmap
    [InlineData(0x420UL, 0x14000UL)] // MissingShmem | MinorShmem required, Poison | Move optional
    [InlineData(0x1210UL, 0x80UL)] // MissingHugetlbfs | MinorHugetlbfs | WPHugetlbfsShmem, Sigbus optional
    [InlineData(0x0UL, 0x1ffffUL)] // everything; EventFork only with CAP_SYS_PTRACE (root), dropped without it (nobody)
    public void Enabled_features_are_the_requested_supported_bits_and_fdinfo_shows_exactly_them(ulong required, ulong optional)
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            RequiredFeatures = (UffdFeatures)required,
            OptionalFeatures = (UffdFeatures)optional,
            RevokeAccessOnClose = false,
        });

        UffdFeatures expected = (UffdFeatures)(required | optional) & Supported;
        if (!KernelInfo.HasCapSysPtrace)
        {
            // The kernel refuses EVENT_FORK without CAP_SYS_PTRACE; optional, the runtime asks again without it.
            expected &= ~UffdFeatures.EventFork;
        }

        if ((expected & UffdFeatures.WPAsync) != 0)
        {
            expected |= UffdFeatures.WPUnpopulated;
        }

        Assert.Equal(expected, uffd.EnabledFeatures);
        Assert.Equal(expected, uffd.ReadFdInfo().Features);
        Assert.Equal(UffdIoctls.Api | UffdIoctls.Register | UffdIoctls.Unregister, uffd.ApiIoctls);
    }

    [Theory]
    [InlineData(0x0UL)]
    [InlineData(0x100UL)] // with ThreadId: fdinfo reads 8000a100 on 6.18
    public void WPAsync_implies_WPUnpopulated_in_EnabledFeatures_and_in_the_kernel(ulong alongside)
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            OptionalFeatures = UffdFeatures.WPAsync | (UffdFeatures)alongside,
            RevokeAccessOnClose = false,
        });

        UffdFeatures expected = UffdFeatures.WPAsync | UffdFeatures.WPUnpopulated | (UffdFeatures)alongside;
        Assert.Equal(expected, uffd.EnabledFeatures);
        Assert.Equal(expected, uffd.ReadFdInfo().Features);
    }

    [Theory]
    [InlineData(17)] // claimed by competing unmerged series; 6.18 answers EINVAL if asked
    [InlineData(40)]
    [InlineData(63)]
    public void An_unknown_optional_bit_is_dropped_before_UFFDIO_API(int bit)
    {
        var unknown = (UffdFeatures)(1UL << bit);
        Assert.Equal(UffdFeatures.None, Supported & unknown);

        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            RequiredFeatures = UffdFeatures.ThreadId,
            OptionalFeatures = UffdFeatures.ThreadId | unknown,
            RevokeAccessOnClose = false,
        });

        Assert.Equal(UffdFeatures.ThreadId, uffd.EnabledFeatures);
        Assert.Equal(UffdFeatures.ThreadId, uffd.ReadFdInfo().Features);
    }

    [Fact]
    public void An_unknown_required_bit_throws_naming_the_bit_and_a_newer_kernel()
    {
        var e = Assert.Throws<UffdFeatureNotSupportedException>(() => Userfaultfd.Create(new UffdOptions
        {
            RequiredFeatures = UffdFeatures.ThreadId | UnknownBit40,
            OptionalFeatures = UffdFeatures.Move,
            RevokeAccessOnClose = false,
        }));

        Assert.Equal(UnknownBit40, e.MissingFeatures);
        Assert.Equal(Supported, e.SupportedFeatures);
        Assert.Equal(0, e.Errno);
        Assert.Contains("does not support feature bit 40 (0x10000000000; unknown to this runtime, so it needs a newer kernel than Linux 6.18)", e.Message);
        Assert.DoesNotContain("THREAD_ID", e.Message);
        Assert.Contains(KernelInfo.Release, e.Message);
    }

    [Fact]
    [Trait("Requires", "root")] // EVENT_FORK needs CAP_SYS_PTRACE.
    public void EventFork_can_be_required_with_CAP_SYS_PTRACE()
    {
        Assert.True(KernelInfo.HasCapSysPtrace, "the suite runs as root: CAP_SYS_PTRACE must be in the effective set");

        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            RequiredFeatures = UffdFeatures.EventFork,
            RevokeAccessOnClose = false,
        });

        Assert.Equal(UffdFeatures.EventFork, uffd.EnabledFeatures);
        Assert.Equal(UffdFeatures.EventFork, uffd.ReadFdInfo().Features);
    }
}
