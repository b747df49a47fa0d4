using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// The first half of the two-step handshake: UFFDIO_API(0) on a temporary uffd, which is then closed. UFFDIO_API
/// succeeds only once per descriptor, so probing on the real one would leave it unable to enable anything.
/// </summary>
internal static class FeatureProbe
{
    private static readonly object Gate = new();
    private static UffdFeatures? cached;

    /// <summary>The supported features, probed once per process.</summary>
    /// <param name="policy">The ladder to walk for the temporary uffd.</param>
    /// <param name="region">The region asking, named in the message when no uffd can be created; null for a plain uffd.</param>
    public static UffdFeatures Supported(UserModeOnlyPolicy policy, string? region = null)
    {
        lock (Gate)
        {
            if (cached is { } known)
            {
                return known;
            }

            (FileDescriptorHandle handle, _) = UffdOpener.Open(policy, region);
            using (handle)
            {
                cached = Probe(handle);
                return cached.Value;
            }
        }
    }

    internal static unsafe UffdFeatures Probe(FileDescriptorHandle handle)
    {
        var api = new UffdioApi { Api = UffdAbi.UFFD_API };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_API, &api) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UffdException($"Probing features with UFFDIO_API(0) failed: {Errno.Describe(errno)}.", errno);
        }

        return (UffdFeatures)api.Features;
    }
}
