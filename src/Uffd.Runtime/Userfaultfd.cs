using System;
using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// A userfaultfd: created through the permission ladder, with its features negotiated once, and every ioctl of
/// Linux 6.8+ as a method. Resolution methods return a <see cref="UffdResult"/> instead of throwing; argument
/// errors throw <see cref="ArgumentException"/> with the rule that was broken.
/// </summary>
/// <remarks>
/// Dispose order: raise the <see cref="UffdShutdownSignal"/>, join the reader threads, then dispose this object,
/// then the memory. Disposing closes the uffd; ranges still registered at that point are made inaccessible first
/// (see <see cref="UffdOptions.RevokeAccessOnClose"/>), because the kernel would otherwise turn every pending and
/// future fault in them into a silent zero-filled page.
/// </remarks>
public sealed partial class Userfaultfd : IDisposable
{
    private static readonly int BasePageSize = Environment.SystemPageSize;

    private readonly UffdHandle handle;

    private Userfaultfd(UffdHandle handle, UffdCreationPath path, UffdFeatures supported, UffdFeatures enabled, UffdIoctls ioctls)
    {
        this.handle = handle;
        CreationPath = path;
        SupportedFeatures = supported;
        EnabledFeatures = enabled;
        ApiIoctls = ioctls;
    }

    /// <summary>The owned descriptor, for polling it with other descriptors. Do not close it yourself.</summary>
    public FileDescriptorHandle Handle => handle;

    /// <summary>Which rung of the permission ladder produced this uffd.</summary>
    public UffdCreationPath CreationPath { get; }

    /// <summary>True when faults raised in kernel mode (inside system calls) are not delivered: those calls get EFAULT.</summary>
    public bool IsUserModeOnly => CreationPath.IsUserModeOnly();

    /// <summary>Everything the running kernel supports (from the probe on a temporary uffd).</summary>
    public UffdFeatures SupportedFeatures { get; }

    /// <summary>
    /// What this uffd has enabled: the requested features the kernel supports, plus those the kernel implies
    /// (<see cref="UffdFeatures.WPAsync"/> implies <see cref="UffdFeatures.WPUnpopulated"/>).
    /// </summary>
    public UffdFeatures EnabledFeatures { get; }

