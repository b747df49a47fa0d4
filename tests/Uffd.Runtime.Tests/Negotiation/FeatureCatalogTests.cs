using System.Runtime.InteropServices;

namespace Uffd.Runtime.Tests.Negotiation;

/// <summary>
/// Feature names and versions a user reads in error messages, and the rule that bits the runtime does not name
/// (a newer kernel's) are carried as they are, never rejected or lost.
/// </summary>
public sealed class FeatureCatalogTests
{
    // Bit 0 is reported since 5.10, although WP registration exists since 5.7.
    [Theory]
    [InlineData(0, "UFFD_FEATURE_PAGEFAULT_FLAG_WP", "5.10")]
    [InlineData(1, "UFFD_FEATURE_EVENT_FORK", "4.11")]
    [InlineData(2, "UFFD_FEATURE_EVENT_REMAP", "4.11")]
    [InlineData(3, "UFFD_FEATURE_EVENT_REMOVE", "4.11")]
    [InlineData(4, "UFFD_FEATURE_MISSING_HUGETLBFS", "4.11")]
    [InlineData(5, "UFFD_FEATURE_MISSING_SHMEM", "4.11")]
    [InlineData(6, "UFFD_FEATURE_EVENT_UNMAP", "4.11")]
    [InlineData(7, "UFFD_FEATURE_SIGBUS", "4.14")]
    [InlineData(8, "UFFD_FEATURE_THREAD_ID", "4.14")]
    [InlineData(9, "UFFD_FEATURE_MINOR_HUGETLBFS", "5.13")]
    [InlineData(10, "UFFD_FEATURE_MINOR_SHMEM", "5.14")]
    [InlineData(11, "UFFD_FEATURE_EXACT_ADDRESS", "5.18")]
    [InlineData(12, "UFFD_FEATURE_WP_HUGETLBFS_SHMEM", "5.19")]
    [InlineData(13, "UFFD_FEATURE_WP_UNPOPULATED", "6.4")]
    [InlineData(14, "UFFD_FEATURE_POISON", "6.6")]
    [InlineData(15, "UFFD_FEATURE_WP_ASYNC", "6.7")]
    [InlineData(16, "UFFD_FEATURE_MOVE", "6.8")]
    public void Each_known_bit_has_its_uapi_name_and_first_kernel(int bit, string name, string since)
    {
        var feature = (UffdFeatures)(1UL << bit);
        Assert.Equal(name, FeatureCatalog.UapiName(feature));
        Assert.Equal(since, FeatureCatalog.SinceKernel(feature));
        Assert.Equal($"{name} (Linux {since})", FeatureCatalog.Describe(feature));
        Assert.Equal(feature, FeatureCatalog.Known[bit]);
    }

    [Fact]
    public void Known_lists_the_17_bits_of_Linux_6_18_lowest_first()
    {
        Assert.Equal(Enumerable.Range(0, 17).Select(b => (UffdFeatures)(1UL << b)), FeatureCatalog.Known);
        Assert.Equal((UffdFeatures)0x1ffff, FeatureCatalog.KnownMask);
        Assert.Equal(FeatureCatalog.KnownMask, FeatureCatalog.Known.Aggregate(UffdFeatures.None, (all, f) => all | f));
    }

    [Fact]
    public void Unknown_feature_bits_round_trip_and_are_split_and_described()
    {
        var bit20 = (UffdFeatures)(1UL << 20);
        Assert.Equal(1UL << 20, (ulong)bit20);
        Assert.Equal(bit20, (UffdFeatures)(ulong)bit20);

        UffdFeatures mixed = UffdFeatures.Move | bit20 | (UffdFeatures)(1UL << 63) | UffdFeatures.PageFaultFlagWP;
        Assert.Equal(
            new[] { UffdFeatures.PageFaultFlagWP, UffdFeatures.Move, bit20, (UffdFeatures)(1UL << 63) },
            FeatureCatalog.Split(mixed));

        Assert.Equal("feature bit 20 (0x100000)", FeatureCatalog.UapiName(bit20));
        string described = FeatureCatalog.Describe(mixed);
        Assert.Equal(
            "UFFD_FEATURE_PAGEFAULT_FLAG_WP (Linux 5.10), UFFD_FEATURE_MOVE (Linux 6.8), " +
            "feature bit 20 (0x100000; unknown to this runtime, so it needs a newer kernel than Linux 6.18), " +
            "feature bit 63 (0x8000000000000000; unknown to this runtime, so it needs a newer kernel than Linux 6.18)",
            described);
        Assert.Equal("none", FeatureCatalog.Describe(UffdFeatures.None));
    }

    [Fact]
    public void Unknown_event_codes_and_fault_flags_survive_decoding()
    {
        byte[] raw = new byte[32];
        raw[0] = 0x20;
        UffdMessage unknownEvent = MemoryMarshal.Read<UffdMessage>(raw);
        Assert.Equal((UffdEventKind)0x20, unknownEvent.Kind);
        Assert.False(unknownEvent.IsKnownKind);
        Assert.Equal("Unknown event 0x20", unknownEvent.ToString());

        raw[0] = (byte)UffdEventKind.PageFault;
        MemoryMarshal.Write(raw.AsSpan(8), (ulong)(PageFaultFlags.Write | (PageFaultFlags)(1UL << 3)));
        PageFaultEvent fault = MemoryMarshal.Read<UffdMessage>(raw).PageFault;
        Assert.Equal(PageFaultFlags.Write | (PageFaultFlags)(1UL << 3), fault.Flags);
        Assert.True(fault.IsWrite);
        Assert.True(fault.IsMissing);
    }
}
