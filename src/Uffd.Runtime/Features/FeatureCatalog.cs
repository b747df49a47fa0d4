using System;
using System.Collections.Generic;
using System.Text;

namespace Uffd;

/// <summary>Names and first kernel versions of the feature bits, for messages a user can act on.</summary>
public static class FeatureCatalog
{
    /// <summary>Every feature this runtime knows, lowest bit first.</summary>
    public static IReadOnlyList<UffdFeatures> Known { get; } = BuildKnown();

    /// <summary>All bits this runtime names.</summary>
    public const UffdFeatures KnownMask = (UffdFeatures)0x1FFFF;

    /// <summary>The uapi name of a single feature bit, for example <c>UFFD_FEATURE_MOVE</c>.</summary>
    public static string UapiName(UffdFeatures feature) => feature switch
    {
        UffdFeatures.PageFaultFlagWP => "UFFD_FEATURE_PAGEFAULT_FLAG_WP",
        UffdFeatures.EventFork => "UFFD_FEATURE_EVENT_FORK",
        UffdFeatures.EventRemap => "UFFD_FEATURE_EVENT_REMAP",
        UffdFeatures.EventRemove => "UFFD_FEATURE_EVENT_REMOVE",
        UffdFeatures.MissingHugetlbfs => "UFFD_FEATURE_MISSING_HUGETLBFS",
        UffdFeatures.MissingShmem => "UFFD_FEATURE_MISSING_SHMEM",
        UffdFeatures.EventUnmap => "UFFD_FEATURE_EVENT_UNMAP",
        UffdFeatures.Sigbus => "UFFD_FEATURE_SIGBUS",
        UffdFeatures.ThreadId => "UFFD_FEATURE_THREAD_ID",
        UffdFeatures.MinorHugetlbfs => "UFFD_FEATURE_MINOR_HUGETLBFS",
        UffdFeatures.MinorShmem => "UFFD_FEATURE_MINOR_SHMEM",
        UffdFeatures.ExactAddress => "UFFD_FEATURE_EXACT_ADDRESS",
        UffdFeatures.WPHugetlbfsShmem => "UFFD_FEATURE_WP_HUGETLBFS_SHMEM",
        UffdFeatures.WPUnpopulated => "UFFD_FEATURE_WP_UNPOPULATED",
        UffdFeatures.Poison => "UFFD_FEATURE_POISON",
        UffdFeatures.WPAsync => "UFFD_FEATURE_WP_ASYNC",
        UffdFeatures.Move => "UFFD_FEATURE_MOVE",
        _ => Unnamed(feature),
    };

    /// <summary>The Linux version that first reported a single feature bit.</summary>
    public static string SinceKernel(UffdFeatures feature) => feature switch
    {
        UffdFeatures.PageFaultFlagWP => "5.10",
        UffdFeatures.EventFork or UffdFeatures.EventRemap or UffdFeatures.EventRemove
            or UffdFeatures.MissingHugetlbfs or UffdFeatures.MissingShmem or UffdFeatures.EventUnmap => "4.11",
        UffdFeatures.Sigbus or UffdFeatures.ThreadId => "4.14",
        UffdFeatures.MinorHugetlbfs => "5.13",
        UffdFeatures.MinorShmem => "5.14",
        UffdFeatures.ExactAddress => "5.18",
        UffdFeatures.WPHugetlbfsShmem => "5.19",
        UffdFeatures.WPUnpopulated => "6.4",
        UffdFeatures.Poison => "6.6",
        UffdFeatures.WPAsync => "6.7",
        UffdFeatures.Move => "6.8",
        _ => "a kernel newer than this runtime knows",
    };

    /// <summary>Each set bit of <paramref name="features"/>, lowest first, unknown bits included.</summary>
    public static IEnumerable<UffdFeatures> Split(UffdFeatures features)
    {
        ulong bits = (ulong)features;
        for (int bit = 0; bit < 64; bit++)
        {
            ulong mask = 1UL << bit;
            if ((bits & mask) != 0)
            {
                yield return (UffdFeatures)mask;
            }
        }
    }

    /// <summary>"UFFD_FEATURE_MOVE (Linux 6.8), …" for a set of features.</summary>
    public static string Describe(UffdFeatures features)
    {
        if (features == UffdFeatures.None)
        {
            return "none";
        }

        var text = new StringBuilder();
        foreach (UffdFeatures feature in Split(features))
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            if ((feature & ~KnownMask) != 0)
            {
                // "(Linux a kernel newer than …)" reads badly, and the bit has no version to quote.
                text.Append(Unnamed(feature).TrimEnd(')'))
                    .Append("; unknown to this runtime, so it needs a newer kernel than Linux ").Append(CompleteAsOf).Append(')');
                continue;
            }

            text.Append(UapiName(feature)).Append(" (Linux ").Append(SinceKernel(feature)).Append(')');
        }

        return text.ToString();
    }

    /// <summary>The kernel release whose feature bits this catalog names completely.</summary>
    private const string CompleteAsOf = "6.18";

    /// <summary>"feature bit 20 (0x100000)": the bit number is what a user looks up in a newer kernel's header.</summary>
    private static string Unnamed(UffdFeatures feature)
    {
        ulong bits = (ulong)feature;
        return System.Numerics.BitOperations.PopCount(bits) == 1
            ? $"feature bit {System.Numerics.BitOperations.Log2(bits)} (0x{bits:x})"
            : $"features 0x{bits:x}";
    }

    private static UffdFeatures[] BuildKnown()
    {
        var known = new UffdFeatures[17];
        for (int bit = 0; bit < known.Length; bit++)
        {
            known[bit] = (UffdFeatures)(1UL << bit);
        }

        return known;
    }
}