    /// <summary>The ioctls UFFDIO_API reported for the descriptor itself (API, REGISTER, UNREGISTER).</summary>
    public UffdIoctls ApiIoctls { get; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => handle.IsClosed;

    /// <summary>
    /// Creates a uffd: walks the permission ladder, probes the kernel's features on a temporary uffd (once per
    /// process), requests <c>(required | optional) ∩ supported</c> and calls UFFDIO_API exactly once.
    /// </summary>
    /// <exception cref="UffdUnavailableException">No rung of the ladder worked; the message says why and how to fix it.</exception>
    /// <exception cref="UffdFeatureNotSupportedException">A required feature is missing; the message names it and its kernel version.</exception>
    /// <exception cref="UffdPermissionException">A required feature needs a privilege (EVENT_FORK needs CAP_SYS_PTRACE).</exception>
    /// <exception cref="UffdException">The process or the system is out of file descriptors (EMFILE: RLIMIT_NOFILE; ENFILE): the ladder stops there, since every rung needs one.</exception>
    public static Userfaultfd Create(UffdOptions? options = null) => Create(options, region: null);

    /// <summary><see cref="Create(UffdOptions?)"/> for a region, which the message names when no uffd can be created.</summary>
    internal static Userfaultfd Create(UffdOptions? options, string? region)
    {
        options ??= UffdOptions.Default;
        UffdFeatures supported = FeatureProbe.Supported(options.UserModeOnly, region);
        UffdFeatures missing = options.RequiredFeatures & ~supported;
        if (missing != UffdFeatures.None)
        {
            throw new UffdFeatureNotSupportedException(missing, supported);
        }

        UffdFeatures requested = (options.RequiredFeatures | options.OptionalFeatures) & supported;
        (FileDescriptorHandle raw, UffdCreationPath path) = UffdOpener.Open(options.UserModeOnly, region);
        var handle = new UffdHandle(raw, options.RevokeAccessOnClose);
        try
        {
            (UffdFeatures enabled, UffdIoctls ioctls) = Handshake(handle, requested, options.RequiredFeatures);
            return new Userfaultfd(handle, path, supported, enabled, ioctls);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes ownership of a uffd another process sent (<see cref="UffdSocket.Receive"/>): its registrations live in
    /// the sender's address space, so closing it revokes nothing here. A sender that already called UFFDIO_API (as
    /// Firecracker's VMM does) fixed the features, and they are read from fdinfo; the required ones of
    /// <paramref name="options"/> must be among them. An uninitialised one gets the handshake here, with
    /// <paramref name="options"/>. Nothing is probed: a handler process may not be allowed to create a uffd of its own,
    /// so <see cref="SupportedFeatures"/> is what the uffd has enabled.
    /// </summary>
    internal static Userfaultfd Adopt(int fd, UffdOptions? options)
    {
        options ??= UffdOptions.Default;
        var handle = new UffdHandle(fd);
        try
        {
            UffdFdInfo info;
            try
            {
                info = UffdFdInfoFile.ReadOnce(fd);
            }
            catch (UffdException e)
            {
                throw new UffdException($"The descriptor received ({fd}) is not a userfaultfd: {e.Message}", e.Errno);
            }

            if (!info.IsInitialized)
            {
                UffdFeatures requested = options.RequiredFeatures | options.OptionalFeatures;
                (UffdFeatures enabled, UffdIoctls ioctls) = Handshake(handle, requested, options.RequiredFeatures);
                return new Userfaultfd(handle, UffdCreationPath.Received, enabled, enabled, ioctls);
            }

            UffdFeatures missing = options.RequiredFeatures & ~info.Features;
            if (missing != UffdFeatures.None)
            {
                throw new UffdException(
                    $"The userfaultfd received was initialised by its sender without {missing} (it enabled {info.Features}); " +
                    "a uffd's features are fixed by its first UFFDIO_API: the sender must request them.");
            }

            return new Userfaultfd(handle, UffdCreationPath.Received, info.Features, info.Features, info.Ioctls);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>What the running kernel supports, probed once on a temporary uffd and cached.</summary>
    public static UffdFeatures QuerySupportedFeatures(UserModeOnlyPolicy policy = UserModeOnlyPolicy.Allow) =>
        FeatureProbe.Supported(policy);

    /// <summary>The kernel's per-uffd bookkeeping: unread faults and threads still waiting on a fault.</summary>
    /// <remarks>Opens <c>/proc/self/fdinfo/N</c> for each call, so it needs a free descriptor.</remarks>
    /// <exception cref="UffdException">The file could not be opened or read (EMFILE at the descriptor limit, ENOENT without /proc).</exception>
    public UffdFdInfo ReadFdInfo()
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return UffdFdInfoFile.ReadOnce(handle.DangerousGetFd());
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Opens this uffd's fdinfo to read it again later without a new descriptor (the region engine's Dispose).</summary>
    internal UffdFdInfoFile OpenFdInfo()
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return UffdFdInfoFile.Open(handle.DangerousGetFd());
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Closes the uffd. Ranges still registered are first made inaccessible (unless disabled in the options), so a
    /// thread still faulting there, or touching them later, gets SIGSEGV instead of a silently zero-filled page.
    /// Unregister ranges first to keep them usable as ordinary memory.
    /// </summary>
    public void Dispose() => handle.Dispose();

    /// <inheritdoc />
    public override string ToString() =>
        $"Userfaultfd(fd {handle.DangerousGetFd()}, {CreationPath}, features 0x{(ulong)EnabledFeatures:x})";

    private static unsafe (UffdFeatures Enabled, UffdIoctls Ioctls) Handshake(UffdHandle handle, UffdFeatures requested, UffdFeatures required)
    {
        var api = new UffdioApi { Api = UffdAbi.UFFD_API, Features = (ulong)requested };
        if (Libc.ioctl(handle, UffdAbi.UFFDIO_API, &api) == 0)
        {
            return (Implied(requested), (UffdIoctls)api.Ioctls);
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno == Errno.EPERM && (requested & UffdFeatures.EventFork) != 0)
        {
            if ((required & UffdFeatures.EventFork) != 0)
            {
                throw new UffdPermissionException(
                    "UFFD_FEATURE_EVENT_FORK needs CAP_SYS_PTRACE (the kernel answered EPERM). " +
                    "Run with CAP_SYS_PTRACE, or make EventFork optional.", errno);
            }

            // A refused UFFDIO_API leaves the uffd uninitialised, so asking again without the optional feature is allowed.
            requested &= ~UffdFeatures.EventFork;
            api = new UffdioApi { Api = UffdAbi.UFFD_API, Features = (ulong)requested };
            if (Libc.ioctl(handle, UffdAbi.UFFDIO_API, &api) == 0)
            {
                return (Implied(requested), (UffdIoctls)api.Ioctls);
            }

            errno = Marshal.GetLastPInvokeError();
        }

        throw new UffdException(
            $"UFFDIO_API with features 0x{(ulong)requested:x} failed: {Errno.Describe(errno)}. " +
            "The runtime requests only features the kernel reported; this points at a kernel or LSM refusing the handshake.", errno);
    }

    private static UffdFeatures Implied(UffdFeatures requested) =>
        (requested & UffdFeatures.WPAsync) != 0 ? requested | UffdFeatures.WPUnpopulated : requested;
}
