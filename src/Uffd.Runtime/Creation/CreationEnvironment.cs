using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Uffd.Interop;

namespace Uffd;

/// <summary>
/// What decides whether each rung of the permission ladder can work, read once when creation has failed so that the
/// message names the cause that applies here instead of every cause that could: the sysctl, the capability, the
/// device's owner and mode against this process's credentials, and a seccomp filter.
/// </summary>
/// <param name="UnprivilegedUserfaultfd">vm.unprivileged_userfaultfd, or null when it does not exist (no CONFIG_USERFAULTFD, or Linux before 5.2).</param>
/// <param name="CapEff">The effective capability set, or null when it could not be read.</param>
/// <param name="Seccomp">The calling thread's seccomp mode (0 none, 1 strict, 2 filter), or null when the kernel does not report it.</param>
/// <param name="Uid">The filesystem uid, which the kernel checks a device's permissions against; null when unknown.</param>
/// <param name="Gid">The filesystem gid; null when unknown.</param>
/// <param name="Groups">The supplementary groups.</param>
/// <param name="Device">The owner and mode of /dev/userfaultfd, or null when it does not exist or could not be read.</param>
/// <param name="UserModeOnlySyscallErrno">
/// What <c>userfaultfd(UFFD_USER_MODE_ONLY)</c> gave (0: it worked), when the ladder or a diagnostic attempt tried it;
/// that call needs no privilege, so its failure says something other than the privilege check refuses the syscall.
/// </param>
internal sealed record CreationEnvironment(
    int? UnprivilegedUserfaultfd,
    ulong? CapEff,
    int? Seccomp,
    uint? Uid,
    uint? Gid,
    IReadOnlyList<uint> Groups,
    DeviceOwnership? Device,
    int? UserModeOnlySyscallErrno = null)
{
    private const int CapDacOverride = 1;
    private const int CapSysPtrace = 19;

    /// <summary>True when this process holds CAP_SYS_PTRACE; null when unknown.</summary>
    public bool? HasSysPtrace => CapEff is { } caps ? (caps & (1UL << CapSysPtrace)) != 0 : null;

    /// <summary>True when the kernel's privilege check lets this process create a uffd that serves kernel-mode faults.</summary>
    public bool PrivilegeAllowsKernelFaults => HasSysPtrace == true || UnprivilegedUserfaultfd == 1;

    /// <summary>True when a seccomp filter is installed on the calling thread.</summary>
    public bool HasSeccompFilter => Seccomp == 2;

    /// <summary>
    /// Whether the device's permission bits let this process open it for reading and writing (true with
    /// CAP_DAC_OVERRIDE); null when the device or the credentials are unknown.
    /// </summary>
    public bool? DevicePermitsReadWrite
    {
        get
        {
            if (Device is not { } device || Uid is not { } uid || Gid is not { } gid)
            {
                return null;
            }

            if (CapEff is { } caps && (caps & (1UL << CapDacOverride)) != 0)
            {
                return true;
            }

            const UnixFileMode OwnerRw = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            const UnixFileMode GroupRw = UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
            const UnixFileMode OtherRw = UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
            if (device.Uid == uid)
            {
                return (device.Mode & OwnerRw) == OwnerRw;
            }

            if (device.Gid == gid || Contains(Groups, device.Gid))
            {
                return (device.Mode & GroupRw) == GroupRw;
            }

            return (device.Mode & OtherRw) == OtherRw;
        }
    }

    /// <summary>"uid 65534, gid 65534, groups 65534": the credentials the device's permissions were checked against.</summary>
    public string DescribeCredentials()
    {
        string groups = Groups.Count == 0 ? "none" : string.Join(",", Groups);
        return $"uid {Describe(Uid)}, gid {Describe(Gid)}, supplementary groups {groups}";
    }

    /// <summary>Reads the environment of the calling thread.</summary>
    public static CreationEnvironment Read()
    {
        Dictionary<string, string> status = ReadStatus();
        return new CreationEnvironment(
            KernelInfo.UnprivilegedUserfaultfd,
            status.TryGetValue("CapEff", out string? caps) && ulong.TryParse(caps, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong capEff)
                ? capEff
                : null,
            status.TryGetValue("Seccomp", out string? seccomp) && int.TryParse(seccomp, NumberStyles.None, CultureInfo.InvariantCulture, out int mode)
                ? mode
                : null,
            FsId(status, "Uid"),
            FsId(status, "Gid"),
            status.TryGetValue("Groups", out string? groups) ? ParseIds(groups) : Array.Empty<uint>(),
            DeviceOwnership.Read(KernelInfo.DevicePath));
    }

    /// <summary>
    /// The fields of <c>/proc/thread-self/status</c>: the calling thread's, since seccomp filters and capabilities are
    /// per thread (falls back to <c>/proc/self/status</c> before Linux 3.17). Empty when neither can be read.
    /// </summary>
    private static Dictionary<string, string> ReadStatus()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in new[] { "/proc/thread-self/status", "/proc/self/status" })
        {
            try
            {
                foreach (string line in File.ReadLines(path))
                {
                    int colon = line.IndexOf(':');
                    if (colon > 0)
                    {
                        fields[line.Substring(0, colon)] = line.Substring(colon + 1).Trim();
                    }
                }

                return fields;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return fields;
    }

    /// <summary>The fourth id of "Uid:" or "Gid:" (real, effective, saved, filesystem).</summary>
    private static uint? FsId(Dictionary<string, string> status, string field)
    {
        if (!status.TryGetValue(field, out string? value))
        {
            return null;
        }

        uint[] ids = ParseIds(value);
        return ids.Length == 4 ? ids[3] : null;
    }

    private static uint[] ParseIds(string text)
    {
        var ids = new List<uint>();
        foreach (string part in text.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
            {
                ids.Add(id);
            }
        }

        return ids.ToArray();
    }

    private static bool Contains(IReadOnlyList<uint> ids, uint id)
    {
        foreach (uint candidate in ids)
        {
            if (candidate == id)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(uint? id) => id?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
}

/// <summary>The owner, group and permission bits of a file.</summary>
internal readonly record struct DeviceOwnership(uint Uid, uint Gid, UnixFileMode Mode)
{
    /// <summary>"mode 0600, owner uid 0, group gid 0", in the octal chmod takes.</summary>
    public override string ToString() =>
        $"mode {Convert.ToString((int)Mode, 8).PadLeft(4, '0')}, owner uid {Uid.ToString(CultureInfo.InvariantCulture)}, " +
        $"group gid {Gid.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The file's ownership from <c>statx</c>, or null when it does not exist or cannot be examined.</summary>
    public static unsafe DeviceOwnership? Read(string path)
    {
        const int AtFdCwd = -100;
        const uint StatxMode = 0x2, StatxUid = 0x8, StatxGid = 0x10;
        byte* buffer = stackalloc byte[StatxAbi.Size];
        try
        {
            if (StatxAbi.statx(AtFdCwd, path, 0, StatxMode | StatxUid | StatxGid, buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            // A C library without statx (glibc before 2.28): the cause is then named without the owner.
            return null;
        }

        uint mask = *(uint*)(buffer + StatxAbi.MaskOffset);
        if ((mask & (StatxMode | StatxUid | StatxGid)) != (StatxMode | StatxUid | StatxGid))
        {
            return null;
        }

        return new DeviceOwnership(
            *(uint*)(buffer + StatxAbi.UidOffset),
            *(uint*)(buffer + StatxAbi.GidOffset),
            (UnixFileMode)(*(ushort*)(buffer + StatxAbi.ModeOffset) & 0xFFF));
    }
}

/// <summary><c>struct statx</c> (the same layout on every architecture) and the C library's <c>statx</c>.</summary>
internal static unsafe partial class StatxAbi
{
    public const int Size = 256;
    public const int MaskOffset = 0;
    public const int UidOffset = 20;
    public const int GidOffset = 24;
    public const int ModeOffset = 28;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
